"""Caseload numbers against small hand-counted data: open cases per wijk × type × phase, per
regisseur of the team, and the month trend; restricted types as "overig" for an unauthorised reader."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from casebook.access import report_scope
from casebook.auth.models import Role
from casebook.cases.models import Case, CaseStatusChange
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind
from casebook.plans.models import CasePlan
from casebook.reports.filters import ReportFilters, default_period
from casebook.reports.queries.caseload import caseload
from tests.factories import authorise_user, make_case, make_case_type, make_district, make_org, make_user, status_of


def at(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


def make_history_case(
    lead,
    *,
    type: str = "youth",
    district=None,
    opened: datetime,
    steps: tuple[tuple[str, datetime], ...] = (),
    closed: datetime | None = None,
    coordinator=None,
    manager=None,
) -> Case:
    """A case opened at ``opened`` that entered the statuses ``steps`` (code, when), closed at ``closed``."""
    case = make_case(lead=lead, type=type, district=district)
    case.opened_at = opened
    opening = db.session.scalar(select(CaseStatusChange).where(CaseStatusChange.case_id == case.id))
    opening.changed_at = opened
    previous = case.status
    version = 1
    if closed is not None:
        steps = (*steps, ("afgesloten", closed))
    for code, when in steps:
        status = status_of(case, code)
        version += 1
        db.session.add(
            CaseStatusChange(case=case, from_status=previous, to_status=status, changed_at=when, version=version)
        )
        previous = status
    case.status = previous
    case.closed_at = closed
    case.process_coordinator_id = coordinator.id if coordinator is not None else None
    if manager is not None:
        db.session.add(CasePlan(case_id=case.id, case_manager_id=manager.id))
    db.session.flush()
    return case


def table(tables, key):
    return next(t for t in tables if t.key == key)


def this_period() -> ReportFilters:
    start, end = default_period(utcnow().date())
    return ReportFilters(start=start, end=end)


def test_open_cases_per_wijk_type_and_phase_and_team():
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    elsewhere = make_org(kind=OrganisationKind.WIJKTEAM)
    leader = make_user(org=west, roles=[Role.SUPERVISOR])
    anna = make_user(org=west, roles=[Role.COORDINATOR])
    ben = make_user(org=west, roles=[Role.CASEWORKER])
    stranger = make_user(org=elsewhere, roles=[Role.COORDINATOR])
    north, south = make_district("rep-noord"), make_district("rep-zuid")
    make_case_type("housing_nuisance")
    now = utcnow()
    recent = now - timedelta(days=40)
    # north: 3 youth (2 in casusoverleg, 1 in plan van aanpak), 1 housing nuisance (uitvoering)
    for _ in range(2):
        make_history_case(west, district=north, opened=recent, coordinator=anna)
    make_history_case(west, district=north, opened=recent, steps=(("plan_van_aanpak", recent),), manager=ben)
    make_history_case(
        west, type="housing_nuisance", district=north, opened=recent, steps=(("uitvoering", recent),), manager=ben
    )
    # south: 1 youth open; 1 youth closed (not counted); 1 of another organisation (not counted)
    make_history_case(west, district=south, opened=recent, coordinator=stranger)
    make_history_case(west, district=south, opened=recent - timedelta(days=5), closed=recent)
    make_history_case(elsewhere, district=south, opened=recent)
    scope = report_scope(leader)
    tables = caseload(db.session(), scope, this_period())
    by_district = table(tables, "by_district_type")
    assert by_district.count("rep-noord", "youth") == 3
    assert by_district.count("rep-noord", "housing_nuisance") == 1
    assert by_district.count("rep-zuid", "youth") == 1
    by_phase = table(tables, "by_type_phase")
    assert by_phase.count("youth", "casusoverleg") == 3
    assert by_phase.count("youth", "plan_van_aanpak") == 1
    assert by_phase.count("housing_nuisance", "uitvoering") == 1
    assert "afgesloten" not in {c.key for c in by_phase.columns}
    coordinators = table(tables, "by_process_coordinator")
    assert [r.key for r in coordinators.rows] == [str(anna.id)]  # the stranger is not of the team
    assert coordinators.count(str(anna.id), "casusoverleg") == 2
    managers = table(tables, "by_case_manager")
    assert managers.count(str(ben.id), "plan_van_aanpak") == 1
    assert managers.count(str(ben.id), "uitvoering") == 1


def test_phase_at_the_end_of_a_past_period_and_the_month_trend():
    zvh = make_org(kind=OrganisationKind.ZVH)
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    wijk = make_district("rep-trend")
    # opened Jan 2025, plan van aanpak in March, closed in May
    plan = (("plan_van_aanpak", at(2025, 3)),)
    make_history_case(zvh, district=wijk, opened=at(2025, 1), steps=plan, closed=at(2025, 5))
    # opened Dec 2024, still open
    make_history_case(zvh, district=wijk, opened=at(2024, 12))
    # opened Feb 2025, closed Feb 2025
    make_history_case(zvh, district=wijk, opened=at(2025, 2, 3), closed=at(2025, 2, 20))
    filters = ReportFilters(start=date(2025, 1, 1), end=date(2025, 4, 1), district_ids=frozenset({wijk.id}))
    scope = report_scope(coordinator)
    assert scope.team_user_ids is None
    tables = caseload(db.session(), scope, filters)
    assert {t.key for t in tables} == {"by_district_type", "by_type_phase", "trend"}  # no regisseurs for the ZVH
    by_phase = table(tables, "by_type_phase")  # on 31 March 2025: two open, one already in plan van aanpak
    assert by_phase.count("youth", "casusoverleg") == 1
    assert by_phase.count("youth", "plan_van_aanpak") == 1
    trend = table(tables, "trend")
    assert [c.key for c in trend.columns] == ["2025-01", "2025-02", "2025-03"]
    assert [trend.count("youth", m) for m in ("2025-01", "2025-02", "2025-03")] == [2, 2, 2]
    may = caseload(db.session(), scope, ReportFilters(date(2025, 5, 1), date(2025, 7, 1), frozenset({wijk.id})))
    assert [table(may, "trend").count("youth", m) for m in ("2025-05", "2025-06")] == [1, 1]


def test_restricted_types_are_overig_for_an_unauthorised_reader():
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    wijk = make_district("rep-restricted")
    radical = make_case_type("radicalisation", restricted=True)
    opened = utcnow() - timedelta(days=3)
    for _ in range(2):
        make_history_case(west, type="radicalisation", district=wijk, opened=opened)
    make_history_case(west, district=wijk, opened=opened)
    unauthorised = make_user(org=west, roles=[Role.SUPERVISOR])
    tables = caseload(db.session(), report_scope(unauthorised), this_period())
    by_district = table(tables, "by_district_type")
    assert "radicalisation" not in {c.key for c in by_district.columns}
    assert by_district.count("rep-restricted", "overig") == 2
    assert by_district.count("rep-restricted", "youth") == 1
    authorised = make_user(org=west, roles=[Role.SUPERVISOR])
    authorise_user(authorised, radical, max_confidentiality=radical.default_confidentiality)
    by_district = table(caseload(db.session(), report_scope(authorised), this_period()), "by_district_type")
    assert by_district.count("rep-restricted", "radicalisation") == 2
    assert by_district.count("rep-restricted", "overig") == 0
