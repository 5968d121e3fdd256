"""The audit hash chain: appended in order, verified, tampering detected."""

from __future__ import annotations

from sqlalchemy import text

from casebook import audit
from casebook.audit import chain
from casebook.db import db
from tests.factories import make_user


def test_events_link_into_a_verifiable_chain():
    user = make_user()
    for i in range(5):
        audit.record(user, "case.list", details={"page": i})
    result = chain.verify(db.session())
    assert result.ok and result.checked >= 5


def test_changed_content_is_detected():
    user = make_user()
    events = [audit.record(user, "case.list", details={"page": i}) for i in range(3)]
    db.session.execute(text("UPDATE audit_event SET action = 'case.view' WHERE id = :id"), {"id": events[1].id})
    db.session.expire_all()
    result = chain.verify(db.session())
    assert not result.ok and result.broken_seq == events[1].seq


def test_personal_data_keys_are_refused_in_details():
    import pytest

    with pytest.raises(ValueError, match="personal data"):
        audit.record(None, "case.view", details={"bsn": "123456782"})
