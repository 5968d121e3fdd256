"""Session rules that ``make mutate`` found untested: whose sessions "end all" ends, what it records
and counts, which sessions "Mijn sessies" lists, that a full session is never a pending one, and
that each timeout ends a session just after its limit (not at it) with the reason recorded.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import g
from sqlalchemy import select

from casebook.auth import clock, sessions
from casebook.auth.models import User, UserSession
from casebook.db import db
from tests.factories import login_as, make_user
from tests.helpers import last_event


def _session(user: User, *, stage: str = sessions.STAGE_FULL, seen_ago: int = 0, ended: str | None = None):
    moment = clock.now()
    row = UserSession(
        token_hash=sessions.token_hash(secrets.token_urlsafe(16)),
        user=user,
        stage=stage,
        created_at=moment - timedelta(seconds=seen_ago),
        last_seen_at=moment - timedelta(seconds=seen_ago),
        authenticated_at=moment,
        ended_at=moment - timedelta(hours=1) if ended else None,
        end_reason=ended,
    )
    db.session.add(row)
    db.session.flush()
    return row


def test_end_all_ends_only_the_open_sessions_of_that_user_and_records_why():
    alice, bob = make_user(), make_user()
    laptop, phone = _session(alice), _session(alice, stage=sessions.STAGE_MFA)
    earlier = _session(alice, ended="logout")
    earlier_end = earlier.ended_at
    bobs = _session(bob)

    assert sessions.end_all(alice, "password_change") == 2
    assert laptop.ended_at is not None and phone.ended_at is not None  # the loaded objects see it too
    assert (laptop.end_reason, phone.end_reason) == ("password_change", "password_change")
    assert (earlier.end_reason, earlier.ended_at) == ("logout", earlier_end)  # history kept as it was
    assert bobs.ended_at is None and bobs.end_reason is None
    db.session.expire_all()
    assert db.session.get(UserSession, bobs.id).ended_at is None
    assert db.session.get(UserSession, laptop.id).end_reason == "password_change"


def test_end_all_without_open_sessions_counts_none():
    alice = make_user()
    _session(alice, ended="logout")
    assert sessions.end_all(alice, "password_reset") == 0


def test_end_all_drops_the_cookie_of_this_request_only_for_its_own_user(app):
    alice, bob = make_user(), make_user()
    mine = _session(alice)
    with app.test_request_context("/"):
        from flask import session

        session[sessions.SESSION_KEY] = "cookie-token"
        g.user_session = mine
        sessions.end_all(bob, "password_reset")
        assert g.user_session is mine and session[sessions.SESSION_KEY] == "cookie-token"
        sessions.end_all(alice, "password_change")
        assert g.user_session is None and sessions.SESSION_KEY not in session


def test_active_sessions_lists_only_the_users_open_full_sessions_newest_first():
    alice, bob = make_user(), make_user()
    newer = _session(alice, seen_ago=5)  # created first: "newest" means last seen, not the highest id
    older = _session(alice, seen_ago=600)
    _session(alice, stage=sessions.STAGE_MFA)  # password given, second factor not yet
    _session(alice, ended="logout")
    _session(bob)
    assert sessions.active_sessions(alice) == [newer, older]


def test_a_full_session_is_not_a_pending_second_factor(app):
    alice = make_user()
    full, waiting = _session(alice), _session(alice, stage=sessions.STAGE_MFA)
    with app.test_request_context("/"):  # one request context: its teardown ends the test's session
        g.user_session = full
        assert sessions.pending() is None and sessions.current() is full
        g.user_session = waiting
        assert sessions.pending() is waiting and sessions.current() is None


def test_ending_one_session_records_why_and_drops_this_requests_cookie(app):
    alice = make_user()
    row, other = _session(alice), _session(alice)
    with app.test_request_context("/"):
        from flask import session

        session[sessions.SESSION_KEY] = "cookie-token"
        g.user_session = row
        sessions.end(other, "ended_by_user")  # another device: this request keeps its cookie
        assert g.user_session is row and session[sessions.SESSION_KEY] == "cookie-token"
        sessions.end(row, "logout")
        assert g.user_session is None and sessions.SESSION_KEY not in session
    assert (row.end_reason, other.end_reason) == ("logout", "ended_by_user")
    assert row.ended_at is not None and other.ended_at is not None


def test_expiry_reasons_name_the_rule_and_the_timeouts_end_after_their_limit_not_at_it(app, frozen_clock):
    """At exactly the limit a session is still valid; a moment later it is over, and says why."""
    alice = make_user()
    idle = _session(alice)
    old = _session(alice)
    waiting = _session(alice, stage=sessions.STAGE_MFA)
    ended, ended_without_reason = _session(alice, ended="logout"), _session(alice, ended="x")
    ended_without_reason.end_reason = None
    config = app.config
    assert sessions.expired_reason(ended) == "logout"
    assert sessions.expired_reason(ended_without_reason) == "ended"

    frozen_clock.advance(seconds=config["MFA_PENDING_TIMEOUT"])
    assert sessions.expired_reason(waiting) is None
    frozen_clock.advance(microseconds=1)
    assert sessions.expired_reason(waiting) == "mfa_timeout"

    frozen_clock.moment = idle.last_seen_at + timedelta(seconds=config["SESSION_IDLE_TIMEOUT"])
    assert sessions.expired_reason(idle) is None
    frozen_clock.advance(microseconds=1)
    assert sessions.expired_reason(idle) == "idle_timeout"

    frozen_clock.moment = old.created_at + timedelta(seconds=config["SESSION_ABSOLUTE_TIMEOUT"])
    old.last_seen_at = frozen_clock.moment  # busy until now
    assert sessions.expired_reason(old) is None
    frozen_clock.advance(microseconds=1)
    assert sessions.expired_reason(old) == "absolute_timeout"

    alice.active = False
    assert sessions.expired_reason(_session(alice)) == "disabled"


def test_a_timed_out_session_is_ended_with_its_reason_and_the_event_names_it(client, frozen_clock):
    alice = make_user()
    login_as(client, alice)
    frozen_clock.advance(seconds=client.application.config["SESSION_IDLE_TIMEOUT"] + 1)
    assert client.get("/cases").status_code == 302
    db.session.expire_all()
    row = db.session.scalars(select(UserSession).where(UserSession.user_id == alice.id)).one()
    assert row.ended_at is not None and row.end_reason == "idle_timeout"
    event = last_event("auth.session.end", actor_user_id=alice.id)
    assert (event.object_type, event.object_id, event.details) == (
        "usersession",
        str(row.id),
        {"reason": "idle_timeout"},
    )
