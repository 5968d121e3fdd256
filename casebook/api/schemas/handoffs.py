"""Handoffs (overdrachten) between organisations: transfer of regie, or referral."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from casebook.api.schemas.common import ApiModel, Code, InputModel, QueryModel, text
from casebook.handoffs.models import Handoff, HandoffKind, HandoffStatus, SenderActions, SenderAfterTransfer


class HandoffSummary(ApiModel):
    """Metadata only, as in the inbox; the summary is on GET /handoffs/{id}."""

    id: int
    case: int = Field(description="Case id (the receiver sees the case itself only after accepting).")
    case_reference: str
    kind: HandoffKind
    status: HandoffStatus
    sender_organisation: str
    receiver_organisation: str
    legal_basis: str = Field(description="Legal basis code.")
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None
    decided_at: datetime | None

    @classmethod
    def fields_of(cls, handoff: Handoff) -> dict:
        return {
            "id": handoff.id,
            "case": handoff.case_id,
            "case_reference": handoff.case.reference,
            "kind": handoff.kind,
            "status": handoff.shown_status,
            "sender_organisation": handoff.sender_organisation.slug,
            "receiver_organisation": handoff.receiver_organisation.slug,
            "legal_basis": handoff.legal_basis.code,
            "created_at": handoff.created_at,
            "sent_at": handoff.sent_at,
            "expires_at": handoff.expires_at,
            "decided_at": handoff.decided_at,
        }

    @classmethod
    def of(cls, handoff: Handoff) -> HandoffSummary:
        return cls(**cls.fields_of(handoff))


class HandoffOut(HandoffSummary):
    summary: str | None = Field(description="The summary written for the receiver.")
    previous_lead: SenderAfterTransfer | None = Field(description="Transfers: what the sender does afterwards.")
    person_informed: bool
    rejection_reason: str | None
    case_manager: str | None = Field(None, description="Accepted transfers: username of the casusregisseur named.")
    sender_actions: SenderActions | None = Field(
        None, description="Accepted transfers: what became of the sender's open actions."
    )

    @classmethod
    def of(cls, handoff: Handoff) -> HandoffOut:  # type: ignore[override]
        summary, reason = handoff.summary, handoff.rejection_reason
        return cls(
            **HandoffSummary.fields_of(handoff),
            summary=str(summary) if summary is not None else None,
            previous_lead=handoff.sender_after,
            person_informed=handoff.person_informed,
            rejection_reason=str(reason) if reason is not None else None,
            case_manager=handoff.new_case_manager.username if handoff.new_case_manager else None,
            sender_actions=handoff.sender_actions,
        )


class HandoffList(ApiModel):
    items: list[HandoffSummary]


class HandoffBoxQuery(QueryModel):
    box: Literal["incoming", "outgoing", "decided"] = Field(
        description="`incoming`: pending, for your organisation to decide; `outgoing`: drafts and pending sent "
        "by your organisation; `decided`: the last 50 decided.",
    )


class HandoffCreate(InputModel):
    """A coordinator of the lead sends it at once; a caseworker of the lead saves a draft for a coordinator."""

    organisation: Code = Field(description="Slug of the receiving organisation.")
    kind: HandoffKind
    summary: text(10_000) = Field(
        description="What the receiver needs to know; no BSN for receivers that may not process it."
    )  # type: ignore[valid-type]
    legal_basis: Code = Field(description="Legal basis code.")
    person_informed: bool = Field(description="Is the person concerned informed of the handoff?")
    previous_lead: SenderAfterTransfer | None = Field(None, description="Transfers only: `observer` or `leave`.")
    receiver_involvement: Literal["contributor", "observer"] | None = Field(
        None, description="Referrals only: how the receiver takes part."
    )


class AcceptIn(InputModel):
    coordinator: text(80) | None = Field(  # type: ignore[valid-type]
        None, description="Transfers: username of the new procesregisseur, a coordinator of your organisation."
    )
    case_manager: text(80) | None = Field(  # type: ignore[valid-type]
        None,
        description="Transfers: username of the new casusregisseur, a worker of your organisation; "
        "omitted: none yet (the case says one is missing).",
    )
    sender_actions: SenderActions = Field(
        SenderActions.REASSIGN,
        description="Transfers: the open plan actions of the organisation handing over are given to "
        "your organisation (`reassign`) or withdrawn with the transfer as reason (`withdraw`).",
    )


class RejectIn(InputModel):
    reason: text(10_000)  # type: ignore[valid-type]
