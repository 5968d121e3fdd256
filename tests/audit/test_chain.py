"""The audit hash chain: appended in order, verified, and every kind of tampering detected.

Tamper cases: (1) a changed field, (2) a changed stored hash, (3) a deleted event in the middle,
(4) a forged event inserted in the middle (later events renumbered), (5) a forged event appended
with a wrong hash, (6) the tail cut off, (7) the whole chain rewritten with recomputed hashes.
(1)–(5) are caught by the chain alone, (6) and (7) only against an earlier checkpoint.
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
    made = [snapshot(audit.record(user, "case.list", details={"page": i})) for i in range(6)]
    assert made[0].seq == before + 1
    return made


def _forge(seq: int, prev_hash: str, correct_hash: bool = True) -> None:
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
        reason=None,
        client_ip=None,
        user_agent=None,
        request_id=None,
        details={},
        prev_hash=prev_hash,
    )
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
    _forge(at, events[2].hash)  # itself consistent: the break shows at the next event
    result = verify()
    assert not result.ok and result.broken_seq == at + 1


def test_5_forged_event_appended_is_detected(events):
    _forge(events[-1].seq + 1, events[-1].hash, correct_hash=False)
    result = verify()
    assert not result.ok and result.broken_seq == events[-1].seq + 1 and result.problem == "content changed"


def test_6_cut_tail_is_caught_by_a_checkpoint(events):
    point = chain.Checkpoint(utcnow(), events[-1].seq, events[-1].hash)
    tamper("DELETE FROM audit_event WHERE seq >= :seq", seq=events[-2].seq)
    assert verify().ok  # a shorter chain is still a chain …
    failure = chain.check_checkpoints(db.session(), [point])
    assert failure is not None and failure.broken_seq == events[-1].seq and "missing" in failure.problem


def test_7_rewritten_chain_is_caught_by_a_checkpoint(events):
    point = chain.Checkpoint(utcnow(), events[-1].seq, events[-1].hash)
    tamper("UPDATE audit_event SET action = 'case.view' WHERE id = :id", id=events[1].id)
    # recompute every hash from the changed event on, as an attacker who knows the algorithm would
    prev = events[0].hash
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.seq > events[0].seq).order_by(AuditEvent.seq)):
        new_hash = chain.compute_hash(prev, event)
        tamper("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :id", p=prev, h=new_hash, id=event.id)
        prev = new_hash
    assert verify().ok
    failure = chain.check_checkpoints(db.session(), [point])
    assert failure is not None and failure.broken_seq == events[-1].seq and "differs" in failure.problem


def test_checkpoint_lines_round_trip_and_junk_is_refused():
    point = chain.Checkpoint(utcnow().replace(microsecond=0), 42, "a" * 64)
    assert chain.read_checkpoints(["# kept on the WORM share", "", point.line()]) == [point]
    with pytest.raises(ValueError, match="not a checkpoint"):
        chain.read_checkpoints(["seq=1 hash=zz"])


def test_verify_leaves_the_callers_session_alone(events):
    user = make_user()
    verify()
    assert user in db.session  # the ORM objects of the caller are still attached


def test_personal_data_keys_are_refused_in_details():
    with pytest.raises(ValueError, match="personal data"):
        audit.record(None, "case.view", details={"bsn": "123456782"})
