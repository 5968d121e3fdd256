"""PostgreSQL: the append-only triggers, and ≥ 20 concurrent writers yielding one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from casebook import create_app, migrate
from casebook.audit import chain
from casebook.audit.models import AuditEvent, Outcome
from casebook.db import db, utcnow
from tests.conftest import TEST_SETTINGS

WRITERS = 24
EVENTS_EACH = 5
KEY = b"k" * 32  # the chain key; these tests run without an app


@pytest.fixture
def pg_engine(fresh_postgres_url, tmp_path):
    """A migrated throwaway PostgreSQL database (its own app, engine and connections)."""
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": fresh_postgres_url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        migrate.upgrade(app)
        engine = db.engine
        yield engine
        engine.dispose()


def _event(writer: int, number: int) -> AuditEvent:
    return AuditEvent(
        occurred_at=utcnow(),
        actor_username=f"writer{writer}",
        action="case.view",
        outcome=Outcome.ALLOWED,
        details={"writer": writer, "number": number},
    )


def test_concurrent_writers_yield_one_unbroken_chain(pg_engine):
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait(timeout=30)
            for number in range(EVENTS_EACH):
                with Session(pg_engine) as session, session.begin():  # one transaction per event
                    chain.append(session, _event(writer, number), KEY)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    with Session(pg_engine) as session:
        result = chain.verify(session, KEY)
        seqs = list(session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        writers = session.scalar(select(func.count(func.distinct(AuditEvent.actor_username))))
    assert result.ok, result.describe()
    assert result.checked == WRITERS * EVENTS_EACH
    assert seqs == list(range(1, WRITERS * EVENTS_EACH + 1))
    assert writers == WRITERS


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
