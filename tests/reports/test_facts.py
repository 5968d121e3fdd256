"""The report facts: what the refresh derives, that it replaces (never adds to) the previous facts,
that a history report counts the facts as of their refresh and says so — on the page, in the export,
in the API — and that the command runs as a recorded job."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from casebook.auth.models import Role
from casebook.cases.models import CaseClosureStep, ClosureStepKind
from casebook.db import db, utcnow
from casebook.interventions.models import Intervention, InterventionKind
from casebook.ops.jobs import JobRun
from casebook.organisations.models import OrganisationKind
from casebook.reports.facts import ReportCaseFact, ReportClosingFact, ReportFactState, ReportInterventionFact
from casebook.reports.refresh import refresh_facts, refreshed_at
from tests.factories import bearer, login_as, make_api_token, make_district, make_org, make_user
from tests.reports.test_queries_caseload import make_history_case


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def _world():
    zvh = make_org(kind=OrganisationKind.ZVH)
    wijk = make_district("rep-facts")
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    case = make_history_case(
        zvh,
        district=wijk,
        opened=at(2026, 1, 5),
        steps=(
            ("plan_van_aanpak", at(2026, 1, 20)),
            ("afschaling", at(2026, 3, 1)),
            ("plan_van_aanpak", at(2026, 4, 1)),
        ),
    )
    return zvh, wijk, supervisor, case


def test_the_refresh_derives_each_case_first_entries_and_keys():
    zvh, wijk, _supervisor, case = _world()
    done = refresh_facts(db.session)
    fact = db.session.get(ReportCaseFact, case.id)
    assert (fact.case_type_id, fact.district_id, fact.lead_organisation_id) == (case.case_type_id, wijk.id, zvh.id)
    assert fact.opened_at == at(2026, 1, 5)
    assert fact.plan_at == at(2026, 1, 20)  # the first entry, not the later return to the phase
    assert fact.afschaling_at == at(2026, 3, 1)
    assert fact.closed_at is None and fact.weighed_at is None
    assert done.cases == db.session.scalar(select(func.count()).select_from(ReportCaseFact))


def test_closings_carry_their_result_and_recurrence_and_interventions_their_category():
    zvh, wijk, supervisor, case = _world()
    later = make_history_case(zvh, district=wijk, opened=at(2026, 6, 1), closed=at(2026, 6, 30))
    db.session.add(
        CaseClosureStep(case=later, kind=ClosureStepKind.APPROVED, by=supervisor, at=at(2026, 6, 30), version=2)
    )
    db.session.add(
        CaseClosureStep(case=later, kind=ClosureStepKind.PROPOSED, by=supervisor, at=at(2026, 6, 29), version=2)
    )
    kind = db.session.scalar(select(InterventionKind).where(InterventionKind.code == "huisbezoek"))
    db.session.add(Intervention(case=case, kind_id=kind.id, occurred_on=date(2026, 2, 2), organisation=zvh))
    db.session.flush()
    refresh_facts(db.session)
    closings = db.session.scalars(select(ReportClosingFact).where(ReportClosingFact.case_id == later.id)).all()
    assert [(c.closed_at, c.recurrence, c.lead_organisation_id) for c in closings] == [
        (at(2026, 6, 30), "none", zvh.id)
    ]
    done = db.session.scalars(select(ReportInterventionFact).where(ReportInterventionFact.case_id == case.id)).all()
    assert [(d.occurred_on, d.category, d.district_id) for d in done] == [(date(2026, 2, 2), "prevention", wijk.id)]


def test_a_refresh_replaces_the_facts_and_a_change_counts_from_the_next_one():
    _zvh, _wijk, _supervisor, case = _world()
    first = refresh_facts(db.session, now=at(2026, 12, 1))
    assert refresh_facts(db.session, now=at(2026, 12, 2)).cases == first.cases  # nothing counted twice
    case.closed_at = at(2026, 5, 1)
    db.session.flush()
    assert db.session.get(ReportCaseFact, case.id).closed_at is None  # as of the last refresh
    refresh_facts(db.session, now=at(2026, 12, 3))
    db.session.expire_all()
    assert db.session.get(ReportCaseFact, case.id).closed_at == at(2026, 5, 1)
    assert refreshed_at(db.session) == at(2026, 12, 3)
    assert db.session.scalar(select(func.count()).select_from(ReportFactState)) == 1


def test_a_history_page_says_as_of_when_and_warns_before_the_first_refresh(client):
    login_as(client, make_user(org=make_org(kind=OrganisationKind.MUNICIPALITY), roles=[Role.SUPERVISOR]))
    never = client.get("/reports/throughput").get_data(as_text=True)
    assert "nog niet berekend" in never
    live = client.get("/reports/caseload").get_data(as_text=True)
    assert "Stand van" not in live and "nog niet berekend" not in live  # today's: counted live until a refresh
    refresh_facts(db.session, now=at(2026, 11, 30))
    db.session.commit()
    page = client.get("/reports/throughput").get_data(as_text=True)
    assert "Stand van 30 november 2026" in page and "nog niet berekend" not in page
    assert "Stand van 30 november" not in client.get("/reports/caseload").get_data(as_text=True)  # counted now


def test_the_export_and_the_api_state_the_moment_of_the_facts(client):
    reader = make_user(org=make_org(kind=OrganisationKind.MUNICIPALITY), roles=[Role.SUPERVISOR])
    moment = utcnow() - timedelta(minutes=20)
    refresh_facts(db.session, now=moment)
    db.session.commit()
    body = client.get("/api/v1/reports/results", headers=bearer(make_api_token(reader))).json
    assert datetime.fromisoformat(body["as_of"]) == moment  # the facts' refresh
    live = client.get("/api/v1/reports/signals", headers=bearer(make_api_token(reader))).json
    assert datetime.fromisoformat(live["as_of"]) > moment  # counted now from the live tables, kept since
    login_as(client, reader)
    rows = list(
        csv.reader(io.StringIO(client.get("/reports/results/export.csv").get_data(as_text=True)), delimiter=";")
    )
    assert any(row and row[0] == "Stand van de cijfers" for row in rows)


def test_the_command_refreshes_and_is_recorded_as_a_job(app):
    _world()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert "report facts:" in result.output
    assert db.session.scalar(select(JobRun.outcome).where(JobRun.job == "reports_refresh")) == "success"
    assert refreshed_at(db.session) is not None


def _count_youth_closings(reader) -> int | None:
    from casebook.reports.filters import ReportFilters
    from casebook.reports.services import build_report

    report = build_report(reader, "results", ReportFilters(start=date(2026, 1, 1), end=date(2027, 1, 1)))
    table = next(t for t in report.tables if t.key == "closed_by_result")
    return table.cell("none", "youth").value


def _closings(lead, supervisor, count: int, month: int) -> None:
    for _ in range(count):
        case = make_history_case(lead, opened=at(2026, 1, 2), closed=at(2026, month, 10))
        db.session.add(
            CaseClosureStep(case=case, kind=ClosureStepKind.APPROVED, by=supervisor, at=at(2026, month, 10), version=2)
        )
    db.session.flush()


def test_a_built_history_report_is_kept_until_the_next_refresh_and_per_scope():
    from casebook.reports.cache import ReportResult

    zvh = make_org(kind=OrganisationKind.ZVH)
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    zvh_leader = make_user(org=zvh, roles=[Role.SUPERVISOR])
    west_leader = make_user(org=west, roles=[Role.SUPERVISOR])
    _closings(zvh, zvh_leader, 6, month=3)
    _closings(west, west_leader, 7, month=4)
    refresh_facts(db.session)
    assert (_count_youth_closings(zvh_leader), _count_youth_closings(west_leader)) == (6, 7)  # never shared
    assert db.session.scalar(select(func.count()).select_from(ReportResult)) == 2
    _closings(zvh, zvh_leader, 2, month=5)
    refresh_facts_later = db.session.scalar(select(func.count()).select_from(ReportClosingFact))
    assert _count_youth_closings(zvh_leader) == 6  # the kept one: the facts are as of the last refresh
    refresh_facts(db.session, now=utcnow() + timedelta(seconds=1))
    assert db.session.scalar(select(func.count()).select_from(ReportResult)) == 0  # emptied by the refresh
    assert _count_youth_closings(zvh_leader) == 8
    assert db.session.scalar(select(func.count()).select_from(ReportClosingFact)) == refresh_facts_later + 2


def test_keeping_the_same_report_twice_is_harmless():
    from casebook.reports import cache

    moment = utcnow()
    cache.keep(db.session, "k" * 64, moment, [], moment)
    cache.keep(db.session, "k" * 64, moment, [], moment)  # a second request that built it meanwhile
    assert cache.cached(db.session, "k" * 64) == ([], moment)


def test_the_refresh_builds_the_default_views_of_every_reader_scope(app):
    from casebook.reports.cache import ReportResult

    make_user(org=make_org(kind=OrganisationKind.MUNICIPALITY), roles=[Role.SUPERVISOR])
    make_user(org=make_org(kind=OrganisationKind.ZVH), roles=[Role.COORDINATOR])
    make_user(org=make_org(kind=OrganisationKind.WIJKTEAM), roles=[Role.CASEWORKER])  # reads no reports
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert "default views built: 12 reports" in result.output  # 6 reports × 2 scopes
    assert db.session.scalar(select(func.count()).select_from(ReportResult)) == 12


def test_the_caseload_is_kept_as_counted_until_the_next_refresh(client):
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    wijk = make_district("rep-kept")
    leader = make_user(org=west, roles=[Role.SUPERVISOR])
    opened = utcnow() - timedelta(days=3)
    for _ in range(6):
        make_history_case(west, district=wijk, opened=opened)
    refresh_facts(db.session)
    db.session.commit()
    login_as(client, leader)

    def open_youth() -> int | None:
        body = client.get("/api/v1/reports/caseload", headers=bearer(make_api_token(leader))).json
        table = next(t for t in body["tables"] if t["key"] == "by_district_type")
        return next(c["value"] for c in table["column_totals"] if c["column"] == "youth")

    assert open_youth() == 6
    make_history_case(west, district=wijk, opened=opened)
    db.session.commit()
    assert open_youth() == 6  # as counted after the refresh; the page says when
    refresh_facts(db.session, now=utcnow() + timedelta(seconds=1))
    db.session.commit()
    assert open_youth() == 7
