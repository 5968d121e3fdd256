"""Second-factor races on PostgreSQL (issue 12, leak 11): one code submitted twice at once is accepted once.

Each submission runs in its own thread, app context, connection and transaction against a fresh
PostgreSQL database with real commits. The first accepts the code and waits before committing; the
second is started meanwhile and must wait for the first's row lock (seen in ``pg_stat_activity``),
then the first commits. With a read-then-write check both would pass; with the conditional UPDATE
the second finds the step (or the recovery code) taken and is refused.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, func, select, text

from casebook import create_app, migrate
from casebook.auth import mfa
from casebook.auth.models import RecoveryCode, User
from casebook.db import db
from tests.conftest import TEST_SETTINGS
from tests.factories import enrol_mfa, make_user, totp_code

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(fresh_postgres_url, tmp_path):
    """An app on its own fresh PostgreSQL database, with real commits (not the rolled-back test session)."""
    db.session.remove()
    db.session.configure(bind=None)
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": fresh_postgres_url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        migrate.upgrade(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _seed(app) -> tuple[int, str, str]:
    """A user with a confirmed authenticator and recovery codes: (user id, TOTP seed, one recovery code)."""
    with app.app_context():
        user = make_user("race.user")
        secret = enrol_mfa(user)
        codes = mfa.new_recovery_codes(user)
        user_id = user.id
        db.session.commit()
        db.session.remove()
        return user_id, secret, codes[0]


def _worker(app, submit: Callable[[User], bool], user_id, results, name, accepted=None, may_commit=None) -> None:
    with app.app_context():
        try:
            ok = submit(db.session.get(User, user_id))
            if accepted is not None:
                accepted.set()
                assert may_commit.wait(20), "never released"
            db.session.commit()
            results[name] = ok
        except BaseException as exc:  # surfaced by the assertions below
            db.session.rollback()
            results[name] = f"error:{exc!r} {traceback.format_exc()[-1500:]}"
            if accepted is not None:
                accepted.set()
        finally:
            db.session.remove()


def _wait_while_running_unblocked(url: str, second: threading.Thread, timeout: float = 15.0) -> bool:
    """Wait until the second submission waits for a lock (True) or has finished (False)."""
    engine = create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        with engine.connect() as connection:
            while time.monotonic() < deadline and second.is_alive():
                waiting = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar()
                connection.rollback()  # pg_stat_activity is a per-transaction snapshot: look again afresh
                if waiting:
                    return True
                time.sleep(0.01)
    finally:
        engine.dispose()
    return False


def _race(app, url, submit: Callable[[User], bool], user_id: int) -> tuple[dict, bool]:
    results: dict[str, object] = {}
    accepted, may_commit = threading.Event(), threading.Event()
    first = threading.Thread(target=_worker, args=(app, submit, user_id, results, "first", accepted, may_commit))
    first.start()
    assert accepted.wait(20)
    second = threading.Thread(target=_worker, args=(app, submit, user_id, results, "second"))
    second.start()
    try:
        blocked = _wait_while_running_unblocked(url, second)
    finally:
        may_commit.set()
        first.join(30)
        second.join(30)
    return results, blocked


def test_one_totp_code_submitted_twice_at_once_is_accepted_once(pg_app, fresh_postgres_url):
    user_id, secret, _ = _seed(pg_app)
    code = totp_code(secret)

    results, blocked = _race(pg_app, fresh_postgres_url, lambda user: mfa.verify_totp(user, code), user_id)

    assert results == {"first": True, "second": False}, results
    assert blocked, "the second submission should have waited for the first's row lock"
    with pg_app.app_context():
        user = db.session.get(User, user_id)
        assert user.totp_last_step is not None
        assert mfa.verify_totp(user, code) is False  # and it stays spent


def test_one_recovery_code_submitted_twice_at_once_is_accepted_once(pg_app, fresh_postgres_url):
    user_id, _, recovery_code = _seed(pg_app)

    results, blocked = _race(
        pg_app, fresh_postgres_url, lambda user: mfa.use_recovery_code(user, recovery_code), user_id
    )

    assert results == {"first": True, "second": False}, results
    assert blocked, "the second submission should have waited for the first's row lock"
    with pg_app.app_context():
        used = db.session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_not(None)
            )
        )
        assert used == 1
        assert mfa.remaining_recovery_codes(db.session.get(User, user_id)) == mfa.RECOVERY_CODE_COUNT - 1
