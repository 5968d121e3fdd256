"""The audit chain: ``hash = HMAC-SHA-256(chain key, prev_hash ‖ canonical JSON of the event)``.

The key (``Keyring.chain_key_for("event")``) lives in the keyring, never in the database, so
someone who can write the database but does not hold the keyring cannot append, change or
rewrite an event that verifies. Checkpoints (the head kept outside the database) are signed
with a second key derived from the same chain key.

**Re-anchoring.** Before the chain was keyed, ``hash = SHA-256(prev_hash ‖ canonical JSON)``
(``compute_hash``, the *unkeyed rule*; its JSON also held the event's free-text ``reason``).
On a database that holds such events, the first keyed append writes a marked event,
``audit.chain.reanchor``, whose details name the last unkeyed event (``unkeyed_seq``,
``unkeyed_hash``). ``verify`` checks everything before the anchor with the unkeyed rule and
everything from it on with the keyed rule, and refuses an unkeyed event after the anchor, a
second anchor, and an unkeyed chain that was never anchored (which is what deleting the keyed
part and recomputing the rest without the key would leave).

**Chaining at commit.** ``enqueue`` puts an event in its session's buffer (``session.info``);
nothing is linked while the request runs. When the session commits, a ``before_commit`` hook
(``seal``) flushes the transaction's own changes, takes the chain lock, reads the head once,
links the buffered events in order (re-anchoring first if the head is unkeyed) and adds them, so
the commit's flush inserts them and the commit releases the lock: the lock is held for the head
read, one INSERT and the COMMIT, not for the request. A rollback — of the transaction, or of the
savepoint an event was recorded in — drops the events it covered (``casebook.web`` writes the
durable ones again in a fresh transaction). So an event still commits with its change or not at
all, and a committed transaction's events are consecutive in ``seq``.

Writers are serialised while they link (PostgreSQL: a transaction-level advisory lock; SQLite:
every transaction begins IMMEDIATE, so SQLite writers are serial anyway) and ``seq`` is unique,
so concurrent transactions cannot fork the chain.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy import select, text
from sqlalchemy.orm import Session, SessionTransaction

from casebook.audit.models import AuditEvent, Outcome
from casebook.db import utcnow

GENESIS_HASH = "0" * 64
ADVISORY_LOCK_KEY = 0x6361736562  # "caseb"; any constant shared by all writers
REANCHOR_ACTION = "audit.chain.reanchor"

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
    "client_ip",
    "user_agent",
    "request_id",
    "details",
)
# The unkeyed rule hashed the free-text reason too; events from before the chain key keep it.
UNKEYED_FIELDS = (*HASHED_FIELDS[:10], "reason", *HASHED_FIELDS[10:])

#: Looks up the free-text reason an unkeyed event was hashed with (moved out of the event table).
ReasonLookup = Callable[[int], "str | None"]


def _canonical_generic(event: Any, fields: tuple[str, ...], unkeyed_reason: str | None = None) -> str:
    """The definition of the hashed form: the fields as one JSON object, keys sorted, compact, UTF-8."""
    values: dict[str, Any] = {}
    for name in fields:
        if name == "reason":
            values[name] = unkeyed_reason
            continue
        value = getattr(event, name)
        if name == "occurred_at":
            value = value.isoformat(timespec="microseconds")
        elif name == "outcome":
            value = str(value)
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


quote_json = json.encoder.encode_basestring  # json.dumps's own quoting of a str (ensure_ascii=False)


def json_value(value: Any) -> str:
    """``value`` as ``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
    writes it, with the common cases (None, str, int) done without the encoder's set-up."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return quote_json(value)
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


#: The keyed form's fields in the order the canonical JSON holds them (its keys sorted).
KEYED_ORDER = tuple(sorted(HASHED_FIELDS))
#: The keyed canonical JSON with a ``%s`` for each field's JSON text, in ``KEYED_ORDER``.
KEYED_TEMPLATE = "{" + ",".join(f'"{name}":%s' for name in KEYED_ORDER) + "}"


def _keyed_field(event: Any, name: str) -> str:
    value = getattr(event, name)
    if name == "occurred_at":
        return '"' + value.isoformat(timespec="microseconds") + '"'
    if name == "outcome":
        return quote_json(str(value))
    return json_value(value)


def canonical_json(event: Any, *, unkeyed_reason: str | None = None, unkeyed: bool = False) -> str:
    """The hashed form of an event (an ``AuditEvent`` or a row of its table).

    The keyed form is built field by field into ``KEYED_TEMPLATE``: the same text as
    ``_canonical_generic`` (a test holds them equal over awkward values), at a fraction of its cost.
    """
    if unkeyed:
        return _canonical_generic(event, UNKEYED_FIELDS, unkeyed_reason)
    return KEYED_TEMPLATE % tuple(_keyed_field(event, name) for name in KEYED_ORDER)


def compute_hash(prev_hash: str, event: Any, reason: str | None = None) -> str:
    """The *unkeyed* rule of events written before the chain key: anyone can compute it, so it
    only ever verifies the part of the chain before the re-anchoring event."""
    return hashlib.sha256((prev_hash + canonical_json(event, unkeyed_reason=reason, unkeyed=True)).encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def mac_states(key: bytes) -> tuple[Any, Any]:
    """HMAC-SHA-256's inner and outer hash states after the padded key (RFC 2104): copying them
    saves hashing the key's two blocks again for every event."""
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner, outer = hashlib.sha256(), hashlib.sha256()
    inner.update(bytes(b ^ 0x36 for b in padded))
    outer.update(bytes(b ^ 0x5C for b in padded))
    return inner, outer


def mac_hex(key: bytes, message: bytes) -> str:
    """``hmac.new(key, message, sha256).hexdigest()``, from the cached key states."""
    inner_state, outer_state = mac_states(key)
    inner = inner_state.copy()
    inner.update(message)
    outer = outer_state.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def compute_mac(key: bytes, prev_hash: str, event: Any) -> str:
    """The keyed rule: HMAC-SHA-256 under the chain's event key."""
    return mac_hex(key, (prev_hash + canonical_json(event)).encode())


def lock_chain(session: Session) -> None:
    """Serialise chain writers until the end of the current transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def _head_row(session: Session) -> Any:
    table = AuditEvent.__table__
    return session.execute(select(table).order_by(table.c.seq.desc()).limit(1)).first()


def _needs_anchor(session: Session, head: Any, key: bytes) -> bool:
    """True when the head was not written under the key and no anchor exists yet (an upgraded chain)."""
    if head is None or hmac.compare_digest(compute_mac(key, head.prev_hash, head), head.hash):
        return False
    table = AuditEvent.__table__
    anchored = session.execute(select(table.c.id).where(table.c.action == REANCHOR_ACTION).limit(1)).first()
    return anchored is None


def _link(event: AuditEvent, key: bytes, seq: int, head_hash: str) -> AuditEvent:
    event.seq = seq + 1
    event.prev_hash = head_hash
    event.hash = compute_mac(key, head_hash, event)
    return event


def reanchor_event(unkeyed_seq: int, unkeyed_hash: str) -> AuditEvent:
    return AuditEvent(
        occurred_at=utcnow(),
        action=REANCHOR_ACTION,
        outcome=Outcome.ALLOWED,
        details={"unkeyed_seq": unkeyed_seq, "unkeyed_hash": unkeyed_hash},
    )


def _locked_head(session: Session, key: bytes) -> tuple[AuditEvent | None, int, str]:
    """Lock the chain and read its head: the re-anchoring event to write first (linked, not yet
    added) when the head is unkeyed, and the head to link the next event to."""
    lock_chain(session)
    head = _head_row(session)
    seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    if not _needs_anchor(session, head, key):
        return None, seq, head_hash
    anchor = _link(reanchor_event(seq, head_hash), key, seq, head_hash)
    return anchor, anchor.seq, anchor.hash


# --- the per-session buffer: events are linked when their transaction commits ------------------

PENDING = "casebook.audit.pending"  # the session.info key of the buffer


@dataclass(frozen=True)
class _Pending:
    event: AuditEvent
    key: bytes
    transaction: SessionTransaction  # the innermost (savepoint or root) transaction it was recorded in


class SealInSavepoint(RuntimeError):
    """``seal`` was called inside a savepoint: rolling it back would take events of the enclosing
    transaction with it. A programming error; the commit seals by itself."""


def enqueue(session: Session, event: AuditEvent, key: bytes) -> AuditEvent:
    """Buffer ``event`` to be chained under ``key`` when ``session`` commits; returns it unchained
    (no ``seq``, ``prev_hash`` or ``hash`` until then, or until ``seal``).

    The event belongs to the transaction (or savepoint) in progress: rolling that back drops it.
    The session's pending changes are flushed, as an immediate append always did (callers rely on
    the ids and version bumps that flush gives them); a session that has not begun a transaction
    yet begins it here.
    """
    session.flush()
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        session.connection()
        transaction = session.get_transaction()
    session.info.setdefault(PENDING, []).append(_Pending(event, key, transaction))
    return event


def pending(session: Session) -> list[AuditEvent]:
    """The events ``session`` will chain at its commit, in order."""
    return [entry.event for entry in session.info.get(PENDING, ())]


def seal(session: Session) -> list[AuditEvent]:
    """Chain the session's buffered events now and flush them; returns them (linked, with ids).

    The transaction's other changes are flushed before the chain lock is taken, so the lock's
    holder never waits for a row lock (no deadlock with a writer queued on the chain lock), and the
    lock is held from here to the end of the transaction: call it from the commit (the hook does)
    or where a test or a check must see its own events before committing.

    :raises SealInSavepoint: called inside a savepoint (the commit hook never is).
    """
    entries = session.info.get(PENDING)
    if not entries:
        return []
    if session.in_nested_transaction():
        raise SealInSavepoint("seal the audit buffer outside savepoints (the commit does)")
    del session.info[PENDING]  # linked at most once, whatever happens below
    session.flush()
    anchor, seq, head_hash = _locked_head(session, entries[0].key)
    events = [] if anchor is None else [anchor]
    for entry in entries:
        events.append(_link(entry.event, entry.key, seq, head_hash))
        seq, head_hash = entry.event.seq, entry.event.hash
    session.add_all(events)
    session.flush()  # one multi-row INSERT (the events share their columns)
    return events[1:] if anchor is not None else events


def append(session: Session, event: AuditEvent, key: bytes) -> AuditEvent:
    """Link ``event`` (after whatever the session had buffered) to the head of the chain now and
    flush it, re-anchoring first if needed. Holds the chain lock until the transaction ends: for
    maintenance commands and tests; requests use ``enqueue`` (through ``audit.record``)."""
    enqueue(session, event, key)
    seal(session)
    return event


def reanchor(session: Session, key: bytes) -> AuditEvent | None:
    """Write the re-anchoring event now (``casebook audit reanchor``); None when there is nothing to anchor."""
    anchor, _seq, _hash = _locked_head(session, key)
    if anchor is not None:
        session.add(anchor)
        session.flush()
    return anchor


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


# Registered on the Session class itself, so every session — the app's scoped session, the CLI's,
# a test's own — seals its buffer at commit and drops it on rollback.


@orm_event.listens_for(Session, "before_commit")
def _seal_at_commit(session: Session) -> None:
    # before_commit also runs when a savepoint is released; the events wait for the real commit
    if session.info.get(PENDING) and not session.in_nested_transaction():
        seal(session)


@orm_event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    entries = session.info.get(PENDING)
    if not entries or not (previous_transaction.parent is None or previous_transaction.nested):
        return  # nothing buffered, or an internal subtransaction (a failed flush): its owner rolls back next
    kept = [entry for entry in entries if not _inside(entry.transaction, previous_transaction)]
    if kept:
        session.info[PENDING] = kept
    else:
        del session.info[PENDING]


@orm_event.listens_for(Session, "after_transaction_end")
def _drop_at_end(session: Session, transaction: SessionTransaction) -> None:
    # the transaction is over (committed: already sealed; rolled back or closed: its events go)
    if transaction.parent is None:
        session.info.pop(PENDING, None)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None
    anchor_seq: int | None = None  # the re-anchoring event, when the chain began unkeyed

    def describe(self) -> str:
        if self.ok:
            keyed = f" (unkeyed before re-anchoring event #{self.anchor_seq})" if self.anchor_seq else ""
            return f"audit chain ok: {self.checked} events{keyed}, head #{self.head_seq} {self.head_hash}"
        return (
            f"audit chain BROKEN at event #{self.broken_seq}: {self.problem} ({self.checked} events verified before it)"
        )


def _no_reasons(_seq: int) -> str | None:
    return None


def _mode_at(session: Session, key: bytes, point: Checkpoint) -> tuple[str | None, int | None]:
    """The rule in force after a (signed, matching) checkpoint: keyed once an anchor lies at or
    before it or the checkpoint's own event verifies under the key; otherwise still unkeyed."""
    if point.seq == 0:
        return None, None
    table = AuditEvent.__table__
    anchors = session.execute(
        select(table).where(table.c.action == REANCHOR_ACTION, table.c.seq <= point.seq).order_by(table.c.seq)
    ).all()
    for row in anchors:
        if hmac.compare_digest(compute_mac(key, row.prev_hash, row), row.hash):
            return "keyed", row.seq
    row = session.execute(select(table).where(table.c.seq == point.seq)).first()
    if row is not None and hmac.compare_digest(compute_mac(key, row.prev_hash, row), row.hash):
        return "keyed", None
    return "unkeyed", None


class _Walk:
    """The sequential check: where the walk is, and the rule in force there."""

    def __init__(self, key: bytes, reason_of: ReasonLookup) -> None:
        self.key, self.reason_of = key, reason_of
        self.expected_seq, self.prev_hash, self.checked, self.last_seq = 1, GENESIS_HASH, 0, 0
        self.mode: str | None = None  # None until the first event says; then "unkeyed" or "keyed"
        self.anchor: int | None = None

    def broken(self, seq: int, problem: str) -> VerifyResult:
        return VerifyResult(False, self.checked, self.last_seq, self.prev_hash, seq, problem, self.anchor)

    def finish(self) -> VerifyResult:
        """The chain ended here."""
        if self.mode == "unkeyed":
            return self.broken(
                self.last_seq + 1, "unkeyed chain without a re-anchoring event (run `casebook audit reanchor`)"
            )
        return VerifyResult(True, self.checked, self.last_seq, self.prev_hash, anchor_seq=self.anchor)

    def step(self, event: Any) -> VerifyResult | None:
        """Check the next event; the broken result, or None when it fits."""
        key, prev_hash = self.key, self.prev_hash
        if event.seq != self.expected_seq:
            return self.broken(self.expected_seq, "missing event (deleted)")
        if event.prev_hash != prev_hash:
            return self.broken(event.seq, "prev_hash does not match")
        keyed_ok = hmac.compare_digest(compute_mac(key, prev_hash, event), event.hash)
        if event.action == REANCHOR_ACTION and keyed_ok:
            if self.mode == "keyed":
                return self.broken(event.seq, "a second re-anchoring event")
            if event.details != {"unkeyed_seq": event.seq - 1, "unkeyed_hash": prev_hash}:
                return self.broken(event.seq, "re-anchoring event does not name the event before it")
            self.mode, self.anchor = "keyed", event.seq
        elif self.mode == "keyed":
            if not keyed_ok:
                unkeyed = compute_hash(prev_hash, event, self.reason_of(event.seq)) == event.hash
                return self.broken(
                    event.seq,
                    "unkeyed event in the keyed chain (forged without the chain key)" if unkeyed else "content changed",
                )
        elif keyed_ok and self.mode is None:
            self.mode = "keyed"
        elif compute_hash(prev_hash, event, self.reason_of(event.seq)) == event.hash:
            self.mode = "unkeyed"
        else:
            return self.broken(event.seq, "content changed")
        self.accepted(1, event.seq, event.hash)
        return None

    def accepted(self, count: int, last_seq: int, last_hash: str) -> None:
        """``count`` more events fit, up to ``last_seq`` (also from a fast scan of the keyed part)."""
        self.prev_hash, self.last_seq = last_hash, last_seq
        self.expected_seq = last_seq + 1
        self.checked += count


def _rows_after(session: Session, seq: int, limit: int) -> list[Any]:
    table = AuditEvent.__table__
    return session.execute(select(table).where(table.c.seq > seq).order_by(table.c.seq).limit(limit)).all()


def verify(
    session: Session,
    key: bytes,
    batch_size: int = 5000,
    unkeyed_reasons: ReasonLookup | None = None,
    start: Checkpoint | None = None,
    workers: int = 1,
) -> VerifyResult:
    """Walk the chain in ``seq`` order; report the first event that does not fit.

    ``start`` (a checkpoint whose signature the caller checked) makes the walk incremental: it
    begins after the checkpoint's event, trusting the head hash the checkpoint signed, so its cost
    is the number of events since then. Without it the whole chain is walked (``--full``).

    On PostgreSQL the keyed part is checked by a fast scan (``casebook.audit.scan``), split over
    ``workers`` processes when it is long (they read committed rows on connections of their own);
    the scan only accepts events this walk would accept and stops at the first it does not, from
    where this walk goes on — so the result (first broken seq, problem) is the walk's.

    ``unkeyed_reasons`` gives the reason an unkeyed event was hashed with (kept encrypted outside
    the event table since free text left the chain). Reads plain rows (not ORM objects), so it
    neither fills nor clears the caller's session.
    """
    walk = _Walk(key, unkeyed_reasons or _no_reasons)
    table = AuditEvent.__table__
    if start is not None and start.seq > 0:
        stored = session.execute(select(table.c.hash).where(table.c.seq == start.seq)).scalar()
        if stored is None or not hmac.compare_digest(stored, start.hash):
            problem = "missing" if stored is None else "hash differs"
            return walk.broken(start.seq, f"event of checkpoint {start.body()} {problem}")
        walk.mode, walk.anchor = _mode_at(session, key, start)
        walk.accepted(0, start.seq, start.hash)

    # The rule in force is known once an event was keyed (the first, or the re-anchoring event).
    while walk.mode != "keyed":
        rows = _rows_after(session, walk.last_seq, 1 if walk.mode is None else batch_size)
        if not rows:
            return walk.finish()
        for event in rows:
            if (result := walk.step(event)) is not None:
                return result
            if walk.mode == "keyed":
                break

    fast = session.get_bind().dialect.name == "postgresql"
    while True:
        if fast:  # over what the scan accepts; then one event here (broken, or one the scan could not judge)
            from casebook.audit import scan

            scan.fast_forward(session, walk, key, workers=workers)
        rows = _rows_after(session, walk.last_seq, 1 if fast else batch_size)
        if not rows:
            return walk.finish()
        for event in rows:
            if (result := walk.step(event)) is not None:
                return result


# --- checkpoints: the head hash kept outside the database, signed ----------------------------


@dataclass(frozen=True)
class Checkpoint:
    taken_at: datetime
    seq: int
    hash: str
    signature: str | None = None

    def body(self) -> str:
        return f"{self.taken_at.isoformat(timespec='seconds')} seq={self.seq} hash={self.hash}"

    def line(self) -> str:
        return self.body() + (f" sig={self.signature}" if self.signature else "")

    def signed(self, key: bytes) -> Checkpoint:
        """This checkpoint with its HMAC-SHA-256 signature under the chain's checkpoint key."""
        return replace(self, signature=_sign(key, self.body()))

    def signature_ok(self, key: bytes) -> bool:
        return self.signature is not None and hmac.compare_digest(_sign(key, self.body()), self.signature)

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        """:raises ValueError: not a checkpoint line."""
        match = CHECKPOINT_LINE.match(line.strip())
        if not match:
            raise ValueError(f"not a checkpoint line: {line.strip()[:80]!r}")
        return cls(datetime.fromisoformat(match["at"]), int(match["seq"]), match["hash"], match["sig"])


CHECKPOINT_LINE = re.compile(
    r"^(?P<at>\S+) seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64})(?: sig=(?P<sig>[0-9a-f]{64}))?$"
)


def _sign(key: bytes, body: str) -> str:
    return hmac.new(key, b"casebook-checkpoint\n" + body.encode(), hashlib.sha256).hexdigest()


def read_checkpoints(text_lines: Iterable[str]) -> list[Checkpoint]:
    """Parse a checkpoint file (blank lines and ``#`` comments ignored)."""
    return [Checkpoint.parse(line) for line in text_lines if line.strip() and not line.lstrip().startswith("#")]


def check_checkpoints(session: Session, checkpoints: Iterable[Checkpoint], key: bytes) -> VerifyResult | None:
    """Compare earlier head hashes with the chain now: a rewritten or truncated chain no longer holds
    them. A checkpoint whose signature does not verify under ``key`` (forged, edited, or written
    before checkpoints were signed) is refused. Returns the first failure, or None when all match.
    """
    table = AuditEvent.__table__
    for point in checkpoints:
        if not point.signature_ok(key):
            problem = "unsigned" if point.signature is None else "signature does not verify"
            return VerifyResult(False, 0, 0, "", point.seq, f"checkpoint {point.body()} refused: {problem}")
        if point.seq == 0:
            continue
        stored = session.execute(select(table.c.hash).where(table.c.seq == point.seq)).scalar()
        if stored is None:
            return VerifyResult(False, 0, 0, "", point.seq, f"event from checkpoint of {point.body()} is missing")
        if stored != point.hash:
            return VerifyResult(False, 0, 0, "", point.seq, f"hash differs from checkpoint of {point.body()}")
    return None
