"""Chaining at commit: ``audit.record`` buffers the event in its session, the commit links it.

An event commits with its change or not at all: a rollback (of the transaction, or of the
savepoint it was recorded in) drops it, and a request that fails writes only its durable events
again. A transaction's events are consecutive in ``seq`` and the chain verifies. Runs on SQLite
and PostgreSQL; on PostgreSQL it also checks that the chain lock is taken only while sealing.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from casebook import audit
from casebook.audit import chain
from casebook.audit.models import AuditEvent, Outcome
from casebook.db import db, utcnow
from tests.audit.tamper import verify
from tests.factories import login_as, make_user
from tests.helpers import audit_events


def _stored() -> int:
    """Events in the table (what a query without sealing sees)."""
    return db.session.scalar(select(func.count(AuditEvent.id)))


def _actions(**filters) -> list[str]:
    return [e.action for e in audit_events(**filters)]


def test_a_recorded_event_waits_in_the_session_until_the_commit_chains_it():
    user = make_user()
    before = _stored()
    event = audit.record(user, "case.list", details={"page": 1})
    assert (event.id, event.seq, event.hash) == (None, None, None)
    assert chain.pending(db.session()) == [event]
    db.session.flush()
    assert _stored() == before  # a flush does not chain it
    db.session.commit()
    assert chain.pending(db.session()) == []
    assert event.seq is not None and event.id is not None
    stored = db.session.get(AuditEvent, event.id)
    assert stored.hash == chain.compute_mac(audit.chain_key(), stored.prev_hash, stored)
    assert verify().ok


def test_record_still_flushes_the_callers_changes():
    """Services rely on it (ids, version bumps) as they did when record() appended at once."""
    user = make_user()
    db.session.commit()
    user.username = user.username + "x"
    assert user in db.session.dirty
    audit.record(user, "user.update", user)
    assert user not in db.session.dirty


def test_a_transactions_events_are_consecutive_and_verify():
    user = make_user()
    db.session.commit()
    head = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    made = [audit.record(user, "case.list", details={"page": i}) for i in range(5)]
    db.session.commit()
    assert [e.seq for e in made] == list(range(head + 1, head + 6))
    assert [e.prev_hash for e in made[1:]] == [e.hash for e in made[:-1]]
    result = verify()
    assert result.ok and result.head_seq == head + 5, result.describe()


def test_a_rollback_leaves_no_event():
    user = make_user()
    db.session.commit()
    before = _stored()
    audit.record(user, "case.update", details={"field": "district"})
    db.session.rollback()
    assert chain.pending(db.session()) == []
    db.session.commit()
    assert _stored() == before and _actions(actor_user_id=user.id) == []


def test_a_rolled_back_savepoint_drops_only_the_events_recorded_in_it():
    user = make_user()
    audit.record(user, "case.view", details={"n": 1})
    savepoint = db.session.begin_nested()
    audit.record(user, "case.update", details={"n": 2})
    savepoint.rollback()
    with db.session.begin_nested():  # a released savepoint keeps its events for the commit
        audit.record(user, "case.update", details={"n": 3})
    db.session.commit()
    assert [e.details["n"] for e in audit_events(actor_user_id=user.id)] == [1, 3]
    assert verify().ok


def test_releasing_a_savepoint_does_not_seal_and_sealing_inside_one_is_refused():
    user = make_user()
    db.session.commit()
    before = _stored()
    with db.session.begin_nested():
        audit.record(user, "case.list")
        with pytest.raises(chain.SealInSavepoint):
            audit.seal_pending()
    assert _stored() == before and len(chain.pending(db.session())) == 1
    db.session.commit()
    assert _stored() == before + 1


def test_seal_pending_chains_at_once_and_the_commit_does_not_chain_again():
    user = make_user()
    first = audit.record(user, "case.list", details={"page": 1})
    sealed = audit.seal_pending()
    assert sealed == [first] and first.seq is not None
    assert audit.seal_pending() == []
    second = audit.record(user, "case.list", details={"page": 2})
    db.session.commit()
    assert second.seq == first.seq + 1
    assert [e.seq for e in audit_events(actor_user_id=user.id)] == [first.seq, second.seq]
    assert verify().ok


def test_a_plain_session_seals_at_its_commit_too():
    """The hook is on SQLAlchemy's Session class: CLI commands and scripts with their own session."""
    with Session(bind=db.session.connection(), join_transaction_mode="create_savepoint") as own:
        event = AuditEvent(occurred_at=utcnow(), action="script.run", outcome=Outcome.ALLOWED, details={})
        chain.enqueue(own, event, audit.chain_key())
        assert event.seq is None
        own.commit()
        assert event.seq is not None
    assert verify().ok


def test_the_durable_replay_writes_reads_and_denials_once_after_a_rollback(app: Flask):
    """What the request wrapper does with a request that fails (casebook.web)."""
    user = make_user()
    db.session.commit()
    user_id = user.id
    with app.test_request_context("/cases/1"):
        audit.record(user, "case.view", details={"n": 1})  # a read: durable
        audit.record(user, "case.update", details={"n": 2})  # a change: goes with the rollback
        audit.record(user, "case.update", outcome=Outcome.DENIED, details={"n": 3})  # a denial: durable
        db.session.rollback()
        assert chain.pending(db.session()) == []
        assert audit.replay_durable() == 2
        db.session.commit()
    assert [e.details["n"] for e in audit_events(actor_user_id=user_id)] == [1, 3]
    assert verify().ok


def test_a_failed_request_keeps_its_denial_in_the_chain(client):
    user = make_user()
    db.session.commit()
    login_as(client, user)
    assert client.get("/cases/987654").status_code == 404
    denials = audit_events("case.view", actor_user_id=user.id, outcome=Outcome.DENIED)
    assert len(denials) == 1
    assert verify().ok


def test_postgres_takes_the_chain_lock_only_when_sealing(dialect):
    if dialect != "postgresql":
        pytest.skip("the chain lock is PostgreSQL's advisory lock (SQLite serialises every writer)")

    def held() -> int:
        query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return db.session.scalar(query)

    user = make_user()
    audit.record(user, "case.view")
    audit.record(user, "note.list")
    assert held() == 0  # today's requests would hold it from here until their commit
    audit.seal_pending()
    assert held() == 1


def test_sealing_costs_the_lock_one_head_read_and_one_insert(dialect):
    """What the chain lock is held for (with the COMMIT): not the request's work."""
    user = make_user()
    db.session.commit()
    for i in range(5):
        audit.record(user, "case.list", details={"page": i})
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            sent.append(statement)

    engine = db.session().get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        db.session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    inserts = [s for s in sent if s.lstrip().startswith("INSERT INTO audit_event")]
    assert len(inserts) == 1, sent  # the five events in one multi-row INSERT … RETURNING (seq is its sentinel)
    # the lock (PostgreSQL's advisory lock; SQLite is serial anyway), the head, the INSERT
    assert len(sent) == (3 if dialect == "postgresql" else 2), sent
