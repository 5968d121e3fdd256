"""The audit event: who did or tried what to which object, when, from where.

Append-only and chained under a key (``casebook.audit.chain``). No foreign keys to cases or users:
audit rows outlive the objects they describe. Nothing a user typed is stored here: the *why* of
an action (a break-the-glass reason, a review note) lives encrypted on the row the event
references in ``details`` (e.g. ``{"grant_id": 17}``), where it can be read under the policy and
shredded with its case; the chain itself can never be shredded.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType


class Outcome(enum.StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    ERROR = "error"


class AuditEvent(Base):
    __tablename__ = "audit_event"
    # The trail is searched by user, by case, by organisation and by time, newest first: each index
    # ends in (occurred_at, id), the order the searches page in.
    __table_args__ = (
        Index("ix_audit_event_time", "occurred_at", "id"),
        Index("ix_audit_event_actor_time", "actor_user_id", "occurred_at", "id"),
        Index("ix_audit_event_case_time", "case_id", "occurred_at", "id"),
        Index("ix_audit_event_org_time", "actor_organisation", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Position in the hash chain; unique, so it cannot fork. Also the insert sentinel: the chain sets
    # it before the INSERT, so a commit's events go in as one multi-row INSERT on SQLite as well.
    seq: Mapped[int] = mapped_column(unique=True, insert_sentinel=True)
    occurred_at: Mapped[datetime]
    actor_user_id: Mapped[int | None]
    actor_username: Mapped[str | None] = mapped_column(String(80))
    actor_organisation: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None]
    outcome: Mapped[Outcome] = mapped_column(StrEnumType(Outcome, 16))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} #{self.seq} {self.action} {self.outcome}>"


class UnkeyedEventReason(Base):
    """The free-text reason an event from before the chain key was hashed with, moved out of
    ``audit_event`` and encrypted (``casebook audit move-free-text``).

    ``verify`` needs it to recompute the unkeyed hash of that event. Each row is its own
    encryption owner, so one reason can be shredded (that event then no longer verifies, and
    ``verify`` says so) without touching the rest of the trail.
    """

    __tablename__ = "audit_unkeyed_reason"
    crypto_owner_type = "audit_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    seq: Mapped[int] = mapped_column(unique=True)  # the event's position in the chain
    reason_ciphertext: Mapped[bytes | None] = mapped_column("reason", LargeBinary)

    reason = EncryptedText("reason_ciphertext", owner=lambda row: row)

    def __repr__(self) -> str:
        return f"<UnkeyedEventReason {self.id} #{self.seq}>"
