"""Requests of persons concerned (AVG art. 15–17, 21), rectifications of person data, restrictions.

A request names the person it is about when the register holds them (``person_id``); what the
requester gave to be found by (BSN, or name and birth date) is kept encrypted on the request
itself, so a request for a BSN the register does not hold is answered too ("niet bekend").
Free text (the request's description, an extension's reason, a rectification's reason and old
value) is encrypted: a request under its own key, a rectification under the person's key, so
shredding the person shreds their history with them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType, utcnow
from casebook.people.models import Person


class RequestKind(enum.StrEnum):
    ACCESS = "inzage"  # art. 15
    RECTIFICATION = "rectificatie"  # art. 16
    ERASURE = "verwijdering"  # art. 17
    RESTRICTION = "beperking"  # art. 18
    OBJECTION = "bezwaar"  # art. 21


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"  # afgehandeld
    REJECTED = "rejected"  # afgewezen (with the reason in the outcome)


def _self(row: object) -> object:
    return row


class SubjectRequest(Base):
    __tablename__ = "subject_request"
    __table_args__ = (Index("ix_subject_request_open_due", "status", "due_on"),)
    crypto_owner_type = "subject_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[RequestKind] = mapped_column(StrEnumType(RequestKind))
    status: Mapped[RequestStatus] = mapped_column(StrEnumType(RequestStatus), default=RequestStatus.OPEN)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    # what the requester gave to be found by, as typed (encrypted): the answer for an unknown BSN says so
    given_bsn_ciphertext: Mapped[bytes | None] = mapped_column("given_bsn", LargeBinary)
    given_name_ciphertext: Mapped[bytes | None] = mapped_column("given_name", LargeBinary)
    given_birth_date_ciphertext: Mapped[bytes | None] = mapped_column("given_birth_date", LargeBinary)
    description_ciphertext: Mapped[bytes | None] = mapped_column("description", LargeBinary)
    received_on: Mapped[date]
    due_on: Mapped[date]  # received + one month (art. 12(3))
    extended_due_on: Mapped[date | None]  # at most two months more, with a reason
    extension_reason_ciphertext: Mapped[bytes | None] = mapped_column("extension_reason", LargeBinary)
    extended_at: Mapped[datetime | None]
    outcome_ciphertext: Mapped[bytes | None] = mapped_column("outcome", LargeBinary)
    completed_at: Mapped[datetime | None]
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person | None] = relationship()
    registered_by: Mapped[User | None] = relationship()

    given_bsn = EncryptedText("given_bsn_ciphertext", owner=_self)
    given_name = EncryptedText("given_name_ciphertext", owner=_self)
    given_birth_date = EncryptedText(
        "given_birth_date_ciphertext", owner=_self, encode=date.isoformat, decode=date.fromisoformat
    )
    description = EncryptedText("description_ciphertext", owner=_self)
    extension_reason = EncryptedText("extension_reason_ciphertext", owner=_self)
    outcome = EncryptedText("outcome_ciphertext", owner=_self)

    def __repr__(self) -> str:
        return f"<SubjectRequest {self.id} {self.reference} {self.kind}>"

    @property
    def deadline(self) -> date:
        """The date the answer is due: the extended one once extended."""
        return self.extended_due_on or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status is RequestStatus.OPEN


def _person_of(row: PersonRectification) -> Person:
    return row.person


class PersonRectification(Base):
    """One corrected field of a person: who, when, why, and the old value (encrypted, person's key)."""

    __tablename__ = "person_rectification"
    __table_args__ = (Index("ix_person_rectification_person_time", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("subject_request.id", ondelete="SET NULL"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value_ciphertext: Mapped[bytes | None] = mapped_column("old_value", LargeBinary)
    reason_ciphertext: Mapped[bytes | None] = mapped_column("reason", LargeBinary)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    by: Mapped[User | None] = relationship()
    request: Mapped[SubjectRequest | None] = relationship()

    old_value = EncryptedText("old_value_ciphertext", owner=_person_of)
    reason = EncryptedText("reason_ciphertext", owner=_person_of)

    def __repr__(self) -> str:
        return f"<PersonRectification {self.id} person={self.person_id} {self.field}>"


class ProcessingRestriction(Base):
    """A "beperking van de verwerking" of a person or a case, from its start until it is lifted.

    The flag the policy reads is ``processing_restricted_at`` on the case or person (no statement
    of its own on every page); these rows are its history and say which restrictions still hold it.
    """

    __tablename__ = "processing_restriction"
    crypto_owner_type = "restriction"  # data_key.owner_type holds at most 20 characters

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("subject_request.id", ondelete="SET NULL"), index=True)
    reason_ciphertext: Mapped[bytes | None] = mapped_column("reason", LargeBinary)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lift_reason_ciphertext: Mapped[bytes | None] = mapped_column("lift_reason", LargeBinary)

    person: Mapped[Person | None] = relationship()
    case: Mapped[Case | None] = relationship()
    request: Mapped[SubjectRequest | None] = relationship()

    reason = EncryptedText("reason_ciphertext", owner=_self)
    lift_reason = EncryptedText("lift_reason_ciphertext", owner=_self)

    def __repr__(self) -> str:
        target = f"person={self.person_id}" if self.person_id else f"case={self.case_id}"
        return f"<ProcessingRestriction {self.id} {target}>"
