"""The fast check of the keyed part of the chain on PostgreSQL (``casebook audit verify --full``).

The sequential walk (``chain.verify``) costs most of its time outside the MAC: rows made into
SQLAlchemy rows with their types processed, the canonical JSON built through ``json.dumps`` of a
dict, a new HMAC per event. Here rows come raw from a server-side cursor (the time in UTC as the
database has it, ``details`` as text), the canonical JSON is filled into ``chain.KEYED_TEMPLATE``
(quoted strings, details and times cached, as they repeat), and the MAC is computed from the key's
precomputed HMAC states. The text is the one ``chain.canonical_json`` gives — the hashed format is
unchanged, and a test holds the two equal.

Each event's MAC depends only on its own stored ``prev_hash``, so the keyed part can be split into
``seq`` ranges checked by worker processes; the parent checks the links between the ranges.

A scan only *accepts*: an event whose ``seq`` follows on, whose ``prev_hash`` is the previous
event's hash, that is no re-anchoring event and whose MAC verifies under the key — exactly what the
sequential walk accepts once the keyed rule is in force. At the first event it does not accept, it
stops; ``chain.verify`` walks on from the last accepted event, so what is reported (the first broken
seq and its problem) is the sequential walk's.
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
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
# time as UTC without a zone (its isoformat + "+00:00" is the hashed text), details as stored text.
SELECT = (
    "SELECT action, actor_organisation, actor_user_id, actor_username, case_id, client_ip, details::text,"
    " object_id, object_type, occurred_at AT TIME ZONE 'UTC', outcome, request_id, seq, user_agent,"
    " prev_hash, hash FROM audit_event WHERE seq BETWEEN %s AND %s ORDER BY seq"
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
# is the naive UTC isoformat, so its quotes and zone are part of the text around it.
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


def scan_range(connection: psycopg.Connection, key: bytes, first: int, last: int, prev_hash: str | None) -> Range:
    """Accept events ``first``..``last`` in order, linked to ``prev_hash`` (None: to the stored
    prev_hash of event ``first``, which the caller links). Reads through a server-side cursor in the
    connection's transaction."""
    quote = chain.quote_json
    inner_state, outer_state = chain.mac_states(key)
    dumps, loads, join = json.dumps, json.loads, "".join
    reanchor = chain.REANCHOR_ACTION
    strings: dict[Any, str] = {}
    details_cache: dict[Any, str] = {}
    actors: dict[Any, str] = {}  # the text from '{"action":' to '"case_id":' of (action, organisation, id, name)

    def remember(text: str | None) -> str:  # a quoted string (never empty, so `get(...) or remember(...)`)
        return strings.setdefault(text, "null" if text is None else quote(text))

    def canonical_details(text: str) -> str:
        return details_cache.setdefault(
            text, dumps(loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        )

    def actor_part(action: str, organisation: str | None, user_id: int | None, username: str | None) -> str:
        user = "null" if user_id is None else repr(user_id)
        return actors.setdefault(
            (action, organisation, user_id, username),
            join((A0, remember(action), A1, remember(organisation), A2, user, A3, remember(username), A4)),
        )

    expected, accepted, first_prev = first, 0, None
    with connection.cursor(name=f"casebook_verify_{first}") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(SELECT, (first, last))
        while rows := cursor.fetchmany(FETCH_ROWS):
            for cache in (strings, details_cache, actors):
                if len(cache) > CACHE_LIMIT:
                    cache.clear()
            cached, cached_details, cached_actor = strings.get, details_cache.get, actors.get
            for row in rows:
                (action, organisation, user_id, username, case_id, ip, details, object_id, object_type, at, outcome,
                 request_id, seq, agent, stored_prev, stored_hash) = row  # fmt: skip
                if seq != expected:
                    return Range(first, last, accepted, first_prev, prev_hash if accepted else None, expected)
                if expected == first:
                    first_prev = stored_prev
                    if prev_hash is None:
                        prev_hash = stored_prev
                if stored_prev != prev_hash or action == reanchor:
                    return Range(first, last, accepted, first_prev, prev_hash if accepted else None, seq)
                message = join((
                    prev_hash,
                    cached_actor((action, organisation, user_id, username))
                    or actor_part(action, organisation, user_id, username),
                    "null" if case_id is None else repr(case_id),
                    A5, cached(ip) or remember(ip),
                    A6, cached_details(details) or canonical_details(details),
                    A7, "null" if object_id is None else quote(object_id),
                    A8, cached(object_type) or remember(object_type),
                    A9, at.isoformat(timespec="microseconds"),
                    A10, cached(outcome) or remember(outcome),
                    A11, "null" if request_id is None else quote(request_id),
                    A12, repr(seq),
                    A13, cached(agent) or remember(agent),
                    "}",
                ))  # fmt: skip
                inner = inner_state.copy()
                inner.update(message.encode())
                outer = outer_state.copy()
                outer.update(inner.digest())
                if outer.hexdigest() != stored_hash:
                    return Range(first, last, accepted, first_prev, prev_hash if accepted else None, seq)
                prev_hash = stored_hash
                expected += 1
                accepted += 1
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
