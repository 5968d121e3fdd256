"""The fast verification: the same hashed text and MAC as the definition, and — on PostgreSQL, split
over worker processes — the same result as the sequential walk, intact or tampered with anywhere
(inside a range, at the boundary between two ranges, at the end)."""

from __future__ import annotations

import hashlib
import hmac
import random
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from casebook import create_app, migrate
from casebook.audit import chain, scan
from casebook.audit.models import AuditEvent, Outcome
from casebook.db import db
from tests.conftest import TEST_SETTINGS

AWKWARD = ["", "plain", 'quo"te', "back\\slash", "tab\tnew\nline\r", "\x00\x01\x1f\x7f", "é ü ñ", "日本語", "😀"]
AWKWARD += ["\u2028", "</script>", "1e5", "null", "a" * 300]
STORABLE = [value for value in AWKWARD if "\x00" not in value and len(value) <= 40] + ["\x01\x1f\x7f"]  # PostgreSQL


def _random_event(rng: random.Random, strings: list[str] = AWKWARD) -> SimpleNamespace:
    def maybe(value):
        return None if rng.random() < 0.3 else value

    details = rng.choice(
        [
            {},
            {"page": rng.randrange(100)},
            {"b": [1, 2.5, None, True], "a": {"z": "x", "y": rng.choice(strings)}},
            {"big": 2**70, "neg": -3, "float": 0.1, "flag": False},
            {rng.choice(strings): rng.choice(strings)},
        ]
    )
    return SimpleNamespace(
        seq=rng.randrange(1, 10**12),
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=rng.randrange(10**13)),
        actor_user_id=maybe(rng.randrange(10**9)),
        actor_username=maybe(rng.choice(strings)),
        actor_organisation=maybe(rng.choice(strings)),
        action=rng.choice(["case.view", *strings]),
        object_type=maybe(rng.choice(strings)),
        object_id=maybe(rng.choice(strings)),
        case_id=maybe(rng.randrange(10**9)),
        outcome=rng.choice(list(Outcome)),
        client_ip=maybe(rng.choice(strings)),
        user_agent=maybe(rng.choice(strings)),
        request_id=maybe(rng.choice(strings)),
        details=details,
    )


def test_the_fast_canonical_text_is_the_definitions_text():
    rng = random.Random(13)
    for _ in range(3000):
        event = _random_event(rng)
        assert chain.canonical_json(event) == chain._canonical_generic(event, chain.HASHED_FIELDS)
    event.occurred_at = event.occurred_at.replace(microsecond=0)  # isoformat keeps the six digits
    assert chain.canonical_json(event) == chain._canonical_generic(event, chain.HASHED_FIELDS)


@pytest.mark.parametrize("length", [0, 1, 32, 63, 64, 65, 200])
def test_the_mac_from_cached_key_states_is_hmac_sha256(length):
    key = bytes(range(256))[:length] or b""
    for message in (b"", b"x", bytes(range(256)) * 5):
        assert chain.mac_hex(key, message) == hmac.new(key, message, hashlib.sha256).hexdigest()


# --- PostgreSQL: ranges over worker processes against the sequential walk ------------------------------

EVENTS = 1200


@pytest.fixture
def pg_chain(fresh_postgres_url, tmp_path):
    """A committed chain of EVENTS keyed events in a throwaway database (workers read committed rows)."""
    db.session.remove()
    db.session.configure(bind=None)
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": fresh_postgres_url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        migrate.upgrade(app)
        key = app.extensions["casebook.keyring"].chain_key_for("event")
        rng = random.Random(5)
        with Session(db.engine) as session:
            for n in range(EVENTS):
                event = _random_event(rng, STORABLE)
                fields = {name: getattr(event, name) for name in chain.HASHED_FIELDS if name != "seq"}
                if rng.random() < 0.5:
                    fields["details"] = {"page": n % 7}  # repeats, as real details do (the scan caches them)
                chain.enqueue(session, AuditEvent(**fields), key)
                if n % 300 == 299:
                    session.commit()
            session.commit()
        yield SimpleNamespace(engine=db.engine, key=key)
        db.session.remove()
        db.engine.dispose()


def _tamper(engine, sql: str, **params) -> None:
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))  # past the append-only triggers
        connection.execute(text(sql), params)


class _CountingPool(ProcessPoolExecutor):
    ranges: list[tuple[int, int]] = []

    def submit(self, fn, *args, **kwargs):
        _CountingPool.ranges.append(args[2:4])
        return super().submit(fn, *args, **kwargs)


def _results(pg_chain, monkeypatch) -> tuple[chain.VerifyResult, chain.VerifyResult, chain.VerifyResult]:
    """Sequential only; one fast range; four ranges in worker processes."""
    monkeypatch.setattr(scan, "MIN_EVENTS_PER_WORKER", 100)
    monkeypatch.setattr(scan, "ProcessPoolExecutor", _CountingPool)
    _CountingPool.ranges = []
    with Session(pg_chain.engine) as session:
        with monkeypatch.context() as sequential_only:
            sequential_only.setattr(scan, "fast_forward", lambda *args, **kwargs: None)
            sequential = chain.verify(session, pg_chain.key)
        one = chain.verify(session, pg_chain.key, workers=1)
        assert _CountingPool.ranges == []
        four = chain.verify(session, pg_chain.key, workers=4)
        # event 1 is walked first (it sets the keyed rule); the rest in four ranges of 300
        assert [low for low, _high in _CountingPool.ranges] == [2, 302, 602, 902]
        assert [high for _low, high in _CountingPool.ranges][:3] == [301, 601, 901]
    return sequential, one, four


def test_workers_verify_an_intact_chain_as_the_walk_does(pg_chain, monkeypatch):
    sequential, one, four = _results(pg_chain, monkeypatch)
    assert sequential.ok and sequential.checked == EVENTS
    assert one == sequential and four == sequential


@pytest.mark.parametrize(
    "tampering",
    [
        ("UPDATE audit_event SET actor_username = 'mallory' WHERE seq = 450", 450),  # inside the 2nd range
        ("DELETE FROM audit_event WHERE seq = 302", 302),  # the first event of the 2nd range
        ("DELETE FROM audit_event WHERE seq = 601", 601),  # the last event of the 2nd range
        ("UPDATE audit_event SET prev_hash = repeat('0', 64) WHERE seq = 902", 902),  # the link into the 4th
        ("UPDATE audit_event SET hash = repeat('a', 64) WHERE seq = 901", 901),  # the hash that link names
        ("UPDATE audit_event SET action = 'audit.chain.reanchor' WHERE seq = 1000", 1000),
        ("UPDATE audit_event SET details = '{\"page\": 99}' WHERE seq = 1200", 1200),  # the head
    ],
    ids=["content", "first-of-range-deleted", "last-of-range-deleted", "link", "linked-hash", "anchor", "head"],
)
def test_workers_report_tampering_as_the_walk_does(pg_chain, monkeypatch, tampering):
    sql, seq = tampering
    _tamper(pg_chain.engine, sql)
    sequential, one, four = _results(pg_chain, monkeypatch)
    assert not sequential.ok and sequential.broken_seq == seq, sequential.describe()
    assert one == sequential and four == sequential


def test_workers_verify_a_forged_event_appended_as_the_walk_does(pg_chain, monkeypatch):
    with Session(pg_chain.engine) as session:
        head = session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).one()
    forged = _random_event(random.Random(1), STORABLE)
    forged.seq = head.seq + 1
    fields = {name: getattr(forged, name) for name in chain.HASHED_FIELDS}
    row = AuditEvent(**fields, prev_hash=head.hash, hash=chain.compute_hash(head.hash, forged))
    with Session(pg_chain.engine) as session, session.begin():
        session.add(row)
    sequential, one, four = _results(pg_chain, monkeypatch)
    assert not sequential.ok and "unkeyed event in the keyed chain" in sequential.problem
    assert one == sequential and four == sequential


def test_workers_check_the_link_between_ranges(pg_chain, monkeypatch):
    """With the key, event 902 (the first of the 4th range) relinked to another head verifies on its
    own; only the link to event 901 — checked between the ranges — shows it."""
    table = AuditEvent.__table__
    with Session(pg_chain.engine) as session:
        row = session.execute(table.select().where(table.c.seq == 902)).one()
    relinked = chain.compute_mac(pg_chain.key, "0" * 64, row)
    _tamper(pg_chain.engine, "UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = 902", p="0" * 64, h=relinked)
    sequential, one, four = _results(pg_chain, monkeypatch)
    assert (sequential.broken_seq, sequential.problem) == (902, "prev_hash does not match")
    assert one == sequential and four == sequential
