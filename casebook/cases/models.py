"""Case types, status types, cases (casussen), their subjects and participating organisations."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.confidentiality import Confidentiality
from casebook.db import Base, IntEnumType, StrEnumType, utcnow
from casebook.organisations.models import District, Organisation
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


class Case(Base):
    __tablename__ = "case"
    crypto_owner_type = "case"
    __table_args__ = (Index("ix_case_type_status", "case_type_id", "status_id"),)

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
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    case_type: Mapped[CaseType] = relationship(lazy="joined")
    status: Mapped[StatusType] = relationship(lazy="joined")
    district: Mapped[District | None] = relationship(lazy="joined")
    lead_organisation: Mapped[Organisation] = relationship(foreign_keys=[lead_organisation_id], lazy="joined")
    referring_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[referring_organisation_id])
    process_coordinator: Mapped[User | None] = relationship()
    household: Mapped[Household | None] = relationship()
    subjects: Mapped[list[CaseSubject]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseSubject.id"
    )
    participants: Mapped[list[CaseParticipant]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParticipant.id"
    )

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.reference}>"

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

    case: Mapped[Case] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CaseParticipant {self.id} case={self.case_id} org={self.organisation_id}>"


class CaseReferenceCounter(Base):
    """Last reference number per year; updated in the opening transaction so numbers are gap-free."""

    __tablename__ = "case_reference_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
