"""Tampering with the audit table the way an attacker with database access would.

On PostgreSQL the append-only triggers refuse UPDATE and DELETE, so the tampering runs as a
superuser with ``session_replication_role = replica`` (which skips ordinary triggers): the
chain must catch what the triggers would not, e.g. a DBA or a restored backup.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from sqlalchemy import text

from casebook import audit
from casebook.audit import chain
from casebook.audit.cli import unkeyed_reasons
from casebook.db import db


@contextmanager
def triggers_bypassed():
    postgres = db.dialect == "postgresql"
    if postgres:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    try:
        yield
    finally:
        if postgres:
            db.session.execute(text("SET LOCAL session_replication_role = origin"))
        db.session.expire_all()


def snapshot(event) -> SimpleNamespace:
    """The identifying values of an event, kept when its row is later changed or deleted."""
    return SimpleNamespace(id=event.id, seq=event.seq, hash=event.hash)


def tamper(sql: str, **params) -> None:
    with triggers_bypassed():
        db.session.execute(text(sql), params)


def verify() -> chain.VerifyResult:
    return chain.verify(db.session(), audit.chain_key(), unkeyed_reasons=unkeyed_reasons())
