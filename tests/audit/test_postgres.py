"""PostgreSQL: the append-only triggers; many concurrent writers yielding one unbroken chain
through ``audit.record`` and commit; and a transaction that records without committing does not
hold up anyone else's commit (the chain lock is taken only while sealing)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from casebook import audit, create_app, migrate
from casebook.audit import chain
from casebook.audit.models import AuditEvent, Outcome
from casebook.db import db, utcnow
from tests.conftest import TEST_SETTINGS

WRITERS = 16
EVENTS_EACH = 20
PER_TRANSACTION = 4  # so each writer commits 5 transactions of 4 events
KEY = b"k" * 32  # the chain key of the tests that run without the app

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(fresh_postgres_url, tmp_path):
    """An app on a migrated throwaway PostgreSQL database, with real commits (not the rolled-back
    test session): each thread gets its own session and connection."""
    db.session.remove()
    db.session.configure(bind=None)
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": fresh_postgres_url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        migrate.upgrade(app)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def pg_engine(pg_app):
    return db.engine


def _event(writer: int, number: int) -> AuditEvent:
    return AuditEvent(
        occurred_at=utcnow(),
        actor_username=f"writer{writer}",
        action="case.view",
        outcome=Outcome.ALLOWED,
        details={"writer": writer, "number": number},
    )


def _widen_the_race(monkeypatch) -> None:
    """Hold every writer a moment between reading the head and inserting after it: without the
    chain lock, writers then link to the same head (and the unique seq refuses all but one)."""
    read_head = chain._head_row

    def slow_head(session):
        head = read_head(session)
        time.sleep(0.003)
        return head

    monkeypatch.setattr(chain, "_head_row", slow_head)


def _run_writers(app, writers: int = WRITERS, events_each: int = EVENTS_EACH) -> list[BaseException]:
    """Each writer (its own thread, session and connection) records its events through
    ``audit.record`` and commits every ``PER_TRANSACTION`` of them, as requests do."""
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                for number in range(events_each):
                    audit.record(None, "case.view", details={"writer": writer, "number": number})
                    if (number + 1) % PER_TRANSACTION == 0:
                        db.session.commit()
                db.session.commit()
            except BaseException as exc:  # reported in the test's thread
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_writers_yield_one_unbroken_chain(pg_app, monkeypatch):
    _widen_the_race(monkeypatch)
    errors = _run_writers(pg_app)
    assert not errors, errors[:3]
    with Session(db.engine) as session:
        result = chain.verify(session, audit.chain_key())
        rows = session.execute(select(AuditEvent.seq, AuditEvent.details).order_by(AuditEvent.seq)).all()
    assert result.ok, result.describe()
    assert result.checked == WRITERS * EVENTS_EACH
    assert [row.seq for row in rows] == list(range(1, WRITERS * EVENTS_EACH + 1))  # unique seq: no fork
    by_transaction: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in rows:
        by_transaction[(row.details["writer"], row.details["number"] // PER_TRANSACTION)].append(row.seq)
    assert len(by_transaction) == WRITERS * EVENTS_EACH // PER_TRANSACTION
    for seqs in by_transaction.values():  # a transaction's events are consecutive, in recorded order
        assert seqs == list(range(seqs[0], seqs[0] + PER_TRANSACTION)), seqs


def test_without_the_chain_lock_concurrent_writers_fail(pg_app, monkeypatch):
    """The negative control of the test above: with the lock taken out, writers link to the same
    head; the unique ``seq`` refuses the fork, so commits fail (and their events are lost)."""
    _widen_the_race(monkeypatch)
    monkeypatch.setattr(chain, "lock_chain", lambda session: None)
    errors = _run_writers(pg_app)
    assert errors and any("uq_audit_event_seq" in str(exc) or "unique" in str(exc).lower() for exc in errors)
    with Session(db.engine) as session:
        assert session.scalar(select(func.count(AuditEvent.id))) < WRITERS * EVENTS_EACH
        assert chain.verify(session, audit.chain_key()).ok  # forks never get in: seq is unique


def test_an_open_transaction_with_events_does_not_block_another_commit(pg_app):
    """A records and keeps its transaction open; B records and commits within a lock timeout.
    (When record() took the chain lock, B waited for A's commit.)"""
    recorded, b_done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def a() -> None:
        with pg_app.app_context():
            try:
                db.session.execute(text("SELECT 1"))
                audit.record(None, "case.view", details={"who": "a"})
                recorded.set()
                assert b_done.wait(30), "B never finished"
                db.session.commit()
            except BaseException as exc:
                failures.append(exc)
                recorded.set()
            finally:
                db.session.remove()

    thread = threading.Thread(target=a)
    thread.start()
    try:
        assert recorded.wait(30)
        with pg_app.app_context():
            idle = text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
            )
            assert db.session.scalar(idle) == 1  # A's transaction is open
            db.session.rollback()
            db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
            audit.record(None, "case.view", details={"who": "b"})
            db.session.commit()  # raises LockNotAvailable if A held the chain lock
            db.session.remove()
    finally:
        b_done.set()
        thread.join(timeout=30)
    assert not failures, failures
    with Session(db.engine) as session:
        rows = session.execute(select(AuditEvent.seq, AuditEvent.details).order_by(AuditEvent.seq)).all()
        assert chain.verify(session, audit.chain_key()).ok
    assert [(row.seq, row.details["who"]) for row in rows] == [(1, "b"), (2, "a")]


def test_triggers_refuse_update_delete_and_truncate(pg_engine):
    with Session(pg_engine) as session, session.begin():
        chain.append(session, _event(0, 0), KEY)
    for statement in (
        "UPDATE audit_event SET action = 'case.list'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
    ):
        with pytest.raises(DBAPIError, match="append-only"), pg_engine.begin() as connection:
            connection.execute(text(statement))
    with Session(pg_engine) as session:
        assert session.scalar(select(func.count(AuditEvent.id))) == 1
        assert chain.verify(session, KEY).ok
    query = text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal")
    with pg_engine.connect() as connection:
        assert set(connection.execute(query).scalars()) == {"audit_event_no_update_delete", "audit_event_no_truncate"}
