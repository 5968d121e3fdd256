"""Persons (betrokkenen) and households (gezinnen).

A person's identifying data is personal data. Callers use the attributes ``family_name``,
``given_names``, ``birth_date``, ``bsn``, ``address`` and ``phone`` only; they are stored
encrypted under the person's own data key (``casebook.crypto.store``).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.crypto.store import EncryptedText
from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import District


def new_uuid() -> str:
    return str(uuid.uuid4())


def _self(person: Person) -> Person:
    return person


class Person(Base):
    __tablename__ = "person"
    crypto_owner_type = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    family_name_ciphertext: Mapped[bytes | None] = mapped_column("family_name", LargeBinary)
    given_names_ciphertext: Mapped[bytes | None] = mapped_column("given_names", LargeBinary)
    birth_date_ciphertext: Mapped[bytes | None] = mapped_column("birth_date", LargeBinary)
    bsn_ciphertext: Mapped[bytes | None] = mapped_column("bsn", LargeBinary)
    address_ciphertext: Mapped[bytes | None] = mapped_column("address", LargeBinary)
    phone_ciphertext: Mapped[bytes | None] = mapped_column("phone", LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    family_name = EncryptedText("family_name_ciphertext", owner=_self)
    given_names = EncryptedText("given_names_ciphertext", owner=_self)
    birth_date = EncryptedText("birth_date_ciphertext", owner=_self, encode=date.isoformat, decode=date.fromisoformat)
    bsn = EncryptedText("bsn_ciphertext", owner=_self)
    address = EncryptedText("address_ciphertext", owner=_self)
    phone = EncryptedText("phone_ciphertext", owner=_self)

    memberships: Mapped[list[HouseholdMember]] = relationship(back_populates="person")

    def __repr__(self) -> str:  # never personal data
        return f"<Person {self.id}>"

    @property
    def full_name(self) -> str:
        return f"{self.given_names or ''} {self.family_name or ''}".strip()


class Household(Base):
    """A gezin/huishouden. Named by reference only: a family name would be personal data."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    district: Mapped[District | None] = relationship()
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.reference}>"


class HouseholdRelation(enum.StrEnum):
    PARENT = "parent"
    CHILD = "child"
    PARTNER = "partner"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    OTHER = "other"


class HouseholdMember(Base):
    __tablename__ = "household_member"
    __table_args__ = (UniqueConstraint("household_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    relation: Mapped[HouseholdRelation] = mapped_column(StrEnumType(HouseholdRelation))

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(back_populates="memberships")
