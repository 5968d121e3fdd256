"""Case types, status types, cases (casussen), their subjects and participating organisations."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.confidentiality import Confidentiality
from casebook.crypto.store import EncryptedText
from casebook.db import Base, IntEnumType, StrEnumType, utcnow
from casebook.organisations.models import District, Organisation, OrganisationKind
from casebook.people.models import Household, Person


class CaseType(Base):
    """Data, not an enum: the functional admin adds types; the policy authorises per type."""

    __tablename__ = "case_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    restricted: Mapped[bool] = mapped_column(default=False)
    default_confidentiality: Mapped[Confidentiality] = mapped_column(IntEnumType(Confidentiality))
    retention_period: Mapped[str] = mapped_column(String(20))  # ISO-8601 duration, e.g. "P5Y"
    active: Mapped[bool] = mapped_column(default=True)

    statuses: Mapped[list[StatusType]] = relationship(
        back_populates="case_type", order_by="StatusType.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<CaseType {self.id} {self.code}>"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


class StatusType(Base):
    """An ordered step of a case type's lifecycle (ZGW ``statustype``); one per type is the end."""

    __tablename__ = "status_type"
    __table_args__ = (
        UniqueConstraint("case_type_id", "code"),
        UniqueConstraint("case_type_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_type.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int]
    is_end: Mapped[bool] = mapped_column(default=False)

    case_type: Mapped[CaseType] = relationship(back_populates="statuses")

    def __repr__(self) -> str:
        return f"<StatusType {self.id} {self.code}>"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


def _self(obj: Case) -> Case:
    return obj


class Case(Base):
    __tablename__ = "case"
    crypto_owner_type = "case"
    __table_args__ = (
        Index("ix_case_type_status", "case_type_id", "status_id"),
        # the case list's order, newest first, with the id as tie-breaker (keyset pagination)
        Index("ix_case_opened_at_id", "opened_at", "id"),
        # the same order over open cases only: the list hides closed cases unless asked, and most
        # cases of a city are closed, so its pages and capped count read open rows only
        Index(
            "ix_case_open_opened_at_id",
            "opened_at",
            "id",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )
    crypto_owner_type = "case"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_type.id"), index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("status_type.id"), index=True)
    confidentiality: Mapped[Confidentiality] = mapped_column(IntEnumType(Confidentiality))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    referring_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    process_coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    next_evaluation_on: Mapped[date | None] = mapped_column(index=True)
    # Closing (two-step): set while a coordinator's proposal awaits a supervisor's decision.
    closure_proposed_at: Mapped[datetime | None] = mapped_column(index=True)
    # Whose supervisors decide the pending proposal (``access.rules.closure``), fixed when proposed.
    closure_approver_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("case_result.id"), index=True)
    closing_summary_ciphertext: Mapped[bytes | None] = mapped_column("closing_summary", LargeBinary)
    archive_action_on: Mapped[date | None] = mapped_column(index=True)  # archiefactiedatum
    # The dossier's short summary (probleemanalyse, hulpvraag): case content, encrypted with the case's key.
    problem_analysis_ciphertext: Mapped[bytes | None] = mapped_column("problem_analysis", LargeBinary)
    help_request_ciphertext: Mapped[bytes | None] = mapped_column("help_request", LargeBinary)
    # "beperking van de verwerking" (AVG art. 18): set while a restriction of the case or of one of
    # its subjects holds; the policy then refuses every change (casebook.access.restriction)
    processing_restricted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case_type: Mapped[CaseType] = relationship(lazy="joined")
    status: Mapped[StatusType] = relationship(lazy="joined")
    district: Mapped[District | None] = relationship(lazy="joined")
    lead_organisation: Mapped[Organisation] = relationship(foreign_keys=[lead_organisation_id], lazy="joined")
    referring_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[referring_organisation_id])
    closure_approver_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[closure_approver_organisation_id]
    )
    process_coordinator: Mapped[User | None] = relationship()
    household: Mapped[Household | None] = relationship()
    subjects: Mapped[list[CaseSubject]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseSubject.id"
    )
    participants: Mapped[list[CaseParticipant]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParticipant.id"
    )
    result: Mapped[CaseResult | None] = relationship()

    closing_summary = EncryptedText("closing_summary_ciphertext", owner=_self)
    problem_analysis = EncryptedText("problem_analysis_ciphertext", owner=_self)
    help_request = EncryptedText("help_request_ciphertext", owner=_self)

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.reference}>"

    @property
    def is_closed(self) -> bool:
        return self.status.is_end

    @property
    def active_participants(self) -> list[CaseParticipant]:
        return [p for p in self.participants if p.ended_at is None]


class SubjectRole(enum.StrEnum):
    SUBJECT = "subject"
    VICTIM = "victim"
    SUSPECT = "suspect"
    FAMILY_MEMBER = "family_member"
    OTHER = "other"


class CaseSubject(Base):
    """A person in a case, with their role in it."""

    __tablename__ = "case_subject"
    __table_args__ = (UniqueConstraint("case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[SubjectRole] = mapped_column(StrEnumType(SubjectRole))

    case: Mapped[Case] = relationship(back_populates="subjects")
    person: Mapped[Person] = relationship()


class Involvement(enum.StrEnum):
    LEAD = "lead"
    CONTRIBUTOR = "contributor"
    OBSERVER = "observer"


class CaseParticipant(Base):
    """An organisation (optionally a named user of it) taking part in a case.

    Never deleted: ending a participation sets ``ended_at`` so history stays complete and the
    policy stops granting access on the next request.
    """

    __tablename__ = "case_participant"
    __table_args__ = (
        Index("ix_case_participant_scope", "organisation_id", "ended_at", "case_id"),
        Index("ix_case_participant_user_scope", "user_id", "ended_at", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    involvement: Mapped[Involvement] = mapped_column(StrEnumType(Involvement))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Ended by closing the case: still lets the organisation (or user) see the closed case, read
    # only, and is taken up again by reopening it (``cases.closing``).
    closed_with_case: Mapped[bool] = mapped_column(default=False, server_default=false())

    case: Mapped[Case] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    def __repr__(self) -> str:
        return f"<CaseParticipant {self.id} case={self.case_id} org={self.organisation_id}>"


class CaseReferenceCounter(Base):
    """Last reference number per year; updated in the opening transaction so numbers are gap-free."""

    __tablename__ = "case_reference_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class CaseResult(Base):
    """A closing result of a case type (ZGW ``resultaattype``): data, ordered, per type."""

    __tablename__ = "case_result"
    __table_args__ = (UniqueConstraint("case_type_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_type.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    case_type: Mapped[CaseType] = relationship()

    def __repr__(self) -> str:
        return f"<CaseResult {self.id} {self.code}>"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


def _case_of(row: CaseStatusChange | CaseClosureStep) -> Case:
    return row.case


class CaseStatusChange(Base):
    """Append-only history of a case's status: who moved it, when, from where to where, and why.

    ``version`` is the case version the change produced, so a stale form can show what
    happened after the version it was loaded at.
    """

    __tablename__ = "case_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    from_status_id: Mapped[int | None] = mapped_column(ForeignKey("status_type.id"))
    to_status_id: Mapped[int] = mapped_column(ForeignKey("status_type.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int]
    reopened: Mapped[bool] = mapped_column(default=False)
    reason_ciphertext: Mapped[bytes | None] = mapped_column("reason", LargeBinary)

    reason = EncryptedText("reason_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    from_status: Mapped[StatusType | None] = relationship(foreign_keys=[from_status_id])
    to_status: Mapped[StatusType] = relationship(foreign_keys=[to_status_id])
    changed_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CaseStatusChange {self.id} case={self.case_id}>"


class ClosureStepKind(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    SENT_BACK = "sent_back"


class CaseClosureStep(Base):
    """Append-only history of the two-step closing: proposals and the supervisor's decisions."""

    __tablename__ = "case_closure_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ClosureStepKind] = mapped_column(StrEnumType(ClosureStepKind))
    result_id: Mapped[int | None] = mapped_column(ForeignKey("case_result.id"))
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int]  # the case version this step produced
    # proposed: the closing summary; sent back: the supervisor's comment. Encrypted with the case's key.
    text_ciphertext: Mapped[bytes | None] = mapped_column("text", LargeBinary)

    text = EncryptedText("text_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    result: Mapped[CaseResult | None] = relationship()
    by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CaseClosureStep {self.id} case={self.case_id} {self.kind}>"


class CaseFieldChange(Base):
    """Append-only history of edited case fields, old and new as shown (no personal data)."""

    __tablename__ = "case_field_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int]

    changed_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CaseFieldChange {self.id} case={self.case_id} {self.field}>"


class RestrictedTypeReceiverKind(Base):
    """Organisation kinds that may take part in a case of a restricted type (none listed: every
    kind with an authorised user). The policy's data (``access.rules.cases.may_take_part``), so it
    lives in the kernel; re-exported by ``casebook.handoffs.models``.
    """

    __tablename__ = "restricted_type_receiver_kind"
    __table_args__ = (UniqueConstraint("case_type_id", "organisation_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_type.id", ondelete="CASCADE"), index=True)
    organisation_kind: Mapped[OrganisationKind] = mapped_column(StrEnumType(OrganisationKind))

    case_type: Mapped[CaseType] = relationship()

    def __repr__(self) -> str:
        return f"<RestrictedTypeReceiverKind type={self.case_type_id} {self.organisation_kind}>"
