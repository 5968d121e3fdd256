"""Brute force: five failures lock an account for 15 minutes (429), unknown names behave the same."""

from __future__ import annotations

import pytest

from casebook.auth import passwords
from tests.factories import TEST_PASSWORD, make_user
from tests.helpers import last_event

LOCKED = "Te veel mislukte pogingen"


def _attempt(client, username, password="wrong password!!"):  # noqa: S107
    return client.post("/login", data={"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    user = make_user()
    statuses = [_attempt(client, user.username).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = _attempt(client, user.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.get_data(as_text=True)
    assert "15 minuten" in response.get_data(as_text=True)
    assert last_event("auth.login", actor_user_id=user.id).details == {"locked": True}


@pytest.mark.parametrize("known", [True, False])
def test_unknown_usernames_get_exactly_the_same_answers(client, known):
    username = make_user().username if known else "nobody-here"
    answers = []
    for _ in range(6):
        response = _attempt(client, username)
        text = response.get_data(as_text=True)
        answers.append((response.status_code, LOCKED in text, "Gebruikersnaam of wachtwoord onjuist" in text))
    assert answers == [(200, False, True)] * 4 + [(429, True, False)] * 2


def test_known_and_unknown_names_cost_one_argon2_verification_each(client, monkeypatch):
    user = make_user()
    calls = []
    real = passwords.verify_password

    def counting(password_hash, password):
        calls.append(password_hash is None)
        return real(password_hash, password)

    monkeypatch.setattr("casebook.auth.services.verify_password", counting)
    _attempt(client, user.username)
    _attempt(client, "nobody-here")
    assert calls == [False, True]  # one real hash, one dummy hash: similar timing


def test_the_lock_lifts_after_15_minutes(client, monkeypatch):
    import time

    user = make_user()
    for _ in range(5):
        _attempt(client, user.username)
    assert _attempt(client, user.username, TEST_PASSWORD).status_code == 429
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert _attempt(client, user.username, TEST_PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, app):
    user = make_user()
    for _ in range(4):
        _attempt(client, user.username)
    assert _attempt(client, user.username, TEST_PASSWORD).status_code == 302
    other = app.test_client()
    assert [_attempt(other, user.username).status_code for _ in range(4)] == [200] * 4


def test_failures_per_client_address_are_limited_across_accounts(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_PER_ADDRESS", "3 per 15 minutes")
    statuses = [_attempt(client, f"name-{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = _attempt(client, "name-5")
    assert response.status_code == 429
    assert "Te veel pogingen vanaf dit adres" in response.get_data(as_text=True)
    assert 'class="utrecht-page-header' in response.get_data(as_text=True)


def test_successful_logins_do_not_count_against_the_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_PER_ADDRESS", "2 per 15 minutes")
    user = make_user()
    for _ in range(4):
        browser = app.test_client()
        assert _attempt(browser, user.username, TEST_PASSWORD).status_code == 302


def test_failures_count_per_account_however_the_name_is_typed(client):
    """Varying the case or adding spaces buys no extra guesses: five failures lock the one account."""
    user = make_user("alice")
    spellings = ["Alice", "alice", " ALICE", "aLiCe ", "ALICE"]
    statuses = [_attempt(client, name).status_code for name in spellings]
    assert statuses == [200, 200, 200, 200, 429]
    for name in ("alice", "Alice", "  alice  "):
        response = _attempt(client, name, TEST_PASSWORD)
        assert response.status_code == 429 and LOCKED in response.get_data(as_text=True)
    assert last_event("auth.login", actor_user_id=user.id).details == {"locked": True}


def test_an_unknown_name_is_locked_however_it_is_typed(client):
    statuses = [_attempt(client, name).status_code for name in ["Nobody", "nobody", " NOBODY", "noBody", "NOBODY "]]
    assert statuses == [200, 200, 200, 200, 429]
