"""Re-authentication for sensitive operations (``require_recent_login``): the contract other modules use."""

from __future__ import annotations

import pytest

from casebook.auth.reauth import is_recent_login
from tests.factories import TEST_PASSWORD, enrol_mfa, login_with_mfa, make_user, session_token, totp_code
from tests.helpers import last_event

pytestmark = pytest.mark.usefixtures("mfa_on")


def test_an_old_login_is_sent_to_reauth_and_back(client, frozen_clock):
    user = make_user()
    secret = enrol_mfa(user)
    login_with_mfa(client, user, secret)
    assert client.post("/account/mfa/recovery-codes").status_code == 200  # fresh login: allowed
    frozen_clock.advance(minutes=6)
    response = client.post("/account/mfa/recovery-codes", headers={"Referer": "http://localhost/account/mfa"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/reauth?next=/account/mfa"
    before = session_token(client)
    frozen_clock.advance(seconds=30)
    response = client.post(
        "/reauth", data={"password": TEST_PASSWORD, "code": totp_code(secret), "next": "/account/mfa"}
    )
    assert response.headers["Location"] == "/account/mfa"
    assert session_token(client) != before  # a new id after re-authentication
    assert client.post("/account/mfa/recovery-codes").status_code == 200
    assert last_event("auth.reauth", actor_user_id=user.id).outcome.value == "allowed"


def test_reauth_needs_the_second_factor_too(client, frozen_clock):
    user = make_user()
    secret = enrol_mfa(user)
    login_with_mfa(client, user, secret)
    frozen_clock.advance(seconds=30)
    response = client.post("/reauth", data={"password": TEST_PASSWORD, "code": "000000", "next": "/"})
    assert response.status_code == 200 and "onjuist" in response.get_data(as_text=True)
    assert last_event("auth.reauth", actor_user_id=user.id).outcome.value == "denied"


def test_is_recent_login_is_false_without_a_session(app):
    with app.test_request_context():
        assert is_recent_login(300) is False
