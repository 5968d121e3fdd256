"""The weegtafel's context and work in the API: "bekend", assignment, information requests."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from casebook.api.schemas.common import ApiModel, Code, InputModel, text
from casebook.signals.context import Known
from casebook.signals.models import InformationRequest, TriageDecision


class KnownCaseOut(ApiModel):
    case: int
    reference: str
    closed: bool


class KnownHouseholdOut(ApiModel):
    household: int
    reference: str


class KnownSignalOut(ApiModel):
    signal: int
    reference: str
    received_at: datetime
    decision: TriageDecision | None


class KnownPerson(ApiModel):
    """What the caller may learn of a linked person's history (only what they may see anyway)."""

    person: int = Field(description="Person id.")
    cases: list[KnownCaseOut] = Field(description="Cases the person is a subject of that the caller may list.")
    households: list[KnownHouseholdOut]
    earlier_signals: list[KnownSignalOut] = Field(description="Other signals about the person, received earlier.")
    possibly_known_elsewhere: bool = Field(
        description="The register matched the person with one outside the caller's scope (ZVH coordinators only; "
        "always false for others). Says nothing of what or whom."
    )

    @classmethod
    def of(cls, person_id: int, known: Known) -> KnownPerson:
        return cls(
            person=person_id,
            cases=[KnownCaseOut(case=c.id, reference=c.reference, closed=c.closed) for c in known.cases],
            households=[KnownHouseholdOut(household=h.id, reference=h.reference) for h in known.households],
            earlier_signals=[
                KnownSignalOut(signal=s.id, reference=s.reference, received_at=s.received_at, decision=s.decision)
                for s in known.signals
            ],
            possibly_known_elsewhere=known.elsewhere,
        )


class InformationRequestOut(ApiModel):
    """A question to a partner organisation and its answer (decrypted for who may read it)."""

    id: int
    reference: str
    organisation: str = Field(description="Slug of the organisation asked.")
    asked_at: datetime
    question: str
    answered_at: datetime | None
    answer: str | None
    version: int

    @classmethod
    def of(cls, request: InformationRequest) -> InformationRequestOut:
        return cls(
            id=request.id,
            reference=request.reference,
            organisation=request.organisation.slug,
            asked_at=request.asked_at,
            question=str(request.question or ""),
            answered_at=request.answered_at,
            answer=str(request.answer) if request.answer is not None else None,
            version=request.version,
        )


class InformationRequestList(ApiModel):
    """The questions addressed to the caller's organisation, open ones first (never the signal)."""

    items: list[InformationRequestOut]


class AssignmentIn(InputModel):
    """Change the signal's assignment (`If-Match` required)."""

    assignee: text(80) | None = Field(  # type: ignore[valid-type]
        description="Username of a coordinator of your organisation who may weigh the signal; null to unassign."
    )


class InformationRequestIn(InputModel):
    organisation: Code = Field(description="Slug of an active partner organisation (not your own).")
    question: text(4000) = Field(description="The question; the partner sees only this.")  # type: ignore[valid-type]


class AnswerIn(InputModel):
    answer: text(10_000)  # type: ignore[valid-type]
