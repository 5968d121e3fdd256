"""The privacy officer (privacyfunctionaris) in the authorisation matrix: the register and the
processing log are theirs alone; a case, a person or a signal does not exist for them (404), even
in their own organisation, and even when an authorisation was written for them as data."""

from __future__ import annotations

import pytest

from casebook.access import Action, can
from casebook.access.rules.roles import GLOBAL_ACTION_ROLES
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import CaseSubject, SubjectRole
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from tests.factories import (
    authorise_roles,
    login_as,
    make_case,
    make_case_type,
    make_org,
    make_person,
    make_signal,
    make_user,
)
from tests.helpers import audit_events

PRIVACY_ACTIONS = (
    Action.VIEW_REGISTER,
    Action.EXPORT_REGISTER,
    Action.EDIT_REGISTER,
    Action.VIEW_PROCESSING_LOG,
    Action.EXPORT_PROCESSING_LOG,
)
ROLES = ("caseworker", "coordinator", "supervisor", "admin", "privacy_officer")
CASE_ACTIONS = (Action.LIST_CASES, Action.VIEW_CASE, Action.READ_NOTES, Action.VIEW_PERSON, Action.VIEW_SIGNAL)


@pytest.mark.parametrize("action", PRIVACY_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_privacy_officer_keeps_the_register_and_the_log(role, action):
    user = make_user(org=make_org(kind=OrganisationKind.MUNICIPALITY), roles=[role])
    assert can(user, action) is (role == "privacy_officer")
    assert GLOBAL_ACTION_ROLES[action] == (Role.PRIVACY_OFFICER,)


@pytest.fixture
def officer_and_content():
    gemeente = make_org(kind=OrganisationKind.MUNICIPALITY)
    officer = make_user(org=gemeente, roles=[Role.PRIVACY_OFFICER])
    case_type = make_case_type("privacy-matrix", authorise=False)
    # even an authorisation written as data gives the role no case
    authorise_roles(
        case_type, roles=[Role.PRIVACY_OFFICER], max_confidentiality=Confidentiality.GEHEIM, organisation=gemeente
    )
    case = make_case(lead=gemeente, type="privacy-matrix")
    person = make_person("Inzage")
    case.subjects.append(CaseSubject(person=person, role=SubjectRole.SUBJECT))
    signal = make_signal(make_user(org=gemeente, roles=[Role.COORDINATOR]), persons=[person])
    db.session.commit()
    return officer, case, person, signal


def test_the_privacy_officer_may_not_touch_case_content(officer_and_content):
    officer, case, person, signal = officer_and_content
    for action, obj in ((Action.VIEW_CASE, case), (Action.READ_NOTES, case), (Action.ADD_NOTE, case)):
        assert not can(officer, action, obj)
    assert not can(officer, Action.VIEW_PERSON, person) and not can(officer, Action.VIEW_SIGNAL, signal)
    assert not can(officer, Action.LIST_CASES) and not can(officer, Action.SEARCH_PERSONS)


PAGES = (
    "/cases/{case}",
    "/cases/{case}/journal",
    "/cases/{case}/plan",
    "/cases/{case}/dossier.pdf",
    "/persons/{person}",
    "/signals/{signal}",
)


@pytest.mark.parametrize("page", PAGES)
def test_every_case_person_and_signal_page_is_404_for_the_privacy_officer(client, officer_and_content, page):
    officer, case, person, signal = officer_and_content
    officer_id = officer.id
    login_as(client, officer)
    response = client.get(page.format(case=case.id, person=person.id, signal=signal.id))
    assert response.status_code == 404
    assert "Inzage" not in response.get_data(as_text=True)
    assert [e.outcome for e in audit_events(actor_user_id=officer_id, request_id=response.headers["X-Request-Id"])] == [
        Outcome.DENIED
    ]


def test_the_case_list_shows_the_privacy_officer_nothing(client, officer_and_content):
    officer, case, _person, _signal = officer_and_content
    login_as(client, officer)
    response = client.get("/cases")
    assert response.status_code == 404 or case.reference not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/privacy/register", "/privacy/register/pga-casework", "/privacy/register.csv", "/privacy/processing-log"]
)
@pytest.mark.parametrize("role", ["caseworker", "coordinator", "supervisor", "admin"])
def test_the_privacy_pages_are_404_for_everyone_else(client, role, path):
    user = make_user(org=make_org(kind=OrganisationKind.MUNICIPALITY), roles=[role])
    user_id = user.id
    login_as(client, user)
    response = client.get(path)
    assert response.status_code == 404
    assert audit_events(actor_user_id=user_id, outcome=Outcome.DENIED)
