"""The hash chain over audit events: ``hash = SHA-256(prev_hash ‖ canonical JSON of the event)``.

Writers are serialised (PostgreSQL: a transaction-level advisory lock; SQLite: every
transaction begins IMMEDIATE) and ``seq`` is unique, so concurrent requests cannot fork it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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


def canonical_json(event: Any) -> str:
    """The hashed form of an event (an ``AuditEvent`` or a row of its table)."""
    values: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "occurred_at":
            value = value.isoformat(timespec="microseconds")
        elif name == "outcome":
            value = str(value)
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash: str, event: Any) -> str:
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

    def describe(self) -> str:
        if self.ok:
            return f"audit chain ok: {self.checked} events, head #{self.head_seq} {self.head_hash}"
        return (
            f"audit chain BROKEN at event #{self.broken_seq}: {self.problem} ({self.checked} events verified before it)"
        )


def verify(session: Session, batch_size: int = 5000) -> VerifyResult:
    """Walk the whole chain in ``seq`` order; report the first event that does not fit.

    Reads plain rows (not ORM objects), so it neither fills nor clears the caller's session.
    """
    table = AuditEvent.__table__
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    last_seq = 0
    while True:
        rows = session.execute(select(table).where(table.c.seq > last_seq).order_by(table.c.seq).limit(batch_size))
        rows = rows.all()
        if not rows:
            return VerifyResult(True, checked, last_seq, prev_hash)
        for event in rows:
            if event.seq != expected_seq:
                return VerifyResult(False, checked, last_seq, prev_hash, expected_seq, "missing event (deleted)")
            if event.prev_hash != prev_hash:
                return VerifyResult(False, checked, last_seq, prev_hash, event.seq, "prev_hash does not match")
            if compute_hash(prev_hash, event) != event.hash:
                return VerifyResult(False, checked, last_seq, prev_hash, event.seq, "content changed")
            prev_hash, last_seq = event.hash, event.seq
            expected_seq += 1
            checked += 1


# --- checkpoints: the head hash kept outside the database -----------------------------------


@dataclass(frozen=True)
class Checkpoint:
    taken_at: datetime
    seq: int
    hash: str

    def line(self) -> str:
        return f"{self.taken_at.isoformat(timespec='seconds')} seq={self.seq} hash={self.hash}"

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        """:raises ValueError: not a checkpoint line."""
        match = CHECKPOINT_LINE.match(line.strip())
        if not match:
            raise ValueError(f"not a checkpoint line: {line.strip()[:80]!r}")
        return cls(datetime.fromisoformat(match["at"]), int(match["seq"]), match["hash"])


CHECKPOINT_LINE = re.compile(r"^(?P<at>\S+) seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64})$")


def read_checkpoints(text_lines: Iterable[str]) -> list[Checkpoint]:
    """Parse a checkpoint file (blank lines and ``#`` comments ignored)."""
    return [Checkpoint.parse(line) for line in text_lines if line.strip() and not line.lstrip().startswith("#")]


def check_checkpoints(session: Session, checkpoints: Iterable[Checkpoint]) -> VerifyResult | None:
    """Compare earlier head hashes with the chain now: a rewritten or truncated chain no longer holds
    them. Returns the first failure, or None when every checkpoint still matches.
    """
    table = AuditEvent.__table__
    for point in checkpoints:
        if point.seq == 0:
            continue
        stored = session.execute(select(table.c.hash).where(table.c.seq == point.seq)).scalar()
        if stored is None:
            return VerifyResult(False, 0, 0, "", point.seq, f"event from checkpoint of {point.line()} is missing")
        if stored != point.hash:
            return VerifyResult(False, 0, 0, "", point.seq, f"hash differs from checkpoint of {point.line()}")
    return None
