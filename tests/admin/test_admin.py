"""User administration: create (activation link or initial password), disable, reset MFA, roles and
organisation — each audited and ending the user's sessions; only admins; never on oneself."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casebook.auth import mfa
from casebook.auth.models import Role, User
from casebook.db import db
from tests.factories import TEST_PASSWORD, enrol_mfa, login_as, make_case, make_org, make_user
from tests.helpers import last_event

STRONG = "bromfiets lantaarn ijsvogel"


@pytest.fixture
def admin(client):
    user = make_user(roles=["admin"])
    login_as(client, user)
    return user


def _new_user_form(org, **overrides):
    data = {
        "username": "nieuw.persoon",
        "display_name": "Nieuw Persoon",
        "organisation": str(org.id),
        "roles": ["caseworker"],
        "method": "link",
    }
    data.update(overrides)
    return data


def test_create_with_a_one_time_activation_link(client, app, admin):
    org = make_org()
    response = client.post("/admin/users/new", data=_new_user_form(org))
    assert response.status_code == 200
    link = re.search(r"http://localhost(/activate/[A-Za-z0-9_\-]+)", response.get_data(as_text=True)).group(1)
    user = db.session.scalar(select(User).where(User.username == "nieuw.persoon"))
    assert last_event("user.create", actor_user_id=admin.id).object_id == str(user.id)
    assert last_event("user.activation_link", actor_user_id=admin.id)
    newcomer = app.test_client()
    assert newcomer.post("/login", data={"username": "nieuw.persoon", "password": STRONG}).status_code == 200
    assert newcomer.get(link).status_code == 200
    assert newcomer.post(link, data={"new_password": STRONG, "confirm": STRONG}).status_code == 302
    assert newcomer.get(link).status_code == 404  # single use
    assert newcomer.post("/login", data={"username": "nieuw.persoon", "password": STRONG}).status_code == 302
    assert last_event("auth.activate", actor_user_id=user.id)


def test_an_expired_activation_link_is_refused(client, app, admin, frozen_clock):
    org = make_org()
    response = client.post("/admin/users/new", data=_new_user_form(org))
    link = re.search(r"http://localhost(/activate/[A-Za-z0-9_\-]+)", response.get_data(as_text=True)).group(1)
    frozen_clock.advance(hours=72, seconds=1)
    assert app.test_client().get(link).status_code == 404


def test_create_with_an_initial_password_that_must_be_changed(client, app, admin):
    org = make_org()
    data = _new_user_form(org, method="password", initial_password=STRONG)
    assert client.post("/admin/users/new", data=data).status_code == 200
    newcomer = app.test_client()
    assert newcomer.post("/login", data={"username": "nieuw.persoon", "password": STRONG}).status_code == 302
    assert newcomer.get("/cases").headers["Location"] == "/account/password"


def test_create_refuses_a_weak_initial_password_and_keeps_the_input(client, admin):
    data = _new_user_form(make_org(), method="password", initial_password="welkom123456")
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "te makkelijk te raden" in html and 'value="nieuw.persoon"' in html


def _other_session(app, user):
    other = app.test_client()
    login_as(other, user)
    assert other.get("/cases").status_code == 200
    return other


@pytest.mark.parametrize(
    ("path", "data", "action"),
    [
        ("disable", {}, "user.disable"),
        ("reset-mfa", {}, "user.mfa.reset"),
        ("roles", {"roles": ["coordinator"]}, "user.roles.change"),
        ("roles", {"roles": ["caseworker"], "new_org": True}, "user.roles.change"),
        ("reset-password", {"method": "link"}, "user.password.reset"),
        ("end-sessions", {}, "user.sessions.end"),
    ],
)
def test_every_change_is_audited_and_ends_the_users_sessions(client, app, admin, path, data, action):
    user = make_user(roles=["caseworker"])
    victim = _other_session(app, user)
    data = dict(data)
    org = make_org() if data.pop("new_org", False) else user.organisation
    if path == "roles":
        data["organisation"] = str(org.id)
    response = client.post(f"/admin/users/{user.id}/{path}", data=data)
    assert response.status_code in (200, 302)
    assert victim.get("/cases").status_code == 302
    event = last_event(action, actor_user_id=admin.id)
    assert event.object_id == str(user.id) and event.outcome.value == "allowed"
    assert event.details.get("sessions_ended", 1) == 1


def test_role_change_records_before_and_after(client, admin):
    user = make_user(roles=["caseworker"])
    new_org = make_org()
    client.post(
        f"/admin/users/{user.id}/roles", data={"roles": ["coordinator", "caseworker"], "organisation": str(new_org.id)}
    )
    changed = db.session.get(User, user.id)
    assert changed.roles == {Role.CASEWORKER, Role.COORDINATOR} and changed.organisation_id == new_org.id
    details = last_event("user.roles.change").details
    assert details["roles_before"] == ["caseworker"] and details["roles_after"] == ["caseworker", "coordinator"]
    assert details["organisation_after"] == new_org.slug


def test_reset_mfa_makes_the_user_enrol_again(client, admin):
    user = make_user()
    enrol_mfa(user)
    client.post(f"/admin/users/{user.id}/reset-mfa")
    assert not mfa.is_enrolled(db.session.get(User, user.id))


def test_a_disabled_user_cannot_log_in(client, app, admin):
    user = make_user()
    client.post(f"/admin/users/{user.id}/disable")
    response = app.test_client().post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200 and "onjuist" in response.get_data(as_text=True)


def test_an_admin_cannot_change_their_own_account(client, admin):
    response = client.post(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert "eigen account" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).active
    client.post(
        f"/admin/users/{admin.id}/roles",
        data={"roles": ["admin", "supervisor"], "organisation": str(admin.organisation_id)},
    )
    assert db.session.get(User, admin.id).roles == {Role.ADMIN}
    assert last_event("user.roles.change", actor_user_id=admin.id).outcome.value == "denied"


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "supervisor"])
def test_only_admins_reach_user_administration(client, role):
    user = make_user(roles=[role])
    target = make_user()
    login_as(client, user)
    assert client.get("/admin/users").status_code == 404
    assert client.get(f"/admin/users/{target.id}").status_code == 404
    assert client.post(f"/admin/users/{target.id}/disable").status_code == 404
    assert db.session.get(User, target.id).active
    assert last_event("user.view", actor_user_id=user.id).outcome.value == "denied"


def test_admins_never_reach_case_content(client, admin):
    case = make_case(lead=admin.organisation)
    assert client.get(f"/cases/{case.id}").status_code == 404


def test_access_review_by_a_supervisor_of_the_organisation(client, frozen_clock):
    org = make_org()
    supervisor = make_user(org=org, roles=["supervisor"])
    colleague = make_user(org=org, roles=["caseworker"])
    outsider = make_user(roles=["caseworker"])
    login_as(client, supervisor)
    html = client.get("/admin/access-review").get_data(as_text=True)
    assert colleague.username in html and outsider.username not in html
    assert "nooit" in html
    assert client.post(f"/admin/access-review/{colleague.id}").status_code == 302
    assert last_event("user.access_review", actor_user_id=supervisor.id).object_id == str(colleague.id)
    assert client.post(f"/admin/access-review/{outsider.id}").status_code == 404
    assert client.post(f"/admin/access-review/{supervisor.id}").status_code == 404  # never oneself


def test_overdue_reviews_are_highlighted_admins_quarterly(client, frozen_clock):
    org = make_org()
    supervisor = make_user(org=org, roles=["supervisor"])
    functional_admin = make_user(org=org, roles=["admin"])
    caseworker = make_user(org=org, roles=["caseworker"])
    frozen_clock.advance(days=100)
    login_as(client, supervisor)
    html = client.get("/admin/access-review").get_data(as_text=True)
    rows = {
        m.group(2): "cb-overdue" in m.group(1)
        for m in re.finditer(r'<tr class="([^"]*)">\s*<td[^>]*>[^(]*\(([^)]+)\)', html)
    }
    assert rows[functional_admin.username] is True
    assert rows[caseworker.username] is False


def test_caseworkers_have_no_access_review(client):
    login_as(client, make_user(roles=["caseworker"]))
    assert client.get("/admin/access-review").status_code == 404


def test_access_review_lists_each_users_authorisations(client):
    from casebook.confidentiality import Confidentiality
    from tests.factories import authorise_user, make_case_type

    org = make_org()
    supervisor = make_user(org=org, roles=["supervisor"])
    colleague = make_user(org=org, roles=["caseworker"])
    restricted = make_case_type("domestic_violence", restricted=True, authorise=False)
    authorise_user(colleague, restricted, max_confidentiality=Confidentiality.CONFIDENTIEEL, actions=["note.add"])
    login_as(client, supervisor)
    html = client.get("/admin/access-review").get_data(as_text=True)
    assert "domestic_violence: case.view, note.add ≤ confidentieel" in html
