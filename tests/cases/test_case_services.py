"""Case services: scope in SQL, the loader, references."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.cases import services as cases
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.cases.services import CaseFilters
from casebook.db import db, utcnow
from casebook.pagination import PageRequest
from tests.factories import make_case, make_case_type, make_district, make_org, make_user
from tests.helpers import last_event


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def noord():
    return make_org("wijkteam-noord")


def test_lead_organisation_users_see_their_cases_and_no_others(west, noord):
    own = make_case(lead=west)
    make_case(lead=noord)
    page = cases.list_for(make_user(org=west), CaseFilters())
    assert [c.id for c in page.items] == [own.id]
    assert page.total == 1


def test_contributor_and_observer_organisations_see_the_case(west, noord):
    case = make_case(lead=west, participants=[(noord, Involvement.OBSERVER)])
    assert cases.list_for(make_user(org=noord), CaseFilters()).total == 1
    assert cases.load_for(make_user(org=noord), case.id) is case


def test_ended_participation_gives_no_access(west, noord):
    case = make_case(lead=west)
    case.participants.append(
        CaseParticipant(organisation=noord, involvement=Involvement.CONTRIBUTOR, ended_at=utcnow())
    )
    db.session.flush()
    user = make_user(org=noord)
    assert cases.list_for(user, CaseFilters()).total == 0
    with pytest.raises(AccessDenied):
        cases.load_for(user, case.id)


def test_named_user_of_another_organisation_sees_the_case(west, noord):
    case = make_case(lead=west)
    named = make_user(org=noord)
    case.participants.append(CaseParticipant(organisation=noord, user=named, involvement=Involvement.CONTRIBUTOR))
    db.session.flush()
    assert cases.load_for(named, case.id) is case


def test_admin_sees_no_case_content_even_of_own_organisation(west):
    make_case(lead=west)
    admin = make_user(org=west, roles=["admin"])
    assert cases.list_for(admin, CaseFilters()).total == 0


def test_out_of_scope_and_missing_cases_both_raise_not_found_and_audit_the_denial(west, noord):
    case = make_case(lead=noord)
    user = make_user(org=west)
    for case_id in (case.id, 987654):
        with pytest.raises(AccessDenied) as raised:
            cases.load_for(user, case_id)
        assert raised.value.code == 404
        event = last_event("case.view", actor_user_id=user.id)
        assert event.outcome is Outcome.DENIED and event.details["requested_id"] == str(case_id)


def test_allowed_view_is_audited_with_the_case(west):
    case = make_case(lead=west)
    user = make_user(org=west)
    cases.load_for(user, case.id)
    event = last_event("case.view", actor_user_id=user.id)
    assert (event.outcome, event.case_id, event.object_type, event.actor_organisation) == (
        Outcome.ALLOWED,
        case.id,
        "case",
        "wijkteam-west",
    )


def test_filters_and_pagination_happen_in_sql(west):
    wielwijk, crabbehof = make_district("wielwijk"), make_district("crabbehof")
    make_case_type("housing_nuisance")
    for i in range(7):
        make_case(lead=west, district=wielwijk if i % 2 else crabbehof, type="youth" if i < 5 else "housing_nuisance")
    user = make_user(org=west)
    assert cases.list_for(user, CaseFilters(district="wielwijk")).total == 3
    assert cases.list_for(user, CaseFilters(case_type="housing_nuisance")).total == 2
    assert cases.list_for(user, CaseFilters(status="casusoverleg")).total == 7
    assert cases.list_for(user, CaseFilters(status="nazorg")).total == 0
    first = cases.list_for(user, CaseFilters(), PageRequest(per_page=5))
    last = cases.list_for(user, CaseFilters(), PageRequest(per_page=5, after=first.next_cursor))
    assert (len(first.items), len(last.items), first.total, last.total) == (5, 2, 7, 7)
    assert last.next_cursor is None and not {c.id for c in first.items} & {c.id for c in last.items}
    event = last_event("case.list", actor_user_id=user.id)
    assert event.details == {"filters": {}, "page": "next", "per_page": 5}


def test_sql_scope_and_object_check_agree(west, noord):
    """The list query and ``can`` are the same rule written twice; they must never disagree."""
    observer_org = make_org("politie")
    all_cases = [
        make_case(lead=west),
        make_case(lead=noord),
        make_case(lead=noord, participants=[(west, Involvement.CONTRIBUTOR)]),
        make_case(lead=noord, participants=[(observer_org, Involvement.OBSERVER)]),
    ]
    for user in (make_user(org=west), make_user(org=noord), make_user(org=observer_org), make_user(roles=["admin"])):
        listed = {c.id for c in cases.list_for(user, CaseFilters(), PageRequest(per_page=100)).items}
        allowed = {c.id for c in all_cases if can(user, Action.VIEW_CASE, c)}
        assert listed == allowed, user.username


def test_references_are_gap_free_per_year(west):
    case_type = make_case_type()
    first = cases.open_case(cases.NewCase(case_type, west, opened_at=datetime(2025, 12, 31, tzinfo=UTC)), by=None)
    second = cases.open_case(cases.NewCase(case_type, west, opened_at=datetime(2026, 1, 1, tzinfo=UTC)), by=None)
    third = cases.open_case(cases.NewCase(case_type, west, opened_at=datetime(2026, 3, 1, tzinfo=UTC)), by=None)
    assert (first.reference, second.reference, third.reference) == (
        "PGA-2025-00001",
        "PGA-2026-00001",
        "PGA-2026-00002",
    )


def test_a_rolled_back_opening_returns_its_number(west):
    case_type = make_case_type()
    db.session.commit()
    savepoint = db.session.begin_nested()
    cases.open_case(cases.NewCase(case_type, west, opened_at=datetime(2027, 2, 1, tzinfo=UTC)), by=None)
    savepoint.rollback()
    again = cases.open_case(cases.NewCase(case_type, west, opened_at=datetime(2027, 2, 2, tzinfo=UTC)), by=None)
    assert again.reference == "PGA-2027-00001"


def test_new_case_starts_in_first_status_with_type_confidentiality(west):
    case = make_case(lead=west)
    assert case.status.code == "casusoverleg"
    assert case.confidentiality == case.case_type.default_confidentiality
    assert [p.involvement for p in case.participants] == [Involvement.LEAD]
    assert isinstance(case, Case) and case.version == 1
