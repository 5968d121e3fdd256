"""Step-up re-authentication for the admin takeover actions (issue 12, leak 9).

Resetting a password or second factor, changing roles or organisation and blocking or unblocking an
account need the admin's password within the last five minutes. Without it the admin is sent to
``/reauth`` and back to the user's page, and nothing changes: no new password, no reset factor, no
new role, no ended session, no revoked token, no audit event of the action.
"""

from __future__ import annotations

import pytest

from casebook.api.models import ApiToken
from casebook.auth import mfa
from casebook.auth.models import Role, User
from casebook.db import db
from tests.factories import TEST_PASSWORD, enrol_mfa, login_as, make_api_token, make_org, make_user
from tests.helpers import audit_events

STRONG = "bromfiets lantaarn ijsvogel"

ACTIONS = {
    "reset-password-link": ("reset-password", {"method": "link"}, "user.password.reset"),
    "reset-password-initial": (
        "reset-password",
        {"method": "password", "initial_password": STRONG},
        "user.password.reset",
    ),
    "reset-mfa": ("reset-mfa", {}, "user.mfa.reset"),
    "roles": ("roles", {"roles": ["coordinator"]}, "user.roles.change"),
    "organisation": ("roles", {"roles": ["caseworker"], "new_org": True}, "user.roles.change"),
    "disable": ("disable", {}, "user.disable"),
}


def _snapshot(user_id: int, token_id: int) -> tuple:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    token = db.session.get(ApiToken, token_id)
    return (
        user.password_hash,
        user.must_change_password,
        mfa.is_enrolled(user),
        sorted(user.roles),
        user.organisation_id,
        user.active,
        token.revoked_at,
    )


def _setup(client, app, frozen_clock, name):
    path, data, action = ACTIONS[name]
    admin = make_user(roles=["admin"])
    user = make_user(roles=["caseworker"])
    victim = app.test_client()
    login_as(victim, user)
    enrol_mfa(user)
    token_id = make_api_token(user).token.id
    data = dict(data)
    organisation = make_org() if data.pop("new_org", False) else user.organisation
    if path == "roles":
        data["organisation"] = str(organisation.id)
    login_as(client, admin)
    return admin, user, token_id, victim, path, data, action


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_without_a_recent_login_nothing_changes_and_the_admin_confirms_first(client, app, frozen_clock, name):
    admin, user, token_id, victim, path, data, action = _setup(client, app, frozen_clock, name)
    before = _snapshot(user.id, token_id)
    frozen_clock.advance(minutes=6)
    detail = f"/admin/users/{user.id}"
    assert client.get(detail).status_code == 200  # the session itself is still valid

    response = client.post(f"{detail}/{path}", data=data, headers={"Referer": f"http://localhost{detail}"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/reauth?next={detail}"
    assert _snapshot(user.id, token_id) == before
    assert not audit_events(action, actor_user_id=admin.id)
    assert victim.get("/cases").status_code == 200  # the user's session was not ended either

    # After confirming the password the admin is back on the user's page and the action goes through.
    response = client.post("/reauth", data={"password": TEST_PASSWORD, "next": detail})
    assert response.status_code == 302 and response.headers["Location"] == detail
    response = client.post(f"{detail}/{path}", data=data, headers={"Referer": f"http://localhost{detail}"})
    assert response.status_code in (200, 302)
    assert _snapshot(user.id, token_id) != before
    assert audit_events(action, actor_user_id=admin.id)


def test_unblocking_an_account_needs_a_recent_login_too(client, frozen_clock):
    admin = make_user(roles=["admin"])
    user = make_user(active=False)
    login_as(client, admin)
    frozen_clock.advance(minutes=6)
    response = client.post(f"/admin/users/{user.id}/enable")
    assert response.status_code == 303 and response.headers["Location"].startswith("/reauth?next=")
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    assert not audit_events("user.enable", actor_user_id=admin.id)


def test_a_fresh_login_needs_no_second_confirmation(client):
    admin = make_user(roles=["admin"])
    user = make_user(roles=["caseworker"])
    login_as(client, admin)
    response = client.post(
        f"/admin/users/{user.id}/roles", data={"roles": ["coordinator"], "organisation": str(user.organisation_id)}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}"
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {Role.COORDINATOR}
