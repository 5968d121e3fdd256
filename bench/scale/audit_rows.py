"""Ten audit events per case, chained with the audit module's own rule and written with COPY.

The chain is the audit module's keyed rule (``casebook.audit.chain.compute_mac`` under the
keyring's event key), continuing from the head the reference seeding left, so
``casebook audit verify`` accepts the seeded trail. This module is the one place that knows how
the chain is built; ``chain_rule()`` says which rule was used, and the seeder reports it.

Chaining is sequential, but almost all of its cost is not: building the event and its canonical
JSON (``chain.canonical_json``) takes ~20 µs, the MAC over ``prev_hash ‖ JSON`` ~1 µs. So worker
processes build segments of events in parallel — each event's JSON and its COPY text line without
the two hash columns — and the loading process only links them: one HMAC and one string join per
event. That split relies on ``compute_mac(key, prev, event)`` being ``HMAC-SHA-256(key, prev ‖
canonical_json(event))``; ``check_rule`` asserts it before the load, and the first event of every
segment is hashed again with ``chain.compute_mac`` itself, so a changed rule fails the seeding
instead of writing a chain that does not verify.

Events come in rounds (round r holds one event of every case), so a case's events are spread
over the trail as they would be over months of use, and seq order is time order.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import multiprocessing
import random
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
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
SPAN = timedelta(days=364)
SEGMENT = 20_000  # events per worker task
# The columns of a COPY line, in the order ``_segment`` writes them. A field the chain starts to hash
# is not among them, and ``check_rule`` fails the load (as ``canonical_json`` would, missing it).
COLUMNS = (
    "id", "seq", "occurred_at", "actor_user_id", "actor_username", "actor_organisation", "action", "object_type",
    "object_id", "case_id", "outcome", "client_ip", "user_agent", "request_id", "details", "prev_hash", "hash",
)  # fmt: skip


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


def _link(key: bytes | Any, prev_hash: str, canonical: str) -> str:
    """``compute_mac`` over an event whose canonical JSON is already known (see the module doc).
    ``key`` may be ``_keyed(key)``: copying a keyed HMAC state skips deriving its pads per event."""
    mac = key.copy() if hasattr(key, "copy") else hmac.new(key, digestmod=hashlib.sha256)
    mac.update((prev_hash + canonical).encode())
    return mac.hexdigest()


def _keyed(key: bytes) -> Any:
    return hmac.new(key, digestmod=hashlib.sha256)


def check_rule(key: bytes) -> None:
    """:raises RuntimeError: ``compute_mac`` is no longer the HMAC of ``prev ‖ canonical_json``, or
    hashes a field this module does not write."""
    if set(chain.HASHED_FIELDS) - set(COLUMNS):
        raise RuntimeError("the audit chain hashes fields bench/scale/audit_rows.py does not write; update it")
    values = _values(random.Random(1), 1, (7,), {7: ("a.user", "zvh")}, "case.view", START)
    event = SimpleNamespace(seq=1, **values)
    if chain.compute_mac(key, chain.GENESIS_HASH, event) != _link(key, chain.GENESIS_HASH, chain.canonical_json(event)):
        raise RuntimeError("casebook.audit.chain.compute_mac changed its rule; update bench/scale/audit_rows.py")


def chain_head(connection: psycopg.Connection) -> tuple[int, str]:
    row = connection.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, chain.GENESIS_HASH)


# -- worker processes: segments of events --------------------------------------------------------

_state: dict[str, Any] = {}


def _init_worker(
    headers: Sequence[tuple[int, tuple[int, ...]]], users: dict[int, tuple[str, str]], seed: int, total: int
) -> None:
    _state.update(headers=headers, users=users, seed=seed, step=SPAN / max(total, 1))


def _values(
    rng: random.Random, case_id: int, workers: tuple[int, ...], users: dict[int, tuple[str, str]], action: str,
    occurred_at: datetime,
) -> dict[str, Any]:  # fmt: skip
    """One event's hashed fields but ``seq``: one of the case's workers did ``action`` on the case
    (``details`` empty: ``_segment`` writes ``{}``)."""
    actor = workers[int(rng.random() * len(workers))]
    username, organisation = users[actor]
    return {
        "occurred_at": occurred_at.replace(microsecond=int(rng.random() * 1_000_000)),
        "actor_user_id": actor,
        "actor_username": username,
        "actor_organisation": organisation,
        "action": action,
        "object_type": "case",
        "object_id": str(case_id),
        "case_id": case_id,
        "outcome": Outcome.DENIED if rng.random() < 0.01 else Outcome.ALLOWED,
        "client_ip": f"10.20.{actor % 250}.{1 + int(rng.random() * 249)}",
        "user_agent": USER_AGENT,
        "request_id": f"{rng.getrandbits(128):032x}",
        "details": {},
    }


def _escape(value: str) -> str:
    """A value as COPY's text format reads it back unchanged."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _segment(task: tuple[int, int, int, int, int]) -> tuple[list[str], list[str], dict[str, Any]]:
    """Events of cases ``[start, stop)`` in round ``round_``: their canonical JSON, their COPY lines
    (``COLUMNS`` but ``prev_hash`` and ``hash``) and the first event's values (for ``compute_mac`` itself)."""
    round_, start, stop, first_seq, first_id = task
    headers, users = _state["headers"], _state["users"]
    escaped = {actor: (_escape(name), _escape(organisation)) for actor, (name, organisation) in users.items()}
    rng = random.Random(f"{_state['seed']}:{round_}:{start}")
    names = [a for a, _ in ACTIONS]
    actions = rng.choices(names, [w for _, w in ACTIONS], k=stop - start)
    step, offset = _state["step"], round_ * len(headers)
    agent = _escape(USER_AGENT)
    canonical, lines = [], []
    first: dict[str, Any] = {}
    for n, ((case_id, workers), action) in enumerate(zip(headers[start:stop], actions, strict=True)):
        seq = first_seq + n
        values = _values(rng, case_id, workers, users, action, START + step * (offset + start + n))
        canonical.append(chain.canonical_json(SimpleNamespace(seq=seq, **values)))
        actor = values["actor_user_id"]
        name, organisation = escaped[actor]
        lines.append(
            f"{first_id + n}\t{seq}\t{values['occurred_at'].isoformat(timespec='microseconds')}\t{actor}\t{name}\t"
            f"{organisation}\t{action}\tcase\t{case_id}\t{case_id}\t{values['outcome']}\t{values['client_ip']}\t"
            f"{agent}\t{values['request_id']}\t{{}}"
        )
        if n == 0:
            first = {"seq": seq, **values}
    return canonical, lines, first


# -- the loading process: link and COPY ----------------------------------------------------------


def load(
    url_connect: Callable[[], psycopg.Connection],
    headers: Sequence[tuple[int, tuple[int, ...]]],
    users: dict[int, tuple[str, str]],
    per_case: int,
    seed: int,
    *,
    key: bytes,
    workers: int = 2,
    batch: int = 200_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Chain (under the keyring's event key) and COPY ``per_case`` events per case in seq order
    after the current head; commit about every ``batch`` events. Returns the count."""
    check_rule(key)
    total = len(headers) * per_case
    if not total:
        return 0
    with url_connect() as connection:
        seq, prev_hash = chain_head(connection)
        id_base = connection.execute("SELECT coalesce(max(id), 0) FROM audit_event").fetchone()[0]
        tasks = []
        for round_ in range(per_case):
            for start in range(0, len(headers), SEGMENT):
                done = round_ * len(headers) + start
                tasks.append((round_, start, min(start + SEGMENT, len(headers)), seq + done + 1, id_base + done + 1))
        written = in_batch = 0
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker, initargs=(headers, users, seed, total)) as pool:
            pending: deque = deque()
            queue = iter(tasks)
            for task in queue:  # a window of 2 tasks per worker: bounded memory, workers never idle
                pending.append(pool.apply_async(_segment, (task,)))
                if len(pending) >= 2 * workers:
                    break
            copy_context = None
            while pending:
                canonical, lines, first = pending.popleft().get()
                task = next(queue, None)
                if task is not None:
                    pending.append(pool.apply_async(_segment, (task,)))
                if chain.compute_mac(key, prev_hash, SimpleNamespace(**first)) != _link(key, prev_hash, canonical[0]):
                    raise RuntimeError("the seeded chain would not verify: compute_mac and the fast path differ")
                out = []
                keyed = _keyed(key)
                for text, line in zip(canonical, lines, strict=True):
                    mac = _link(keyed, prev_hash, text)
                    out.append(f"{line}\t{prev_hash}\t{mac}\n")
                    prev_hash = mac
                if copy_context is None:
                    cursor = connection.cursor()
                    copy_context = cursor.copy(f"COPY audit_event ({', '.join(COLUMNS)}) FROM STDIN")
                    copy = copy_context.__enter__()
                copy.write("".join(out))
                written += len(lines)
                in_batch += len(lines)
                if in_batch >= batch or not pending:
                    copy_context.__exit__(None, None, None)
                    cursor.close()
                    copy_context = None
                    connection.commit()
                    in_batch = 0
                    if progress:
                        progress(written)
    return written
