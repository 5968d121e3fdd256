"""Signals against hand-counted data: per source organisation, channel, wijk and type, per decision."""

from __future__ import annotations

from datetime import date

from casebook.access import report_scope
from casebook.auth.models import Role
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.reports.filters import ReportFilters
from casebook.reports.queries.signals import signals
from casebook.signals.models import Channel, TriageDecision
from tests.factories import make_case_type, make_district, make_org, make_signal, make_user
from tests.reports.test_queries_caseload import at, table

MARCH = ReportFilters(start=date(2025, 3, 1), end=date(2025, 4, 1))


def test_signals_per_source_channel_wijk_and_decision():
    zvh = make_org(kind=OrganisationKind.ZVH)
    police = make_org("rep-politie", kind=OrganisationKind.POLICE)
    school = make_org("rep-school", kind=OrganisationKind.OTHER)
    north, south = make_district("rep-s-noord"), make_district("rep-s-zuid")
    officer = make_user(org=police)
    teacher = make_user(org=school)
    received = at(2025, 3, 10)
    weighed = at(2025, 3, 12)
    for _ in range(3):
        make_signal(
            officer, district=north, received_at=received, triaged_at=weighed, decision=TriageDecision.OPEN_CASE
        )
    make_signal(officer, district=south, received_at=received, triaged_at=weighed, decision=TriageDecision.NO_ACTION)
    make_signal(teacher, district=south, channel=Channel.SCHOOL, received_at=received)  # not yet weighed
    make_signal(teacher, district=south, channel=Channel.SCHOOL, received_at=at(2025, 4, 2))  # after the period
    reader = make_user(org=zvh, roles=[Role.COORDINATOR])
    filters = ReportFilters(MARCH.start, MARCH.end, district_ids=frozenset({north.id, south.id}))
    tables = signals(db.session(), report_scope(reader), filters)
    by_source = table(tables, "by_source")
    assert {r.key for r in by_source.rows} == {"rep-politie", "rep-school"}
    assert by_source.count("rep-politie", "open_case") == 3
    assert by_source.count("rep-politie", "no_action") == 1
    assert by_source.count("rep-school", "pending") == 1
    by_channel = table(tables, "by_channel")
    assert by_channel.count("police", "open_case") == 3 and by_channel.count("school", "pending") == 1
    by_district = table(tables, "by_district")
    assert [r.key for r in by_district.rows] == ["rep-s-noord", "rep-s-zuid"]
    assert by_district.count("rep-s-noord", "open_case") == 3
    assert by_district.count("rep-s-zuid", "no_action") == 1 and by_district.count("rep-s-zuid", "pending") == 1
    assert table(tables, "by_type").count("youth", "open_case") == 3


def test_a_teamleider_counts_the_signals_of_their_organisation_and_restricted_types_as_overig():
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    other = make_org(kind=OrganisationKind.WIJKTEAM)
    wijk = make_district("rep-s-west")
    make_case_type("domestic_violence", restricted=True)
    worker = make_user(org=west)
    make_signal(worker, district=wijk, received_at=at(2025, 3, 3))
    make_signal(worker, district=wijk, received_at=at(2025, 3, 3), type="domestic_violence")
    make_signal(make_user(org=other), district=wijk, received_at=at(2025, 3, 3))
    leader = make_user(org=west, roles=[Role.SUPERVISOR])
    tables = signals(db.session(), report_scope(leader), ReportFilters(MARCH.start, MARCH.end, frozenset({wijk.id})))
    by_type = table(tables, "by_type")
    assert by_type.count("youth", "pending") == 1
    assert by_type.count("overig", "pending") == 1
    assert "domestic_violence" not in {r.key for r in by_type.rows}
    assert table(tables, "by_district").count("rep-s-west", "pending") == 2
