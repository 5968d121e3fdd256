"""Server-side sessions: new id at login, refused after logout, timeouts, revocation, "Mijn sessies"."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casebook.auth.models import User, UserSession
from casebook.auth.sessions import token_hash
from casebook.db import db
from tests.factories import TEST_PASSWORD, login_as, make_user, session_token
from tests.helpers import last_event


def _open_sessions(user) -> list[UserSession]:
    return list(
        db.session.scalars(select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None)))
    )


def test_login_issues_a_new_128_bit_id_and_drops_everything_planted_before(client):
    user = make_user()
    client.get("/login")
    with client.session_transaction() as planted:
        planted["sid"] = "attacker-chosen-session-id"
        planted["planted"] = "x"
    login_as(client, user)
    token = session_token(client)
    assert token and token != "attacker-chosen-session-id"
    assert len(token) >= 22  # 16 random bytes, base64url
    with client.session_transaction() as after:
        assert "planted" not in after
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    assert row.user_id == user.id and row.stage == "full"
    assert row.token_hash != token  # only the hash is stored


def test_two_logins_get_different_ids(client, app):
    user = make_user()
    other = app.test_client()
    login_as(client, user)
    login_as(other, user)
    assert session_token(client) != session_token(other)


def test_a_cookie_captured_before_logout_is_refused_after_it(client, app):
    user = make_user()
    login_as(client, user)
    stolen = client.get_cookie("casebook_session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("casebook_session", stolen)
    response = thief.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_ends_every_session_of_the_user(client, app):
    user = make_user()
    laptop = app.test_client()
    login_as(client, user)
    login_as(laptop, user)
    client.post("/logout")
    assert laptop.get("/cases").status_code == 302
    assert _open_sessions(user) == []
    assert last_event("auth.logout", actor_user_id=user.id).details == {"sessions_ended": 2}


def test_idle_timeout_logs_out_with_a_message(client, frozen_clock):
    user = make_user()
    login_as(client, user)
    frozen_clock.advance(minutes=14)
    assert client.get("/cases").status_code == 200  # activity within 15 minutes keeps it alive
    frozen_clock.advance(minutes=14)
    assert client.get("/cases").status_code == 200
    frozen_clock.advance(minutes=15, seconds=1)
    response = client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "U bent uitgelogd" in client.get("/login").get_data(as_text=True)
    assert last_event("auth.session.end", actor_user_id=user.id).details == {"reason": "idle_timeout"}


def test_absolute_timeout_ends_even_an_active_session(client, frozen_clock):
    user = make_user()
    login_as(client, user)
    for _ in range(8 * 60 // 14):  # busy all day, a request every 14 minutes
        frozen_clock.advance(minutes=14)
        assert client.get("/cases").status_code == 200
    frozen_clock.advance(minutes=14)
    assert client.get("/cases").status_code == 302
    assert last_event("auth.session.end", actor_user_id=user.id).details == {"reason": "absolute_timeout"}


def test_timeouts_are_configurable(client, app, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", 60)
    login_as(client, make_user())
    frozen_clock.advance(seconds=61)
    assert client.get("/cases").status_code == 302


def test_a_disabled_user_is_logged_out_on_the_next_request(client):
    user = make_user()
    login_as(client, user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/cases").status_code == 302


def test_my_sessions_lists_and_ends_my_own_sessions(client, app):
    user = make_user()
    phone = app.test_client()
    login_as(client, user)
    login_as(phone, user)
    html = client.get("/account/sessions").get_data(as_text=True)
    assert "deze sessie" in html and html.count("Beëindigen") == 2
    phone_row = db.session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(session_token(phone))))
    response = client.post(f"/account/sessions/{phone_row.id}/end")
    assert response.status_code == 302
    assert phone.get("/cases").status_code == 302
    assert client.get("/cases").status_code == 200
    assert last_event("auth.session.end", actor_user_id=user.id).details == {"reason": "ended_by_user"}


def test_end_all_other_sessions_keeps_this_one(client, app):
    user = make_user()
    others = [app.test_client(), app.test_client()]
    login_as(client, user)
    for other in others:
        login_as(other, user)
    client.post("/account/sessions/end-others")
    assert [o.get("/cases").status_code for o in others] == [302, 302]
    assert client.get("/cases").status_code == 200


def test_someone_elses_session_is_a_404(client, app):
    me, someone = make_user(), make_user()
    other = app.test_client()
    login_as(other, someone)
    login_as(client, me)
    their_row = _open_sessions(someone)[0]
    assert client.post(f"/account/sessions/{their_row.id}/end").status_code == 404
    assert other.get("/cases").status_code == 200
    assert last_event("auth.session.end", actor_user_id=me.id).outcome.value == "denied"


def test_password_change_ends_all_sessions_and_keeps_the_changer_logged_in(client, app):
    user = make_user()
    other = app.test_client()
    login_as(other, user)
    login_as(client, user)
    before = session_token(client)
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "paard kachel fiets regen",
            "confirm": "paard kachel fiets regen",
        },
    )
    assert response.status_code == 302
    assert other.get("/cases").status_code == 302
    assert client.get("/cases").status_code == 200
    assert session_token(client) != before
    assert last_event("auth.password.change", actor_user_id=user.id).outcome.value == "allowed"


def test_no_remember_me_cookie_and_a_browser_session_cookie(client):
    response = client.post("/login", data={"username": make_user().username, "password": TEST_PASSWORD})
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    session_cookie = next(c for c in cookies if c.startswith("casebook_session="))
    assert "Expires" not in session_cookie and "Max-Age" not in session_cookie
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_last_seen_is_written_at_most_once_a_minute(client, frozen_clock):
    user = make_user()
    login_as(client, user)
    row = _open_sessions(user)[0]
    first_seen = row.last_seen_at
    frozen_clock.advance(seconds=30)
    client.get("/cases")
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at == first_seen
    frozen_clock.advance(seconds=31)
    client.get("/cases")
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at == first_seen + timedelta(seconds=61)
