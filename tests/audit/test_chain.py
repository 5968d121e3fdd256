"""The audit chain: appended in order, keyed, verified, and every kind of tampering detected.

Tamper cases: (1) a changed field, (2) a changed stored hash, (3) a deleted event in the middle,
(4) a forged event inserted in the middle (later events renumbered), (5) a forged event appended
with a wrong hash, (5b) one appended with the public unkeyed hash function, (6) the tail cut off,
(7) the whole chain rewritten with recomputed hashes. (1)–(5b) and (7) without the chain key are
caught by the chain alone; (6), and (7) by someone holding the key, only against a checkpoint.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from casebook import audit
from casebook.audit import chain
from casebook.audit.models import AuditEvent
from casebook.db import db, utcnow
from tests.audit.tamper import snapshot, tamper, triggers_bypassed, verify
from tests.factories import make_user


@pytest.fixture
def events():
    user = make_user()
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    recorded = [audit.record(user, "case.list", details={"page": i}) for i in range(6)]
    db.session.commit()  # chains them (a savepoint in the test harness)
    made = [snapshot(event) for event in recorded]
    assert made[0].seq == before + 1
    return made


def _forge(seq: int, prev_hash: str, correct_hash: bool = True, key: bytes | None = None) -> None:
    """Insert an event as someone with database access would: with the public unkeyed hash
    function (``correct_hash``), a wrong hash, or under ``key``."""
    forged = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_user_id=None,
        actor_username="mallory",
        actor_organisation=None,
        action="case.view",
        object_type=None,
        object_id=None,
        case_id=None,
        outcome="allowed",
        client_ip=None,
        user_agent=None,
        request_id=None,
        details={},
        prev_hash=prev_hash,
    )
    if key is not None:
        forged.hash = chain.compute_mac(key, prev_hash, forged)
    else:
        forged.hash = chain.compute_hash(prev_hash, forged) if correct_hash else "f" * 64
    with triggers_bypassed():
        db.session.add(forged)
        db.session.flush()


def test_events_link_into_a_verifiable_chain(events):
    result = verify()
    assert result.ok and result.head_seq == events[-1].seq and result.head_hash == events[-1].hash
    stored = db.session.scalars(select(AuditEvent).where(AuditEvent.seq >= events[0].seq).order_by(AuditEvent.seq))
    stored = list(stored)
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(stored))


def test_1_changed_content_is_detected(events):
    tamper("UPDATE audit_event SET action = 'case.view' WHERE id = :id", id=events[2].id)
    result = verify()
    assert not result.ok and result.broken_seq == events[2].seq and result.problem == "content changed"


def test_2_changed_stored_hash_is_detected(events):
    tamper("UPDATE audit_event SET hash = :h WHERE id = :id", h="0" * 64, id=events[2].id)
    result = verify()
    assert not result.ok and result.broken_seq == events[2].seq


def test_3_deleted_event_is_detected(events):
    tamper("DELETE FROM audit_event WHERE id = :id", id=events[3].id)
    result = verify()
    assert not result.ok and result.broken_seq == events[3].seq and "missing" in result.problem


def test_4_event_inserted_in_the_middle_is_detected(events):
    at = events[3].seq
    tamper("UPDATE audit_event SET seq = -seq WHERE seq >= :at", at=at)
    tamper("UPDATE audit_event SET seq = -seq + 1 WHERE seq < 0")
    _forge(at, events[2].hash, key=audit.chain_key())  # even under the key: the break shows at the next event
    result = verify()
    assert not result.ok and result.broken_seq == at + 1


def test_4b_event_inserted_in_the_middle_without_the_key_is_detected_at_itself(events):
    at = events[3].seq
    tamper("UPDATE audit_event SET seq = -seq WHERE seq >= :at", at=at)
    tamper("UPDATE audit_event SET seq = -seq + 1 WHERE seq < 0")
    _forge(at, events[2].hash)
    result = verify()
    assert not result.ok and result.broken_seq == at and "unkeyed" in result.problem


def test_5_forged_event_appended_is_detected(events):
    _forge(events[-1].seq + 1, events[-1].hash, correct_hash=False)
    result = verify()
    assert not result.ok and result.broken_seq == events[-1].seq + 1 and result.problem == "content changed"


def test_5b_event_appended_with_the_public_hash_function_is_detected(events):
    _forge(events[-1].seq + 1, events[-1].hash)  # chain.compute_hash: what anyone can compute
    result = verify()
    assert not result.ok and result.broken_seq == events[-1].seq + 1
    assert result.problem == "unkeyed event in the keyed chain (forged without the chain key)"


def test_5c_event_appended_under_another_key_is_detected(events):
    _forge(events[-1].seq + 1, events[-1].hash, key=b"x" * 32)
    result = verify()
    assert not result.ok and result.broken_seq == events[-1].seq + 1 and result.problem == "content changed"


def test_events_are_macs_under_the_chain_key_not_plain_hashes(events):
    stored = db.session.scalars(select(AuditEvent).where(AuditEvent.seq >= events[0].seq).order_by(AuditEvent.seq))
    for event in stored:
        assert event.hash == chain.compute_mac(audit.chain_key(), event.prev_hash, event)
        assert event.hash != chain.compute_hash(event.prev_hash, event)


@pytest.mark.parametrize(
    "column, value",
    [("details", '{"page": 99}'), ("actor_username", "mallory"), ("case_id", "7"), ("request_id", "r1")],
)
def test_every_hashed_field_is_covered(events, column, value):
    tamper(f"UPDATE audit_event SET {column} = :v WHERE id = :id", v=value, id=events[1].id)
    result = verify()
    assert not result.ok and result.broken_seq == events[1].seq and result.problem == "content changed"


def test_6_cut_tail_is_caught_by_a_checkpoint(events):
    point = chain.Checkpoint(utcnow(), events[-1].seq, events[-1].hash).signed(audit.checkpoint_key())
    tamper("DELETE FROM audit_event WHERE seq >= :seq", seq=events[-2].seq)
    assert verify().ok  # a shorter chain is still a chain …
    failure = chain.check_checkpoints(db.session(), [point], audit.checkpoint_key())
    assert failure is not None and failure.broken_seq == events[-1].seq and "missing" in failure.problem


def _rewrite_from(events, rule) -> None:
    """Change event 1 and recompute every hash from it on, as an attacker who knows the algorithm would."""
    tamper("UPDATE audit_event SET action = 'case.view' WHERE id = :id", id=events[1].id)
    prev = events[0].hash
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.seq > events[0].seq).order_by(AuditEvent.seq)):
        new_hash = rule(prev, event)
        tamper("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :id", p=prev, h=new_hash, id=event.id)
        prev = new_hash


def test_7_chain_rewritten_without_the_key_is_detected(events):
    _rewrite_from(events, chain.compute_hash)
    result = verify()
    assert not result.ok and result.broken_seq == events[1].seq and "unkeyed" in result.problem


def test_7b_chain_rewritten_with_the_key_is_caught_by_a_checkpoint(events):
    point = chain.Checkpoint(utcnow(), events[-1].seq, events[-1].hash).signed(audit.checkpoint_key())
    key = audit.chain_key()
    _rewrite_from(events, lambda prev, event: chain.compute_mac(key, prev, event))
    assert verify().ok  # whoever holds the keyring can rewrite: hence checkpoints outside the database
    failure = chain.check_checkpoints(db.session(), [point], audit.checkpoint_key())
    assert failure is not None and failure.broken_seq == events[-1].seq and "differs" in failure.problem


def test_a_forged_or_unsigned_checkpoint_is_refused(events):
    key = audit.checkpoint_key()
    true_point = chain.Checkpoint(utcnow(), events[-1].seq, events[-1].hash).signed(key)
    assert chain.check_checkpoints(db.session(), [true_point], key) is None
    # an attacker who rewrote the chain writes a checkpoint of their own head
    unsigned = chain.Checkpoint(utcnow(), events[-1].seq, events[-1].hash)
    forged = chain.Checkpoint(true_point.taken_at, events[-2].seq, events[-2].hash, true_point.signature)
    signed_elsewhere = unsigned.signed(b"y" * 32)
    for point, problem in ((unsigned, "unsigned"), (forged, "signature"), (signed_elsewhere, "signature")):
        failure = chain.check_checkpoints(db.session(), [true_point, point], key)
        assert failure is not None and not failure.ok and problem in failure.problem
    # the event key is not the checkpoint key
    assert not unsigned.signed(audit.chain_key()).signature_ok(key)


def test_checkpoint_lines_round_trip_and_junk_is_refused():
    point = chain.Checkpoint(utcnow().replace(microsecond=0), 42, "a" * 64).signed(b"k" * 32)
    assert chain.read_checkpoints(["# kept on the WORM share", "", point.line()]) == [point]
    assert point.line().endswith(f" sig={point.signature}")
    with pytest.raises(ValueError, match="not a checkpoint"):
        chain.read_checkpoints(["seq=1 hash=zz"])


def test_verify_leaves_the_callers_session_alone(events):
    user = make_user()
    verify()
    assert user in db.session  # the ORM objects of the caller are still attached


def test_personal_data_keys_are_refused_in_details():
    with pytest.raises(ValueError, match="personal data"):
        audit.record(None, "case.view", details={"bsn": "123456782"})
