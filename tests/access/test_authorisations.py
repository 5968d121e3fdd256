"""Granting and revoking authorisations: separation of duties, audited in the access module."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casebook.access import AccessDenied, Action, can
from casebook.access.models import Authorisation
from casebook.access.services import (
    AuthorisationError,
    grant_authorisation,
    list_authorisations,
    load_authorisation_for,
    revoke_authorisation,
)
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases import services as cases
from casebook.confidentiality import Confidentiality
from casebook.db import db
from tests.factories import login_as, make_case, make_case_type, make_org, make_user
from tests.helpers import last_event


@pytest.fixture
def world():
    home, other = make_org("huis"), make_org("elders")
    return {
        "home": home,
        "other": other,
        "type": make_case_type("dv", restricted=True, confidentiality=Confidentiality.CONFIDENTIEEL),
        "admin": make_user(org=home, roles=["admin"]),
        "admin2": make_user(org=home, roles=["admin"]),
        "supervisor": make_user(org=home, roles=["supervisor"]),
        "worker": make_user(org=home, roles=["caseworker"]),
        "stranger": make_user(org=other, roles=["caseworker"]),
    }


def grant(by, world, **subject):
    return grant_authorisation(
        by,
        case_type=world["type"],
        actions=[Action.READ_NOTES, Action.ADD_NOTE],
        max_confidentiality=Confidentiality.CONFIDENTIEEL,
        **subject,
    )


def test_an_admin_grants_a_user_access_to_a_restricted_type_audited(world):
    case = make_case(lead=world["home"], type="dv")
    worker = world["worker"]
    assert not can(worker, Action.VIEW_CASE, case)
    made = grant(world["admin"], world, user=worker)
    assert can(worker, Action.VIEW_CASE, case) and can(worker, Action.ADD_NOTE, case)
    assert made.actions == ["case.view", "note.add", "note.list"]
    event = last_event("authorisation.grant", actor_user_id=world["admin"].id)
    assert event.outcome is Outcome.ALLOWED and event.object_id == str(made.id)
    assert event.details == {
        "case_type": "dv",
        "user_id": worker.id,
        "actions": ["case.view", "note.add", "note.list"],
        "max_confidentiality": "confidentieel",
    }


def test_a_grant_below_the_case_confidentiality_does_not_reveal_it(world):
    case = make_case(lead=world["home"], type="dv", confidentiality=Confidentiality.GEHEIM)
    grant(world["admin"], world, user=world["worker"])
    assert cases.list_for(world["worker"], cases.CaseFilters()).total == 0
    with pytest.raises(AccessDenied):
        cases.load_for(world["worker"], case.id)


def test_nobody_grants_themselves(world):
    supervisor = world["supervisor"]
    with pytest.raises(AuthorisationError, match="uzelf"):
        grant(supervisor, world, user=supervisor)
    with pytest.raises(AuthorisationError, match="uzelf"):
        grant(supervisor, world, organisation=world["home"], role=Role.SUPERVISOR)
    with pytest.raises(AuthorisationError, match="uzelf"):
        grant(supervisor, world, role=Role.SUPERVISOR)  # role-wide includes them too
    assert db.session.scalar(select(func.count(Authorisation.id))) == 0
    event = last_event("authorisation.grant", actor_user_id=supervisor.id)
    assert event.outcome is Outcome.DENIED and event.details["refused"] == "self_grant"


def test_a_second_admin_or_a_supervisor_must_grant(world):
    grant(world["supervisor"], world, user=world["worker"])
    grant(world["admin2"], world, organisation=world["home"], role=Role.SUPERVISOR)
    assert last_event("authorisation.grant", actor_user_id=world["admin2"].id).outcome is Outcome.ALLOWED


def test_supervisors_grant_only_within_their_own_organisation(world):
    with pytest.raises(AuthorisationError, match="eigen organisatie"):
        grant(world["supervisor"], world, user=world["stranger"])
    with pytest.raises(AuthorisationError, match="eigen organisatie"):
        grant(world["supervisor"], world, role=Role.CASEWORKER)
    event = last_event("authorisation.grant", actor_user_id=world["supervisor"].id)
    assert event.details["refused"] == "other_organisation"


def test_admins_never_get_case_access(world):
    with pytest.raises(AuthorisationError, match="beheerders"):
        grant(world["supervisor"], world, user=world["admin"])
    with pytest.raises(AuthorisationError):
        grant(world["admin2"], world, organisation=world["home"], role=Role.ADMIN)


def test_caseworkers_cannot_grant_at_all(world):
    with pytest.raises(AccessDenied):
        grant(world["worker"], world, user=world["stranger"])
    assert last_event("authorisation.grant", actor_user_id=world["worker"].id).outcome is Outcome.DENIED


def test_revoking_takes_effect_on_the_next_decision_and_is_audited(world):
    case = make_case(lead=world["home"], type="dv")
    made = grant(world["admin"], world, user=world["worker"])
    assert can(world["worker"], Action.VIEW_CASE, case)
    revoke_authorisation(world["admin2"], made)
    assert made.revoked_at is not None and made.revoked_by is world["admin2"]
    assert not can(world["worker"], Action.VIEW_CASE, case)
    event = last_event("authorisation.revoke", actor_user_id=world["admin2"].id)
    assert event.outcome is Outcome.ALLOWED and event.object_id == str(made.id)


def test_a_supervisor_cannot_revoke_another_organisations_authorisation(world):
    made = grant(world["admin"], world, user=world["stranger"])
    with pytest.raises(AccessDenied):
        load_authorisation_for(world["supervisor"], made.id)
    assert last_event("authorisation.view", actor_user_id=world["supervisor"].id).outcome is Outcome.DENIED
    with pytest.raises(AccessDenied):
        revoke_authorisation(world["supervisor"], made)
    assert made.revoked_at is None


def test_supervisors_list_only_their_organisations_authorisations(world):
    own = grant(world["admin"], world, user=world["worker"])
    grant(world["admin"], world, user=world["stranger"])
    assert list_authorisations(world["supervisor"]) == [own]
    assert len(list_authorisations(world["admin"])) == 2
    assert last_event("authorisation.list", actor_user_id=world["admin"].id).details["count"] == 2


def test_opening_a_case_needs_an_authorisation_for_the_type(world):
    coordinator = make_user(org=world["home"], roles=["coordinator"])
    assert can(coordinator, Action.OPEN_CASE)  # the role, for showing the button
    assert not can(coordinator, Action.OPEN_CASE, case_type=world["type"])
    grant_authorisation(
        world["admin"],
        case_type=world["type"],
        actions=[Action.OPEN_CASE],
        max_confidentiality=Confidentiality.CONFIDENTIEEL,
        user=coordinator,
    )
    assert can(coordinator, Action.OPEN_CASE, case_type=world["type"])


def test_grant_and_revoke_over_http(client, world):
    worker_id, admin = world["worker"].id, world["admin"]
    login_as(client, admin)
    page = client.get("/access/authorisations")
    assert page.status_code == 200 and "Autorisatie verlenen" in page.get_data(as_text=True)
    data = {
        "username": world["worker"].username,
        "case_type": "dv",
        "actions": ["note.list"],
        "max_confidentiality": "confidentieel",
    }
    response = client.post("/access/authorisations", data=data)
    assert response.status_code == 302
    made = db.session.scalars(select(Authorisation).where(Authorisation.user_id == worker_id)).one()
    assert made.actions == ["case.view", "note.list"]
    assert client.post(f"/access/authorisations/{made.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(Authorisation, made.id).revoked_at is not None


def test_a_refused_grant_shows_the_form_again_with_422(client, world):
    login_as(client, world["supervisor"])
    data = {"username": world["supervisor"].username, "case_type": "dv", "max_confidentiality": "geheim"}
    response = client.post("/access/authorisations", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "uzelf" in html and world["supervisor"].username in html
    # the refusal survives the rollback of the failed request
    assert last_event("authorisation.grant", actor_user_id=world["supervisor"].id).outcome is Outcome.DENIED


def test_caseworkers_do_not_reach_the_authorisation_screens(client, world):
    login_as(client, world["worker"])
    assert client.get("/access/authorisations").status_code == 404


def test_a_page_reads_a_users_authorisations_once_and_a_new_grant_counts_at_once():
    from sqlalchemy import event

    from casebook.access import Action, can
    from casebook.confidentiality import Confidentiality
    from casebook.db import db
    from tests.factories import authorise_user, make_case, make_case_type, make_org, make_user

    org = make_org()
    restricted = make_case_type("radicalisation", restricted=True, authorise=False)
    case = make_case(lead=org, type="radicalisation")
    user = make_user(org=org, roles=["coordinator"])
    reads = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM authorisation" in statement:
            reads.append(statement)

    engine = db.session().get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert not can(user, Action.VIEW_CASE, case)
        assert not can(user, Action.ADD_NOTE, case)
        assert len(reads) == 1
        authorise_user(user, restricted, max_confidentiality=Confidentiality.GEHEIM)
        assert can(user, Action.VIEW_CASE, case) and can(user, Action.ADD_NOTE, case)
        assert len(reads) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)
