"""The audit trail for supervisors, filtered like the supervisor screens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from casebook.api.schemas.common import ApiModel, CodeFilter, PageOf, PageQuery, text
from casebook.audit.models import AuditEvent, Outcome


class AuditEventOut(ApiModel):
    seq: int = Field(description="Position in the hash chain.")
    occurred_at: datetime
    actor: str | None = Field(description="Username.")
    actor_organisation: str | None
    action: str
    object_type: str | None
    object_id: str | None = Field(description="Null when the case is shielded from you.")
    case_reference: str | None = Field(description="Null when there is no case, or the case is shielded from you.")
    case_shielded: bool = Field(description="The event concerns a case your authorisations do not cover.")
    outcome: Outcome
    request_id: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, event: AuditEvent, references: dict[int, str]) -> AuditEventOut:
        """The event as the reader may see it: a shielded one (its case not covered by the reader's
        authorisations) keeps who, what and when, never its object id or details."""
        reference = references.get(event.case_id) if event.case_id is not None else None
        shielded = event.case_id is not None and reference is None
        return cls(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor=event.actor_username,
            actor_organisation=event.actor_organisation,
            action=event.action,
            object_type=event.object_type,
            object_id=None if shielded else event.object_id,
            case_reference=reference,
            case_shielded=shielded,
            outcome=event.outcome,
            request_id=event.request_id,
            details={} if shielded else (event.details or {}),
        )


class AuditPage(PageOf[AuditEventOut]):
    """Events the supervisor may read, newest first."""


class AuditQuery(PageQuery):
    actor: text(80, min_length=0) | None = Field(None, description="Username (case-insensitive).")  # type: ignore[valid-type]
    organisation: CodeFilter | None = Field(None, description="Slug of the actor's organisation.")
    case: text(20, min_length=0) | None = Field(None, description="Case reference, e.g. `PGA-2026-00042`.")  # type: ignore[valid-type]
    action: text(64, min_length=0) | None = Field(None, description="Action code, e.g. `case.view`.")  # type: ignore[valid-type]
    outcome: Outcome | None = None
    since: date | None = Field(None, description="From this day (inclusive, Europe/Amsterdam).")
    until: date | None = Field(None, description="Up to and including this day.")
