"""A token never outlives a change of its user's credentials or access (issue 12, leak 3).

Every cause that ends the user's sessions for such a change — an admin's password reset, MFA reset,
"end sessions", role or organisation change and disabling, the user's own password change and
"end my other sessions" — also revokes the user's API tokens: a real token against ``/api/v1/me``
answers 401 afterwards, the row says when and why, and one audit event names how many were revoked
(never a token value). Logging out keeps the tokens: it is no change of credentials.
"""

from __future__ import annotations

import pytest

from casebook.api.models import ApiToken
from casebook.auth.models import User
from casebook.db import db
from tests.factories import TEST_PASSWORD, bearer, login_as, make_api_token, make_org, make_user
from tests.helpers import audit_events, last_event

NEW_PASSWORD = "bromfiets lantaarn ijsvogel"


def _admin_posts(path: str, data: dict | None = None):
    def act(client, app, user):
        admin = make_user(roles=["admin"])
        login_as(client, admin)
        payload = dict(data or {})
        if path == "roles" and payload.pop("new_org", False):
            payload["organisation"] = str(make_org().id)
        elif path == "roles":
            payload["organisation"] = str(user.organisation_id)
        response = client.post(f"/admin/users/{user.id}/{path}", data=payload)
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
        return admin

    return act


def _own_password_change(client, app, user):
    login_as(client, user)
    data = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=data).status_code == 302
    return user


def _end_my_other_sessions(client, app, user):
    login_as(client, user)
    assert client.post("/account/sessions/end-others").status_code == 302
    return user


CAUSES = {
    "admin_password_reset_link": (_admin_posts("reset-password", {"method": "link"}), "password_reset"),
    "admin_password_reset_initial": (
        _admin_posts("reset-password", {"method": "password", "initial_password": NEW_PASSWORD}),
        "password_reset",
    ),
    "admin_mfa_reset": (_admin_posts("reset-mfa"), "mfa_reset"),
    "admin_end_sessions": (_admin_posts("end-sessions"), "ended_by_admin"),
    "admin_role_change": (_admin_posts("roles", {"roles": ["coordinator"]}), "roles_changed"),
    "admin_organisation_change": (_admin_posts("roles", {"roles": ["caseworker"], "new_org": True}), "roles_changed"),
    "admin_disable": (_admin_posts("disable"), "disabled"),
    "own_password_change": (_own_password_change, "password_change"),
    "end_my_other_sessions": (_end_my_other_sessions, "ended_by_user"),
}


@pytest.mark.parametrize("cause", sorted(CAUSES))
def test_the_change_revokes_the_users_api_tokens(client, app, cause):
    act, reason = CAUSES[cause]
    user = make_user(roles=["caseworker"])
    issued = [make_api_token(user, name="koppeling"), make_api_token(user, name="rapportage", read_only=True)]
    other_users_token = make_api_token(make_user())
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(issued[0])).status_code == 200

    actor = act(client, app, user)

    for token in issued:
        response = api.get("/api/v1/me", headers=bearer(token))
        assert response.status_code == 401, cause
        assert response.get_json()["type"].endswith("invalid-token")
    assert api.get("/api/v1/me", headers=bearer(other_users_token)).status_code == 200  # only the user's own
    rows = [db.session.get(ApiToken, t.token.id) for t in issued]
    for row in rows:
        db.session.refresh(row)
    assert all(row.revoked_at is not None and row.revoked_reason == reason for row in rows)
    event = last_event("api.token.revoke_all", object_id=str(user.id))
    assert event.actor_user_id == actor.id and event.outcome.value == "allowed"
    assert event.details["reason"] == reason and event.details["tokens_revoked"] == 2
    assert not any(t.plaintext.split("_", 2)[2] in str(event.details) for t in issued)
    assert last_event("api.token.use", object_id=str(rows[0].id)).details == {"reason": "revoked"}


def test_a_second_change_revokes_nothing_more_but_is_audited(client, app):
    user = make_user()
    make_api_token(user)
    act = _admin_posts("end-sessions")
    act(client, app, user)
    client.post(f"/admin/users/{user.id}/end-sessions")
    counts = [e.details["tokens_revoked"] for e in audit_events("api.token.revoke_all", object_id=str(user.id))]
    assert counts == [1, 0]


def test_logging_out_keeps_the_api_tokens(client, app):
    user = make_user()
    issued = make_api_token(user)
    login_as(client, user)
    assert client.post("/logout").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=bearer(issued)).status_code == 200
    assert not audit_events("api.token.revoke_all", object_id=str(user.id))


def test_a_disabled_users_token_stops_at_once_and_re_enabling_does_not_revive_it(client, app):
    user = make_user()
    user_id = user.id
    issued = make_api_token(user)
    token_id = issued.token.id
    api = app.test_client()
    # Disabled directly in the database (not through Beheer): the token still stops on the next request.
    user.active = False
    assert api.get("/api/v1/me", headers=bearer(issued)).status_code == 401
    assert last_event("api.token.use", object_id=str(token_id)).details == {"reason": "user_inactive"}
    user = db.session.get(User, user_id)
    user.active = True
    assert api.get("/api/v1/me", headers=bearer(issued)).status_code == 200
    # Disabled through Beheer: revoked, so enabling the account again does not bring the token back.
    admin = make_user(roles=["admin"])
    login_as(client, admin)
    client.post(f"/admin/users/{user.id}/disable")
    assert api.get("/api/v1/me", headers=bearer(issued)).status_code == 401
    client.post(f"/admin/users/{user.id}/enable")
    assert api.get("/api/v1/me", headers=bearer(issued)).status_code == 401


def test_an_unknown_end_reason_is_refused(app):
    from casebook.auth import sessions

    with app.test_request_context(), pytest.raises(ValueError):
        sessions.end_all(make_user(), "because")


def test_every_app_registers_the_token_revoker(app):
    from casebook.api.tokens import revoke_all_for

    assert revoke_all_for in app.extensions["casebook.credential_revokers"]
