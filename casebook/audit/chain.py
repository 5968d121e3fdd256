"""The hash chain over audit events: ``hash = SHA-256(prev_hash ‖ canonical JSON of the event)``.

Writers are serialised (PostgreSQL: a transaction-level advisory lock; SQLite: every
transaction begins IMMEDIATE) and ``seq`` is unique, so concurrent requests cannot fork it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from casebook.audit.models import AuditEvent

GENESIS_HASH = "0" * 64
ADVISORY_LOCK_KEY = 0x6361736562  # "caseb"; any constant shared by all writers

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor_username",
    "actor_organisation",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "outcome",
    "reason",
    "client_ip",
    "user_agent",
    "request_id",
    "details",
)


def canonical_json(event: AuditEvent) -> str:
    values: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "occurred_at":
            value = value.isoformat(timespec="microseconds")
        elif name == "outcome":
            value = str(value)
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical_json(event)).encode()).hexdigest()


def lock_chain(session: Session) -> None:
    """Serialise chain writers until the end of the current transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def chain_head(session: Session) -> tuple[int, str]:
    row = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def append(session: Session, event: AuditEvent) -> AuditEvent:
    """Link ``event`` to the head of the chain and flush it."""
    lock_chain(session)
    seq, head_hash = chain_head(session)
    event.seq = seq + 1
    event.prev_hash = head_hash
    event.hash = compute_hash(head_hash, event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None


def verify(session: Session, batch_size: int = 5000) -> VerifyResult:
    """Walk the whole chain in ``seq`` order; report the first event that does not fit."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    last_seq = 0
    while True:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch_size)
        ).all()
        if not events:
            return VerifyResult(True, checked, last_seq, prev_hash)
        for event in events:
            if event.seq != expected_seq:
                return VerifyResult(False, checked, last_seq, prev_hash, expected_seq, "missing event (deleted)")
            if event.prev_hash != prev_hash:
                return VerifyResult(False, checked, last_seq, prev_hash, event.seq, "prev_hash does not match")
            if compute_hash(prev_hash, event) != event.hash:
                return VerifyResult(False, checked, last_seq, prev_hash, event.seq, "content changed")
            prev_hash, last_seq = event.hash, event.seq
            expected_seq += 1
            checked += 1
        session.expunge_all()
