"""Throughput against hand-counted durations: nearest-rank median and 80th percentile per type and
quarter, for each step; the signals waiting at the weegtafel within and past the term."""

from __future__ import annotations

from datetime import date, timedelta

from casebook.access import report_scope
from casebook.auth.models import Role
from casebook.db import utcnow
from casebook.organisations.models import OrganisationKind
from casebook.reports.filters import ReportFilters
from casebook.reports.queries.throughput import throughput
from casebook.signals.models import TriageDecision
from tests.factories import make_district, make_org, make_signal, make_user
from tests.reports import refreshed
from tests.reports.test_queries_caseload import at, make_history_case, table, this_period

Q1_2025 = ReportFilters(start=date(2025, 1, 1), end=date(2025, 7, 1))


def test_opening_to_closing_median_and_p80_per_quarter():
    zvh = make_org(kind=OrganisationKind.ZVH)
    wijk = make_district("rep-doorloop")
    reader = make_user(org=zvh, roles=[Role.COORDINATOR])
    # closed in 2025-K1 after 10, 20, 30, 40 and 50 days: nearest rank median = 30 (rank 3), p80 = 40 (rank 4)
    for days in (50, 10, 40, 20, 30):
        closed = at(2025, 3, 20)
        make_history_case(zvh, district=wijk, opened=closed - timedelta(days=days), closed=closed)
    # closed in 2025-K2 after 7 days (one case); closed in 2024 (outside the period)
    make_history_case(zvh, district=wijk, opened=at(2025, 4, 1), closed=at(2025, 4, 8))
    make_history_case(zvh, district=wijk, opened=at(2024, 1, 1), closed=at(2024, 6, 1))
    filters = ReportFilters(start=Q1_2025.start, end=Q1_2025.end, district_ids=frozenset({wijk.id}))
    tables = throughput(refreshed(), report_scope(reader), filters)
    closing = table(tables, "opening_to_closing")
    assert [c.key for c in closing.columns] == ["2025-K1", "2025-K2"]
    q1 = closing.stat("youth", "2025-K1")
    assert (q1.n, q1.median, q1.p80) == (5, 30.0, 40.0)
    q2 = closing.stat("youth", "2025-K2")
    assert (q2.n, q2.median, q2.p80) == (1, 7.0, 7.0)


def test_steps_through_plan_and_afschaling():
    zvh = make_org(kind=OrganisationKind.ZVH)
    wijk = make_district("rep-stappen")
    reader = make_user(org=zvh, roles=[Role.COORDINATOR])
    opened = at(2025, 1, 1)
    for plan_days, afschaling_days in ((4, 30), (6, 50)):
        plan = opened + timedelta(days=plan_days)
        make_history_case(
            zvh,
            district=wijk,
            opened=opened,
            steps=(
                ("plan_van_aanpak", plan),
                ("uitvoering", plan + timedelta(days=1)),
                ("afschaling", plan + timedelta(days=afschaling_days)),
            ),
        )
    filters = ReportFilters(start=Q1_2025.start, end=Q1_2025.end, district_ids=frozenset({wijk.id}))
    tables = throughput(refreshed(), report_scope(reader), filters)
    to_plan = table(tables, "triage_to_plan").stat("youth", "2025-K1")
    assert (to_plan.n, to_plan.median, to_plan.p80) == (2, 4.0, 6.0)
    to_afschaling = table(tables, "plan_to_afschaling")  # 30 and 50 days later: both in Q1
    q1, q2 = to_afschaling.stat("youth", "2025-K1"), to_afschaling.stat("youth", "2025-K2")
    assert (q1.n, q1.median, q1.p80, q2.n) == (2, 30.0, 50.0, 0)


def test_signal_to_triage_and_the_waiting_signals():
    zvh = make_org(kind=OrganisationKind.ZVH)
    registrant = make_user(org=zvh, roles=[Role.CASEWORKER])
    reader = make_user(org=zvh, roles=[Role.COORDINATOR])
    wijk = make_district("rep-weegtafel")
    for days in (1, 2, 9):
        received = at(2025, 2, 1)
        make_signal(
            registrant,
            district=wijk,
            received_at=received,
            triaged_at=received + timedelta(days=days),
            decision=TriageDecision.ADVICE,
        )
    now = utcnow()
    make_signal(registrant, district=wijk, received_at=now - timedelta(days=30))  # overdue
    make_signal(registrant, district=wijk, received_at=now - timedelta(hours=1))  # within the term
    filters = ReportFilters(start=Q1_2025.start, end=Q1_2025.end, district_ids=frozenset({wijk.id}))
    tables = throughput(refreshed(), report_scope(reader), filters)
    weighing = table(tables, "signal_to_triage").stat("youth", "2025-K1")
    assert (weighing.n, weighing.median, weighing.p80) == (3, 2.0, 9.0)
    period = this_period()
    today = ReportFilters(period.start, period.end, district_ids=frozenset({wijk.id}))
    waiting = table(throughput(refreshed(), report_scope(reader), today), "waiting_at_triage")
    assert (waiting.count("youth", "overdue"), waiting.count("youth", "within")) == (1, 1)
