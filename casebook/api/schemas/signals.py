"""Signals (meldingen) and their triage at the weegtafel."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from casebook.api.schemas.common import ApiModel, Code, InputModel, PageOf, PageQuery, text
from casebook.api.schemas.weegtafel import InformationRequestOut, KnownPerson
from casebook.auth.models import User
from casebook.cases.models import SubjectRole
from casebook.signals.context import Known
from casebook.signals.models import Channel, InformationRequest, Signal, TriageDecision
from casebook.signals.services import view_for


class SignalPerson(ApiModel):
    person: int = Field(description="Person id.")
    role: SubjectRole


class SignalOut(ApiModel):
    id: int
    reference: str
    channel: Channel
    source_organisation: str = Field(description="Slug of the organisation the signal came from.")
    case_type: str
    district: str | None
    description: str | None
    subject_informed: bool
    received_at: datetime
    persons: list[SignalPerson] = Field(
        description="The persons linked to the signal that the caller may see (or linked, or weighs)."
    )
    triaged_at: datetime | None
    decision: TriageDecision | None
    case: int | None = Field(description="Id of the case opened at triage, if any and the caller may see it.")
    working_days: int | None = Field(None, description="Age in working days (queue only).")
    overdue: bool | None = Field(None, description="Older than the allowed working days (queue only).")
    version: int = Field(description="Changes with every change; send it back as `If-Match`.")
    assigned_to: str | None = Field(description="Username of the coordinator the signal is assigned to.")
    waiting_for_information: bool = Field(
        description="An information request to a partner is open: the working-day clock stands still."
    )
    known: list[KnownPerson] | None = Field(
        None, description='Per linked person, what is known of them ("bekend"), for who weighs the signal.'
    )
    information_requests: list[InformationRequestOut] | None = Field(
        None, description="Questions to partners and their answers (one signal, for who weighs it)."
    )

    @classmethod
    def of(
        cls,
        signal: Signal,
        viewer: User,
        *,
        working_days: int | None = None,
        overdue: bool | None = None,
        known: dict[int, Known] | None = None,
        requests: list[InformationRequest] | None = None,
    ) -> SignalOut:
        """``signal`` as ``viewer`` may see it: the same ``signals.view_for`` as the signal page."""
        view = view_for(viewer, signal)
        description = signal.description
        return cls(
            id=signal.id,
            reference=signal.reference,
            channel=signal.channel,
            source_organisation=signal.source_organisation.slug,
            case_type=signal.case_type.code,
            district=signal.district.code if signal.district else None,
            description=str(description) if description is not None else None,
            subject_informed=signal.subject_informed,
            received_at=signal.received_at,
            persons=[SignalPerson(person=sp.person_id, role=sp.role) for sp in view.persons],
            triaged_at=signal.triaged_at,
            decision=signal.decision,
            case=view.case.id if view.case is not None else None,
            working_days=working_days,
            overdue=overdue,
            version=signal.version,
            assigned_to=signal.assigned_to.username if signal.assigned_to else None,
            waiting_for_information=signal.is_waiting,
            known=None if known is None else [KnownPerson.of(p, k) for p, k in known.items()],
            information_requests=None if requests is None else [InformationRequestOut.of(r) for r in requests],
        )


class SignalPage(PageOf[SignalOut]):
    """Untriaged signals, oldest first (the weegtafel's queue)."""


class SignalCreate(InputModel):
    source_organisation: Code = Field(description="Slug of an active organisation.")
    channel: Channel
    case_type: Code = Field(description="Code of an active case type.")
    district: Code | None = None
    description: text(20_000) = Field(description="What was signalled.")  # type: ignore[valid-type]
    subject_informed: bool = Field(description="Was the person concerned informed?")
    not_informed_reason: text(2000, min_length=0) | None = Field(None, description="Required when not informed.")  # type: ignore[valid-type]


class TriageIn(InputModel):
    """The four inclusion criteria and one decision with a reason. `open_case` needs (a ∧ b ∧ c) ∨ d,
    a lead organisation, its procesregisseur, and persons linked to the signal (on the screens)."""

    criterion_a: bool = Field(description="Problems on several life domains leading to crime, nuisance or decline.")
    criterion_b: bool = Field(description="Several chains needed.")
    criterion_c: bool = Field(description="Impact on the family or surroundings.")
    criterion_d: bool = Field(description="A serious local safety problem.")
    decision: TriageDecision
    reason: text(10_000)  # type: ignore[valid-type]
    lead_organisation: Code | None = Field(None, description="`open_case`: slug of the lead organisation.")
    process_coordinator: text(80) | None = Field(None, description="`open_case`: username of its coordinator.")  # type: ignore[valid-type]
    referred_to: Code | None = Field(None, description="`refer`: slug of the organisation referred to.")


class SignalQuery(PageQuery):
    """Page through the queue, filtered as on the weegtafel's screen."""

    source: Code | None = Field(None, description="Slug of the source organisation.")
    district: Code | None = Field(None, description="Code of the wijk.")
    overdue: bool | None = Field(None, description="Only signals older than the allowed working days.")
    mine: bool | None = Field(None, description="Only signals assigned to the caller.")
