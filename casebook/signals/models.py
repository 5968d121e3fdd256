"""Signals (meldingen) and their triage at the weegtafel.

A signal is never silently kept: it waits in the coordinators' queue until it is triaged with
the ZVH inclusion criteria and a decision. Its description and free-text reasons are encrypted
under the signal's own data key (the signal exists before, and independent of, any case).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case, CaseType, SubjectRole
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import District, Organisation
from casebook.people.models import Person


class Channel(enum.StrEnum):
    PARTNER = "partner"
    POLICE = "police"
    VEILIG_THUIS = "veilig_thuis"
    MELD_MISDAAD_ANONIEM = "meld_misdaad_anoniem"
    RESIDENT = "resident"
    SCHOOL = "school"
    OTHER = "other"


class TriageDecision(enum.StrEnum):
    OPEN_CASE = "open_case"
    ADVICE = "advice"
    REFER = "refer"
    NO_ACTION = "no_action"


def _self(signal: Signal) -> Signal:
    return signal


class Signal(Base):
    __tablename__ = "signal"
    __table_args__ = (Index("ix_signal_queue", "triaged_at", "received_at"),)
    crypto_owner_type = "signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    source_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel))
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_type.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    description_ciphertext: Mapped[bytes | None] = mapped_column("description", LargeBinary)
    subject_informed: Mapped[bool]  # betrokkene geïnformeerd
    not_informed_reason_ciphertext: Mapped[bytes | None] = mapped_column("not_informed_reason", LargeBinary)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    # triage (weegtafel): all set together, once
    triaged_at: Mapped[datetime | None]
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    criterion_a: Mapped[bool | None]  # several life domains leading to crime, nuisance or decline
    criterion_b: Mapped[bool | None]  # several chains needed (at least dwang and drang)
    criterion_c: Mapped[bool | None]  # impact on the family system or surroundings
    criterion_d: Mapped[bool | None]  # serious local safety problem
    decision: Mapped[TriageDecision | None] = mapped_column(StrEnumType(TriageDecision))
    decision_reason_ciphertext: Mapped[bytes | None] = mapped_column("decision_reason", LargeBinary)
    referred_to_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)

    # the weegtafel's work on it: who picks it up, and its working-day clock, which stands still
    # while information is awaited from partners (``casebook.signals.clock``)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    clock_origin_on: Mapped[date | None]  # after a pause the clock counts from here (None: the day received)
    clock_paused_at: Mapped[datetime | None]  # set while an information request is open
    clock_paused_age: Mapped[int | None]  # the working days on the clock when it was paused
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    description = EncryptedText("description_ciphertext", owner=_self)
    not_informed_reason = EncryptedText("not_informed_reason_ciphertext", owner=_self)
    decision_reason = EncryptedText("decision_reason_ciphertext", owner=_self)

    source_organisation: Mapped[Organisation] = relationship(foreign_keys=[source_organisation_id], lazy="joined")
    case_type: Mapped[CaseType] = relationship(lazy="joined")
    district: Mapped[District | None] = relationship(lazy="joined")
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    triaged_by: Mapped[User | None] = relationship(foreign_keys=[triaged_by_id])
    referred_to: Mapped[Organisation | None] = relationship(foreign_keys=[referred_to_id])
    case: Mapped[Case | None] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    persons: Mapped[list[SignalPerson]] = relationship(
        back_populates="signal", cascade="all, delete-orphan", order_by="SignalPerson.id"
    )
    information_requests: Mapped[list[InformationRequest]] = relationship(
        back_populates="signal", cascade="all, delete-orphan", order_by="InformationRequest.id"
    )

    def __repr__(self) -> str:
        return f"<Signal {self.id}>"

    @property
    def reference(self) -> str:
        return self.reference_of(self.id, self.received_at)

    @staticmethod
    def reference_of(signal_id: int, received_at: datetime) -> str:
        return f"MLD-{received_at.year}-{signal_id:05d}"

    @property
    def is_triaged(self) -> bool:
        return self.triaged_at is not None

    @property
    def is_waiting(self) -> bool:
        """Waiting for information from a partner ("wacht op informatie"): the clock stands still."""
        return self.clock_paused_at is not None


class SignalPerson(Base):
    """A person the signal is about, with the role they would have in a case."""

    __tablename__ = "signal_person"
    __table_args__ = (UniqueConstraint("signal_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signal.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[SubjectRole] = mapped_column(StrEnumType(SubjectRole))
    # who linked the person: they keep seeing them on the signal (None: linked before this was kept)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    signal: Mapped[Signal] = relationship(back_populates="persons")
    person: Mapped[Person] = relationship()
    linked_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<SignalPerson {self.id} signal={self.signal_id}>"


def _signal_of(request: InformationRequest) -> Signal:
    return request.signal


class InformationRequest(Base):
    """A question of the weegtafel to one partner organisation about a signal, and its answer.

    Question and answer are encrypted under the signal's data key. The partner sees the question
    only (``casebook.access.rules.signal_requests``), never the signal itself.
    """

    __tablename__ = "signal_information_request"
    __table_args__ = (Index("ix_signal_information_request_inbox", "organisation_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    signal_id: Mapped[int] = mapped_column(ForeignKey("signal.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    question_ciphertext: Mapped[bytes | None] = mapped_column("question", LargeBinary)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answer_ciphertext: Mapped[bytes | None] = mapped_column("answer", LargeBinary)
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    question = EncryptedText("question_ciphertext", owner=_signal_of)
    answer = EncryptedText("answer_ciphertext", owner=_signal_of)

    signal: Mapped[Signal] = relationship(back_populates="information_requests")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    def __repr__(self) -> str:
        return f"<InformationRequest {self.id} signal={self.signal_id}>"

    @property
    def reference(self) -> str:
        """The request's own reference: it names no signal (the partner does not see the signal)."""
        return f"VRG-{self.asked_at.year}-{self.id:05d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
