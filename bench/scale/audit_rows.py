"""Ten audit events per case, chained with the audit module's own rule and written with COPY.

The chain is computed by ``casebook.audit.chain.compute_mac`` over each event (the same function
``chain.append`` and ``chain.verify`` use), continuing from the head the reference seeding left,
so ``casebook audit verify`` accepts the seeded trail. This module is the one place that knows
how the chain is built: when the audit module changes its rule (a keyed MAC, a sealer that chains
unsealed events), this is what follows it. ``chain_rule()`` says which rule was used, and the
seeder reports it.

Events come in rounds (round r holds one event of every case), so a case's events are spread
over the trail as they would be over months of use, and seq order is time order.
"""

from __future__ import annotations

import inspect
import random
import secrets
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from casebook.audit import chain
from casebook.audit.models import Outcome

ACTIONS = (
    ("case.view", 40),
    ("note.list", 25),
    ("note.add", 10),
    ("person.view", 5),
    ("intervention.add", 5),
    ("plan.edit", 5),
    ("case.update", 5),
    ("case.transition", 5),
)
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/133.0"
START = datetime(2025, 12, 1, 7, 0, tzinfo=UTC)


class _Event:
    """The attributes ``chain.compute_mac`` reads, without an ORM object per event."""

    __slots__ = (*chain.HASHED_FIELDS, "prev_hash", "hash")

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


def chain_rule() -> str:
    """Which chaining rule the seeder follows (reported in the output)."""
    parameters = list(inspect.signature(chain.compute_mac).parameters)
    if parameters[:3] != ["key", "prev_hash", "event"]:
        raise RuntimeError(
            "casebook.audit.chain.compute_mac changed its signature; update bench/scale/audit_rows.py to the new rule"
        )
    return (
        "chain.compute_mac(event key, prev_hash, event) in seq order (keyed chain, "
        + str(len(chain.HASHED_FIELDS))
        + " fields)"
    )


def chain_head(connection: psycopg.Connection) -> tuple[int, str]:
    row = connection.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, chain.GENESIS_HASH)


def events(
    headers: Sequence[tuple[int, tuple[int, ...]]],
    users: dict[int, tuple[str, str]],
    per_case: int,
    seed: int,
) -> Iterator[dict[str, Any]]:
    """The unchained events: ``per_case`` rounds over all cases, one second or so apart per round."""
    rng = random.Random(seed)
    names = [a for a, _ in ACTIONS]
    weights = [w for _, w in ACTIONS]
    total = len(headers) * per_case
    span = timedelta(days=364)
    step = span / max(total, 1)
    k = 0
    for _round in range(per_case):
        actions = rng.choices(names, weights, k=len(headers))
        for (case_id, workers), action in zip(headers, actions, strict=True):
            actor = workers[rng.randrange(len(workers))]
            username, organisation = users[actor]
            denied = rng.random() < 0.01
            yield {
                "occurred_at": (START + step * k).replace(microsecond=rng.randrange(1_000_000)),
                "actor_user_id": actor,
                "actor_username": username,
                "actor_organisation": organisation,
                "action": action,
                "object_type": "case",
                "object_id": str(case_id),
                "case_id": case_id,
                "outcome": Outcome.DENIED if denied else Outcome.ALLOWED,
                "client_ip": f"10.20.{actor % 250}.{rng.randrange(1, 250)}",
                "user_agent": USER_AGENT,
                "request_id": secrets.token_hex(16),
                "details": {},
            }
            k += 1


COLUMNS = ("id", *chain.HASHED_FIELDS, "prev_hash", "hash")


def load(
    url_connect: Callable[[], psycopg.Connection],
    event_source: Iterator[dict[str, Any]],
    *,
    key: bytes,
    batch: int = 200_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Chain (under the keyring's event key) and COPY the events in seq order after the current head;
    commit per batch. Returns the count."""
    hashed = chain.HASHED_FIELDS
    with url_connect() as connection:
        seq, prev_hash = chain_head(connection)
        id_base = connection.execute("SELECT coalesce(max(id), 0) FROM audit_event").fetchone()[0]
        udt = dict(
            connection.execute(
                "SELECT column_name, udt_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = 'audit_event'"
            ).fetchall()
        )
        types = [udt[column] for column in COLUMNS]
        written = reported = 0
        done = False
        while not done:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY audit_event ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(types)
                for n, values in enumerate(event_source):
                    seq += 1
                    event = _Event(seq=seq, **values)
                    event.hash = chain.compute_mac(key, prev_hash, event)
                    copy.write_row(
                        (
                            id_base + written + 1,
                            *[_column(name, getattr(event, name)) for name in hashed],
                            prev_hash,
                            event.hash,
                        )
                    )
                    prev_hash = event.hash
                    written += 1
                    if n + 1 == batch:
                        break
                else:
                    done = True
            connection.commit()
            if progress and written > reported:
                progress(written)
                reported = written
    return written


def _column(name: str, value: Any) -> Any:
    """The value as binary COPY takes it: a json column dumps the dict itself; the hash was computed
    over the parsed value (``canonical_json`` re-serialises it), so the spacing of the stored text
    does not matter."""
    if name == "outcome":
        return str(value)
    return value
