"""Login and logout through the real forms; every attempt is audited."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.auth.passwords import hash_password, needs_rehash
from casebook.auth.views import safe_next
from casebook.db import db
from tests.factories import TEST_PASSWORD, login_as, make_user
from tests.helpers import last_event


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Inloggen bij Casebook" in response.get_data(as_text=True)


def test_login_success_redirects_and_audits(client):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    event = last_event("auth.login", actor_user_id=user.id)
    assert event.outcome is Outcome.ALLOWED


def test_wrong_password_is_refused_and_audited_as_denied(client):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": "wrong password!"})
    assert response.status_code == 200
    assert "Gebruikersnaam of wachtwoord onjuist" in response.get_data(as_text=True)
    assert last_event("auth.login", actor_user_id=user.id).outcome is Outcome.DENIED


def test_unknown_user_gets_the_same_message(client):
    response = client.post("/login", data={"username": "nobody", "password": "whatever-password"})
    assert "Gebruikersnaam of wachtwoord onjuist" in response.get_data(as_text=True)
    assert last_event("auth.login").details == {"username_known": False, "locked": False}


def test_disabled_user_cannot_log_in_and_is_logged_out(client):
    user = make_user()
    login_as(client, user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/cases").status_code == 302


def test_empty_form_rerenders_with_field_errors(client):
    response = client.post("/login", data={"username": "someone", "password": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="someone"' in html
    assert 'aria-invalid="true"' in html


def test_logout_ends_the_session(client):
    user = make_user()
    login_as(client, user)
    assert client.post("/logout").status_code == 302
    assert client.get("/cases").status_code == 302
    assert last_event("auth.logout", actor_user_id=user.id)


def test_logout_requires_post(client):
    login_as(client, make_user())
    assert client.get("/logout").status_code == 405


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/cases?type=youth", "/cases?type=youth"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_redirects_to_local_paths(app, target, expected):
    with app.test_request_context():
        assert safe_next(target) == expected


def test_next_is_followed_after_login(client):
    user = make_user()
    response = client.post(
        "/login", data={"username": user.username, "password": TEST_PASSWORD, "next": "/cases?type=youth"}
    )
    assert response.headers["Location"] == "/cases?type=youth"


def test_passwords_are_argon2id():
    hashed = hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert not needs_rehash(hashed)
