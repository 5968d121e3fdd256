"""Upgrading a chain written before the chain key: the re-anchoring event and its verification.

An unkeyed chain (``chain.compute_hash``, reasons hashed in) is built as an older version left
it; the first keyed append re-anchors; ``verify`` checks each part with its own rule.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casebook import audit
from casebook.audit import chain
from casebook.audit.models import AuditEvent, UnkeyedEventReason
from casebook.db import db, utcnow
from tests.audit.tamper import tamper, triggers_bypassed, verify
from tests.factories import make_user


def _unkeyed_chain(count: int, reasons: dict[int, str] | None = None) -> list[AuditEvent]:
    """``count`` events hashed with the old unkeyed rule on an empty trail; ``reasons`` by seq."""
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
    reasons = reasons or {}
    prev, made = chain.GENESIS_HASH, []
    with triggers_bypassed():
        for seq in range(1, count + 1):
            event = AuditEvent(
                seq=seq,
                occurred_at=utcnow(),
                actor_username="old.version",
                action="case.view",
                outcome="allowed",
                details={"n": seq},
                prev_hash=prev,
            )
            event.hash = chain.compute_hash(prev, event, reasons.get(seq))
            db.session.add(event)
            if seq in reasons:
                db.session.add(UnkeyedEventReason(seq=seq, reason=reasons[seq]))
            db.session.flush()
            prev = event.hash
            made.append(event)
    return made


@pytest.fixture
def upgraded():
    """Three unkeyed events (one with a reason), then two written by this version."""
    old = _unkeyed_chain(3, reasons={2: "oude reden met BSN 999996873"})
    user = make_user()
    new = [audit.record(user, "case.list", details={"page": i}) for i in range(2)]
    db.session.commit()  # the commit chains them, re-anchoring first
    return old, new


def test_an_unanchored_unkeyed_chain_is_refused():
    _unkeyed_chain(3)
    result = verify()
    assert not result.ok and "without a re-anchoring event" in result.problem


def test_the_first_keyed_append_re_anchors_and_the_whole_chain_verifies(upgraded):
    old, new = upgraded
    anchor = db.session.scalar(select(AuditEvent).where(AuditEvent.action == chain.REANCHOR_ACTION))
    assert anchor.seq == 4 and new[0].seq == 5
    assert anchor.details == {"unkeyed_seq": 3, "unkeyed_hash": old[-1].hash}
    assert anchor.hash == chain.compute_mac(audit.chain_key(), old[-1].hash, anchor)
    result = verify()
    assert result.ok, result.describe()
    assert (
        result.anchor_seq == 4 and result.checked == 6 and "unkeyed before re-anchoring event #4" in result.describe()
    )
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == chain.REANCHOR_ACTION)) == 1


def test_reanchor_command_step_is_idempotent():
    _unkeyed_chain(2)
    first = chain.reanchor(db.session(), audit.chain_key())
    assert first is not None and first.seq == 3
    assert chain.reanchor(db.session(), audit.chain_key()) is None
    assert verify().ok


def test_tampering_before_the_anchor_is_detected(upgraded):
    old, _ = upgraded
    tamper("UPDATE audit_event SET actor_username = 'mallory' WHERE id = :id", id=old[0].id)
    result = verify()
    assert not result.ok and result.broken_seq == 1 and result.problem == "content changed"


def test_a_changed_unkeyed_reason_is_detected(upgraded):
    db.session.scalar(select(UnkeyedEventReason).where(UnkeyedEventReason.seq == 2)).reason = "iets anders"
    db.session.flush()
    db.session.expire_all()
    result = verify()
    assert not result.ok and result.broken_seq == 2


def test_tampering_after_the_anchor_is_detected(upgraded):
    _, new = upgraded
    tamper("UPDATE audit_event SET details = :d WHERE id = :id", d='{"page": 7}', id=new[1].id)
    result = verify()
    assert not result.ok and result.broken_seq == new[1].seq and result.problem == "content changed"


def test_an_unkeyed_event_after_the_anchor_is_refused(upgraded):
    _, new = upgraded
    forged = AuditEvent(
        seq=new[-1].seq + 1,
        occurred_at=utcnow(),
        action="case.view",
        outcome="allowed",
        details={},
        prev_hash=new[-1].hash,
    )
    forged.hash = chain.compute_hash(new[-1].hash, forged)
    with triggers_bypassed():
        db.session.add(forged)
        db.session.flush()
    result = verify()
    assert not result.ok and result.broken_seq == forged.seq and "unkeyed" in result.problem


def test_deleting_the_keyed_part_is_detected(upgraded):
    """The downgrade attack: drop the anchor and everything after, leaving a valid unkeyed chain."""
    tamper("DELETE FROM audit_event WHERE seq >= 4")
    result = verify()
    assert not result.ok and "without a re-anchoring event" in result.problem


def test_a_second_anchor_is_refused(upgraded):
    _, new = upgraded
    second = chain.reanchor_event(new[-1].seq, new[-1].hash)
    second.seq, second.prev_hash = new[-1].seq + 1, new[-1].hash
    second.hash = chain.compute_mac(audit.chain_key(), new[-1].hash, second)
    with triggers_bypassed():
        db.session.add(second)
        db.session.flush()
    result = verify()
    assert not result.ok and result.broken_seq == second.seq and "second re-anchoring" in result.problem


def test_an_anchor_that_does_not_name_its_predecessor_is_refused():
    old = _unkeyed_chain(2)
    anchor = chain.reanchor_event(1, old[0].hash)  # claims a shorter unkeyed part
    anchor.seq, anchor.prev_hash = 3, old[-1].hash
    anchor.hash = chain.compute_mac(audit.chain_key(), old[-1].hash, anchor)
    db.session.add(anchor)
    db.session.flush()
    result = verify()
    assert not result.ok and result.broken_seq == 3 and "does not name" in result.problem
