"""Case resources: list items, the full case, and the input to open one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from casebook.api.schemas.common import (
    ApiModel,
    Code,
    CodeFilter,
    ConfidentialityCode,
    InputModel,
    PageOf,
    PageQuery,
    text,
)
from casebook.api.schemas.dossier import Flag, dossier_fields
from casebook.cases.models import Case, CaseParticipant, CaseSubject, Involvement, SubjectRole
from casebook.cases.search import MAX_TERM_LENGTH
from casebook.cases.sorting import SORT_COLUMNS


class CaseSummary(ApiModel):
    id: int
    reference: str = Field(examples=["PGA-2026-00042"])
    type: str = Field(description="Case type code.")
    status: str = Field(description="Status code of the case type's lifecycle.")
    confidentiality: str = Field(description="ZGW vertrouwelijkheidaanduiding code.")
    district: str | None = Field(description="District (wijk) code.")
    lead_organisation: str = Field(description="Slug of the lead organisation (regiehouder).")
    opened_at: datetime
    closed_at: datetime | None
    version: int = Field(description="Optimistic-locking version; also the ETag.")

    @classmethod
    def fields_of(cls, case: Case) -> dict:
        return {
            "id": case.id,
            "reference": case.reference,
            "type": case.case_type.code,
            "status": case.status.code,
            "confidentiality": case.confidentiality.code,
            "district": case.district.code if case.district else None,
            "lead_organisation": case.lead_organisation.slug,
            "opened_at": case.opened_at,
            "closed_at": case.closed_at,
            "version": case.version,
        }

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        return cls(**cls.fields_of(case))


class Participant(ApiModel):
    id: int
    organisation: str = Field(description="Organisation slug.")
    involvement: Involvement
    user: str | None = Field(description="Username of a named participant, or null.")
    started_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, participant: CaseParticipant) -> Participant:
        return cls(
            id=participant.id,
            organisation=participant.organisation.slug,
            involvement=participant.involvement,
            user=participant.user.username if participant.user else None,
            started_at=participant.started_at,
            ended_at=participant.ended_at,
        )


class Subject(ApiModel):
    person: int = Field(description="Person id (GET /api/v1/persons/{id}).")
    role: SubjectRole

    @classmethod
    def of(cls, subject: CaseSubject) -> Subject:
        return cls(person=subject.person_id, role=subject.role)


class PendingClosure(ApiModel):
    """A proposal to close the case, waiting for a supervisor of ``approver``."""

    proposed_at: datetime
    approver: str | None = Field(
        description="Slug of the organisation whose supervisors decide (the lead, or the fallback)."
    )


class CaseOut(CaseSummary):
    participants: list[Participant] = Field(description="All participations, former ones with `ended_at`.")
    next_evaluation_on: date | None = Field(None, description="The next evaluation of the plan; none once closed.")
    closure_pending: PendingClosure | None = Field(
        None, description="The pending proposal to close the case (POST …/closure/decision decides it), or null."
    )
    subjects: list[Subject] | None = Field(
        description="Who the case is about; null for callers who see the case's metadata only (supervisors)."
    )
    subject_count: int = Field(description="How many persons the case is about.")
    flags: list[Flag] = Field(
        description="Signaleringen set now (safety ones first): safety information, shown to every viewer."
    )
    problem_analysis: str | None = Field(
        description="Probleemanalyse; null when empty or for callers who see the case's metadata only."
    )
    help_request: str | None = Field(
        description="Hulpvraag; null when empty or for callers who see the case's metadata only."
    )

    @classmethod
    def of(cls, case: Case, *, content: bool = False, dossier: dict[str, Any] | None = None) -> CaseOut:
        """``content``: the caller may read the case's content (``Action.READ_CASE_CONTENT``);
        without it the subjects are left out, so metadata is all a supervisor can get. ``dossier``:
        what ``cases.summary_flags.summary_flags_for`` let the caller see (the summary only for content)."""
        return cls(
            **CaseSummary.fields_of(case),
            participants=[Participant.of(p) for p in case.participants],
            next_evaluation_on=case.next_evaluation_on,
            closure_pending=(
                PendingClosure(
                    proposed_at=case.closure_proposed_at,
                    approver=case.closure_approver_organisation.slug if case.closure_approver_organisation else None,
                )
                if case.closure_proposed_at is not None
                else None
            ),
            subjects=[Subject.of(s) for s in case.subjects] if content else None,
            subject_count=len(case.subjects),
            **dossier_fields(dossier),
        )


class CasePage(PageOf[CaseSummary]):
    """A page of cases the caller may see."""


class CaseListQuery(PageQuery):
    type: CodeFilter | None = Field(None, description="Case type code.")
    status: CodeFilter | None = Field(
        None,
        description=(
            "`open` (default: cases not closed), `closed`, `all`, or a status code of a lifecycle "
            "(then open and closed cases in that step)."
        ),
    )
    district: CodeFilter | None = Field(None, description="District code.")
    organisation: CodeFilter | None = Field(None, description="Slug of an organisation taking part (currently).")
    mine: bool | None = Field(
        None,
        description="Only the caller's own cases: procesregisseur, casusregisseur, named participant or owner "
        "of an open action.",
    )
    q: text(MAX_TERM_LENGTH, min_length=0) | None = Field(  # type: ignore[valid-type]
        None,
        description=(
            "A case reference in any spelling (`PGA-2026-00049`, `pga-2026-49`, `2026-49`; a year alone gives "
            "that year's cases) or (part of) a subject's family name, found through the blind index (`Khatib` "
            "finds `El Khatib`); needs the right to read case content. A BSN is refused (422): search persons "
            "by BSN with `GET /api/v1/persons?bsn=`. The term is never logged or audited (only its kind)."
        ),
    )
    sort: str | None = Field(
        None,
        max_length=32,
        description="A column, `-` first for descending: "
        + ", ".join(f"`{c}`" for c in SORT_COLUMNS)
        + ". Default `-opened_at` (newest first). Cursors are bound to the sort.",
        json_schema_extra={"enum": [c for column in SORT_COLUMNS for c in (column, "-" + column)]},
    )


class CaseCreate(InputModel):
    """Open a case led by the caller's organisation, in its type's first status.

    Codes are reference data: a well-formed code that does not exist is a 422 with `unknown_code`.
    """

    type: Code = Field(description="Case type code (active types only).")
    district: Code | None = Field(None, description="District code.")
    confidentiality: ConfidentialityCode | None = Field(None, description="Default: the case type's default.")
    referring_organisation: Code | None = Field(None, description="Slug of the partner that brought the case in.")
