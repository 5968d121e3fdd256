"""Passwords: argon2id, rehash on login, length and strength rules, the change page, forced change."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from casebook.auth.models import User
from casebook.auth.passwords import hash_password, needs_rehash, password_problem
from casebook.db import db
from tests.factories import TEST_PASSWORD, login_as, make_user


def test_hashes_are_argon2id_with_the_configured_parameters():
    hashed = hash_password("a long enough password")
    assert hashed.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert not needs_rehash(hashed)


def test_a_hash_with_old_parameters_is_rehashed_at_login(client):
    user = make_user()
    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(TEST_PASSWORD)
    user.password_hash = old
    db.session.commit()
    login_as(client, user)
    new = db.session.get(User, user.id).password_hash
    assert new != old and new.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("kort", "minstens 12"),
        ("x" * 257, "hoogstens 256"),
        ("aaaaaaaaaaaa", "te makkelijk te raden"),
        ("password1234", "te makkelijk te raden"),
        ("Wachtwoord123!", "te makkelijk te raden"),
        ("Casebook2026!", "te makkelijk te raden"),
        ("paard kachel fiets regen", None),
    ],
)
def test_length_and_strength_rules(app, password, problem):
    with app.test_request_context():
        result = password_problem(password)
    assert (result is None) if problem is None else (problem in result)


def test_the_users_own_name_makes_a_password_weaker(app):
    with app.test_request_context():
        assert password_problem("Vermeulen2026", ["vermeulen"]) is not None


def test_change_needs_the_current_password(client):
    login_as(client, make_user())
    response = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "new_password": "paard kachel fiets regen",
            "confirm": "paard kachel fiets regen",
        },
    )
    assert response.status_code == 422
    assert "Het huidige wachtwoord is onjuist" in response.get_data(as_text=True)


def test_change_refuses_a_weak_password_with_a_dutch_message(client):
    login_as(client, make_user())
    response = client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": "welkom123456", "confirm": "welkom123456"},
    )
    assert response.status_code == 422
    assert "te makkelijk te raden" in response.get_data(as_text=True)


def test_an_initial_password_must_be_changed_before_anything_else(client):
    user = make_user()
    user.must_change_password = True
    db.session.commit()
    login_as(client, user)
    assert client.get("/cases").headers["Location"] == "/account/password"
    client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "paard kachel fiets regen",
            "confirm": "paard kachel fiets regen",
        },
    )
    assert client.get("/cases").status_code == 200
    assert not db.session.get(User, user.id).must_change_password


def test_change_password_form_honours_the_account_lockout(client):
    from casebook.auth import lockout
    from tests.factories import login_as, make_user

    user = make_user()
    login_as(client, user)
    for _ in range(5):
        lockout.register_failure(user.username)
    response = client.post(
        "/account/password",
        data={
            "current_password": "guess-number-six",
            "new_password": "een lang en sterk nieuw wachtwoord 2026",
            "confirm": "een lang en sterk nieuw wachtwoord 2026",
        },
    )
    assert response.status_code == 429
