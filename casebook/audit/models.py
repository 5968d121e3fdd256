"""The audit event: who did or tried what to which object, when, from where, why.

Append-only and hash-chained. No foreign keys to cases or users: audit rows outlive the
objects they describe.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, StrEnumType


class Outcome(enum.StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_actor_time", "actor_user_id", "occurred_at"),
        Index("ix_audit_event_case_time", "case_id", "occurred_at"),
        Index("ix_audit_event_org_time", "actor_organisation", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)  # position in the hash chain; unique, so it cannot fork
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_user_id: Mapped[int | None]
    actor_username: Mapped[str | None] = mapped_column(String(80))
    actor_organisation: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None]
    outcome: Mapped[Outcome] = mapped_column(StrEnumType(Outcome, 16))
    reason: Mapped[str | None] = mapped_column(Text)
    client_ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} #{self.seq} {self.action} {self.outcome}>"
