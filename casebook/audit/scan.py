"""The fast check of the keyed part of the chain on PostgreSQL (``casebook audit verify --full``).

The sequential walk (``chain.verify``) costs most of its time outside the MAC: rows made into
SQLAlchemy rows with their types processed, the canonical JSON built through ``json.dumps`` of a
dict, a new HMAC per event, all in Python bytecode per row. Here rows come raw from a server-side
cursor (the time already in its hashed text, ``details`` as stored text) and are checked a batch at
a time, column by column with C-level ``map``/``zip`` (quoted strings and canonical details cached,
as they repeat): the seq run, the links and the absence of re-anchoring events are three
comparisons per batch, the messages are joined column-wise, and the MAC comes from the key's
precomputed HMAC states. The text is the one ``chain.canonical_json`` gives — the hashed format is
unchanged, and a test holds the two equal.

Each event's MAC depends only on its own stored ``prev_hash``, so the keyed part can be split into
``seq`` ranges checked by worker processes; the parent checks the links between the ranges.

A scan only *accepts*: an event whose ``seq`` follows on, whose ``prev_hash`` is the previous
event's hash, that is no re-anchoring event and whose MAC verifies under the key — exactly what the
sequential walk accepts once the keyed rule is in force. At the first event it does not accept, it
stops; ``chain.verify`` walks on from the last accepted event, so what is reported (the first broken
seq and its problem) is the sequential walk's. The scan can only ever stop too early (a text it
builds differently from the definition fails its MAC), never accept too much: that would take a MAC
made without the key.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.audit import chain
from casebook.audit.models import AuditEvent

#: A worker is worth its start-up from this many events on.
MIN_EVENTS_PER_WORKER = 100_000
FETCH_ROWS = 10_000
CACHE_LIMIT = 100_000  # entries per cache before it is emptied (details and strings repeat; ids do not)

# The columns in the canonical JSON's key order (``chain.KEYED_ORDER``), then the two hashes: the
# time as the text of its UTC isoformat without the zone, details as stored text.
SELECT = (
    "SELECT action, actor_organisation, actor_user_id, actor_username, case_id, client_ip, details::text,"
    " object_id, object_type, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"
    " outcome, request_id, seq, user_agent, prev_hash, hash FROM audit_event WHERE seq BETWEEN %s AND %s"
    " ORDER BY seq"
)
_SELECTED = [
    "action",
    "actor_organisation",
    "actor_user_id",
    "actor_username",
    "case_id",
    "client_ip",
    "details",
    "object_id",
    "object_type",
    "occurred_at",
    "outcome",
    "request_id",
    "seq",
    "user_agent",
]
if tuple(_SELECTED) != chain.KEYED_ORDER:  # the hashed fields changed: this scan must follow them
    raise RuntimeError("casebook.audit.scan does not read the fields chain.HASHED_FIELDS names")

# The text between the values, in order: '{"action":', ',"actor_organisation":', … The time's value
# is its UTC isoformat without the zone, so its quotes and zone are part of the text around it.
A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13 = (
    ("{" if n == 0 else ",") + f'"{name}":' for n, name in enumerate(_SELECTED)
)
A9 += '"'
A10 = '+00:00"' + A10


@dataclass(frozen=True)
class Range:
    """What a scan of ``seq`` from ``first`` to ``last`` found."""

    first: int
    last: int
    accepted: int = 0  # events accepted, from ``first`` on
    first_prev_hash: str | None = None  # the stored prev_hash of event ``first``, when it was read
    last_hash: str | None = None  # the hash of the last event accepted
    stopped_at: int | None = None  # the seq it did not accept (None: the whole range was accepted)


class _Quoted(dict):
    """str (or None) → its JSON text, remembered."""

    def __missing__(self, value: str | None) -> str:
        text = self[value] = "null" if value is None else chain.quote_json(value)
        return text


class _Numbers(dict):
    """int (or None) → its JSON text, remembered."""

    def __missing__(self, value: int | None) -> str:
        text = self[value] = "null" if value is None else repr(value)
        return text


class _Details(dict):
    """Stored details text → the canonical JSON of its value, remembered."""

    def __missing__(self, stored: str | None) -> str:
        value = None if stored is None else json.loads(stored)
        text = self[stored] = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text


def _quoted_column(values: Sequence[str | None]) -> list[str]:
    """A column of values that need not repeat (ids, addresses), quoted without remembering them."""
    quote = chain.quote_json
    if None not in values:
        return list(map(quote, values))
    return ["null" if value is None else quote(value) for value in values]


def _number_column(values: Sequence[int | None]) -> list[str]:
    if None not in values:
        return list(map(repr, values))
    return ["null" if value is None else repr(value) for value in values]


def _mac_of(key: bytes) -> Callable[[bytes], str]:
    inner_state, outer_state = chain.mac_states(key)

    def mac(message: bytes) -> str:
        inner = inner_state.copy()
        inner.update(message)
        outer = outer_state.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    return mac


def scan_range(connection: psycopg.Connection, key: bytes, first: int, last: int, prev_hash: str | None) -> Range:
    """Accept events ``first``..``last`` in order, linked to ``prev_hash`` (None: to the stored
    prev_hash of event ``first``, which the caller links). Reads through a server-side cursor in the
    connection's transaction."""
    collecting = gc.isenabled()
    gc.disable()  # the batches are many small tuples and no cycles; collecting them costs a third of the scan
    try:
        return _scan(connection, key, first, last, prev_hash)
    finally:
        if collecting:
            gc.enable()


def _scan(connection: psycopg.Connection, key: bytes, first: int, last: int, prev_hash: str | None) -> Range:
    mac = _mac_of(key)
    strings, numbers, details_texts = _Quoted(), _Numbers(), _Details()
    expected, accepted, first_prev = first, 0, None
    with connection.cursor(name=f"casebook_verify_{first}") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(SELECT, (first, last))
        while batch := cursor.fetchmany(FETCH_ROWS):
            for cache in (strings, numbers, details_texts):
                if len(cache) > CACHE_LIMIT:
                    cache.clear()
            (action, organisation, user_id, username, case_id, ip, details, object_id, object_type, at, outcome,
             request_id, seq, agent, stored_prev, stored_hash) = zip(*batch, strict=True)  # fmt: skip
            if expected == first and seq[0] == first:
                first_prev = stored_prev[0]
                if prev_hash is None:
                    prev_hash = first_prev
            count, quoted, number = len(batch), strings.__getitem__, numbers.__getitem__
            messages = list(
                map(
                    "".join,
                    zip(
                        stored_prev, repeat(A0), map(quoted, action), repeat(A1), map(quoted, organisation),
                        repeat(A2), map(number, user_id), repeat(A3), map(quoted, username),
                        repeat(A4), _number_column(case_id), repeat(A5), _quoted_column(ip),
                        repeat(A6), map(details_texts.__getitem__, details), repeat(A7), _quoted_column(object_id),
                        repeat(A8), map(quoted, object_type), repeat(A9), at, repeat(A10), map(quoted, outcome),
                        repeat(A11), _quoted_column(request_id), repeat(A12), _number_column(seq),
                        repeat(A13), map(quoted, agent), repeat("}"),
                    ),
                )
            )  # fmt: skip
            whole = (
                seq == tuple(range(expected, expected + count))
                and stored_prev[0] == prev_hash
                and stored_prev[1:] == stored_hash[:-1]
                and chain.REANCHOR_ACTION not in action
                and list(map(mac, map(str.encode, messages))) == list(stored_hash)
            )
            if whole:
                prev_hash, expected, accepted = stored_hash[-1], expected + count, accepted + count
            else:  # find the first event of the batch that does not fit, one by one
                for n in range(count):
                    if seq[n] != expected:
                        return Range(first, last, accepted, first_prev, prev_hash if accepted else None, expected)
                    if (
                        stored_prev[n] != prev_hash
                        or action[n] == chain.REANCHOR_ACTION
                        or mac(messages[n].encode()) != stored_hash[n]
                    ):
                        return Range(first, last, accepted, first_prev, prev_hash if accepted else None, seq[n])
                    prev_hash, expected, accepted = stored_hash[n], expected + 1, accepted + 1
    stopped = expected if expected <= last else None
    return Range(first, last, accepted, first_prev, prev_hash if accepted else None, stopped)


def _scan_in_worker(conninfo: str, key: bytes, first: int, last: int) -> Range:
    with psycopg.connect(conninfo) as connection:
        return scan_range(connection, key, first, last, None)


def _conninfo(session: Session) -> str:
    url = session.get_bind().engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def fast_forward(session: Session, walk: Any, key: bytes, *, workers: int = 1) -> None:
    """Advance ``walk`` (in the keyed rule) over every event up to the current head that the scan
    accepts. One range in the session's own transaction, or — ``workers`` > 1 and enough events —
    ranges scanned by worker processes on their own connections (committed rows only: what
    ``casebook audit verify`` reads anyway)."""
    head = session.scalar(select(func.max(AuditEvent.seq)))
    first = walk.last_seq + 1
    if head is None or head < first:
        return
    count = head - first + 1
    workers = max(1, min(workers, count // MIN_EVENTS_PER_WORKER))
    if workers == 1:
        connection = session.connection().connection.driver_connection
        ranges = [scan_range(connection, key, first, head, walk.prev_hash)]
    else:
        size = -(-count // workers)
        bounds = [(start, min(start + size - 1, head)) for start in range(first, head + 1, size)]
        conninfo = _conninfo(session)
        context = multiprocessing.get_context("fork")  # the workers only open connections of their own
        with ProcessPoolExecutor(max_workers=len(bounds), mp_context=context) as pool:
            futures = [pool.submit(_scan_in_worker, conninfo, key, low, high) for low, high in bounds]
            ranges = [future.result() for future in futures]
    for found in ranges:
        if found.first != walk.expected_seq or found.first_prev_hash not in (None, walk.prev_hash):
            return  # not linked to what came before: the walk reports it
        if found.accepted:
            walk.accepted(found.accepted, found.first + found.accepted - 1, found.last_hash)
        if found.stopped_at is not None:
            return
