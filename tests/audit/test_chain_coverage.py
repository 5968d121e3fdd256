"""What the audit chain covers, proved through ``casebook audit verify`` only (found by ``make mutate``).

Each test records events, changes the table with SQL as someone with database access would, and
asks the command: so they hold whatever hash or MAC the chain uses. They cover what the older
chain tests left open: the time of an event (backdating), a denial turned into an "allowed", a
NULL turned into the text ``None``, a harmless re-serialisation of ``details`` (key order) that must
not break the chain, a checkpoint of the very first event when the whole chain is gone, and a tail
replaced by freshly appended events (a consistent chain that differs from the checkpoints).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from casebook import audit
from casebook.audit import Outcome
from casebook.audit.models import AuditEvent
from casebook.cli import cli
from casebook.db import db
from tests.factories import make_user


@contextmanager
def _append_only_triggers_off():
    """PostgreSQL refuses UPDATE/DELETE on audit_event; a superuser can switch the triggers off."""
    postgres = db.dialect == "postgresql"
    if postgres:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    try:
        yield
    finally:
        if postgres:
            db.session.execute(text("SET LOCAL session_replication_role = origin"))
        db.session.expire_all()


def _change(event_id: int, **values) -> None:
    table = AuditEvent.__table__
    with _append_only_triggers_off():
        db.session.execute(update(table).where(table.c.id == event_id).values(**values))


def _verify(app, *args: str):
    return app.test_cli_runner().invoke(cli, ["audit", "verify", *args])


@pytest.fixture
def events(app):
    user = make_user()
    made = [audit.record(user, "case.list", details={"page": i, "filter": "open"}) for i in range(3)]
    db.session.commit()
    ids = [(e.id, e.seq, e.occurred_at) for e in made]
    assert _verify(app).exit_code == 0
    return ids


def test_a_backdated_event_breaks_the_chain(app, events):
    event_id, seq, occurred_at = events[1]
    _change(event_id, occurred_at=occurred_at - timedelta(days=3))
    result = _verify(app)
    assert result.exit_code == 1 and str(seq) in result.output


def test_a_denial_turned_into_an_allowed_access_breaks_the_chain(app):
    user = make_user()
    denied = audit.record(user, "case.view", outcome=Outcome.DENIED, details={"page": 1})
    audit.record(user, "case.list")
    db.session.commit()
    event_id, seq = denied.id, denied.seq
    assert _verify(app).exit_code == 0
    _change(event_id, outcome=str(Outcome.ALLOWED))
    result = _verify(app)
    assert result.exit_code == 1 and str(seq) in result.output


def test_a_null_field_set_to_the_text_none_breaks_the_chain(app, events):
    event_id, seq, _ = events[1]
    assert db.session.scalar(select(AuditEvent.user_agent).where(AuditEvent.id == event_id)) is None
    _change(event_id, user_agent="None")
    result = _verify(app)
    assert result.exit_code == 1 and str(seq) in result.output


def test_details_stored_with_their_keys_in_another_order_still_verify(app, events):
    """A database or a restore may re-serialise JSON; the chain covers the content, not the text."""
    event_id, _, _ = events[1]
    table = AuditEvent.__table__
    with _append_only_triggers_off():
        db.session.execute(
            text("UPDATE audit_event SET details = :d WHERE id = :id"),
            {"d": '{"filter": "open", "page": 1}', "id": event_id},
        )
    stored = db.session.execute(select(table.c.details).where(table.c.id == event_id)).scalar_one()
    assert list(stored) == ["filter", "page"]  # recorded as {"page": 1, "filter": "open"}
    result = _verify(app)
    assert result.exit_code == 0, result.output


def test_a_chain_emptied_entirely_fails_against_a_checkpoint_of_its_first_event(app, tmp_path):
    user = make_user()
    with _append_only_triggers_off():
        db.session.execute(text("DELETE FROM audit_event"))
    first = audit.record(user, "case.list")
    db.session.commit()
    assert first.seq == 1
    file = tmp_path / "checkpoints.txt"
    taken = app.test_cli_runner().invoke(cli, ["audit", "checkpoint", "--append", str(file)])
    assert taken.exit_code == 0 and "seq=1 " in taken.output
    with _append_only_triggers_off():
        db.session.execute(text("DELETE FROM audit_event"))
    assert _verify(app).exit_code == 0  # an empty chain is consistent in itself
    result = _verify(app, "--checkpoint", str(file))
    assert result.exit_code == 1, result.output


def test_a_tail_replaced_by_new_events_fails_against_the_checkpoints(app, tmp_path):
    """Cut the end off and append fresh events: the chain is consistent again, only checkpoints tell."""
    user = make_user()
    with _append_only_triggers_off():
        db.session.execute(text("DELETE FROM audit_event"))
    file = tmp_path / "checkpoints.txt"
    runner = app.test_cli_runner()

    def checkpoint() -> None:
        taken = runner.invoke(cli, ["audit", "checkpoint", "--append", str(file)])
        assert taken.exit_code == 0, taken.output

    checkpoint()  # of the empty chain: seq=0
    for i in range(3):
        audit.record(user, "case.list", details={"page": i})
    db.session.commit()
    checkpoint()
    with file.open("a") as handle:
        handle.write("   # indented comment: kept on the WORM share\n")
    assert file.read_text().splitlines()[0].split()[1] == "seq=0"
    assert _verify(app, "--checkpoint", str(file)).exit_code == 0

    with _append_only_triggers_off():
        db.session.execute(text("DELETE FROM audit_event WHERE seq > 1"))
    for i in range(2):
        audit.record(user, "case.view", details={"page": i})
    db.session.commit()
    assert _verify(app).exit_code == 0  # consistent in itself
    result = _verify(app, "--checkpoint", str(file))
    assert result.exit_code == 1, result.output
    assert "3" in result.output
