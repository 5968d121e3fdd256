"""Assertions shared by tests."""

from __future__ import annotations

from sqlalchemy import select

from casebook import audit
from casebook.audit.models import AuditEvent
from casebook.db import db


def audit_events(action: str | None = None, **filters) -> list[AuditEvent]:
    """The chained events matching ``filters``, in seq order — the test's own in-flight ones
    included (sealed first: record() chains at commit)."""
    audit.seal_pending()
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        query = query.where(AuditEvent.action == action)
    for name, value in filters.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def last_event(action: str | None = None, **filters) -> AuditEvent:
    events = audit_events(action, **filters)
    assert events, f"no audit event {action!r} {filters}"
    return events[-1]
