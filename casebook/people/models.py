"""Persons (betrokkenen) and households (gezinnen), and the register's policy data.

A person's identifying data is personal data. Callers use the attributes ``family_name``,
``given_names``, ``birth_date``, ``bsn``, ``address`` and ``phone`` only; they are stored
encrypted under the person's own data key (``casebook.crypto.store``).

A BSN identifies one person, so the register's BSN index is unique. A registration whose BSN is
already known only in cases the registering user cannot see must not tell them so; it is kept
as typed on the new person (``bsn_pending``: found by its own index, not the register's) with a
``PersonMatch`` for the ZVH to resolve ("mogelijk bekend").
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint, event, false, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from casebook.crypto.store import EncryptedText, current_keyring, register_shred_hook
from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import District, OrganisationKind
from casebook.people.blind_indexes import BSN, BSN_PENDING, person_index_entries


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
    # The BSN as typed is already the register's for a person the registering user may not see:
    # indexed apart (``bsn_pending``) so the register's BSN index stays unique; see PersonMatch.
    bsn_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "beperking van de verwerking" (AVG art. 18): the person's data are frozen while set
    processing_restricted_at: Mapped[datetime | None]

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
    # optimistic locking of the member list: adding or removing a member bumps it
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    district: Mapped[District | None] = relationship()
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )

    __mapper_args__ = {"version_id_col": version}

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


class PersonSearchIndex(Base):
    """Blind-index entries of a person (HMAC digests, never plain values): how encrypted persons are found.

    Maintained by the flush hook below whenever a person's family name, birth date or BSN
    changes, so no service can forget it; deleted with the person and when the person is shredded.
    """

    __tablename__ = "person_search_index"
    __table_args__ = (
        UniqueConstraint("person_id", "index_name", "value"),
        Index("ix_person_search_index_lookup", "index_name", "value"),
        # one person per BSN in the register (pending BSNs have an index of their own)
        Index(
            "uq_person_search_index_bsn",
            "value",
            unique=True,
            sqlite_where=text("index_name = 'bsn'"),
            postgresql_where=text("index_name = 'bsn'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    index_name: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(32))

    def __repr__(self) -> str:
        return f"<PersonSearchIndex {self.id} person={self.person_id} {self.index_name}>"


class PersonMatch(Base):
    """A registration that matched a person outside the registering user's scope ("mogelijk bekend").

    The registering user is told nothing (they get the answer of an unknown person); the ZVH
    coordinators at the weegtafel see the match and resolve it. No plain values: the kind of match
    and the two persons; the typed BSN stays encrypted on the new person (``bsn_pending``).
    """

    __tablename__ = "person_match"
    __table_args__ = (Index("ix_person_match_open", "resolved_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    matched_person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "bsn" or "name_dob" (the index that matched)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("signal.id", ondelete="SET NULL"), index=True)
    # the type of the case or signal it was registered in: who may check it depends on it
    case_type_id: Mapped[int | None] = mapped_column(ForeignKey("case_type.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    matched_person: Mapped[Person] = relationship(foreign_keys=[matched_person_id])
    case: Mapped[Any] = relationship("Case")
    case_type: Mapped[Any] = relationship("CaseType")
    created_by: Mapped[Any] = relationship("User", foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<PersonMatch {self.id} person={self.person_id} {self.kind}>"


class BsnProcessingRule(Base):
    """May organisations of this kind process the BSN? A kind without a row may not (fail closed).

    Policy data: ``casebook.access`` (``Action.PROCESS_BSN``) reads it for the screens, the API and
    handoffs alike.
    """

    __tablename__ = "bsn_processing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_kind: Mapped[OrganisationKind] = mapped_column(StrEnumType(OrganisationKind), unique=True)
    may_process: Mapped[bool]

    def __repr__(self) -> str:
        return f"<BsnProcessingRule {self.organisation_kind} {self.may_process}>"


_INDEXED_COLUMNS = ("family_name_ciphertext", "birth_date_ciphertext", "bsn_ciphertext", "bsn_pending")


def _index_inputs_changed(person: Person) -> bool:
    state = inspect(person)
    return any(state.attrs[column].history.has_changes() for column in _INDEXED_COLUMNS)


@event.listens_for(Session, "after_flush")
def _maintain_search_index(session: Session, _flush_context: Any) -> None:
    """Rewrite the index entries of persons whose indexed fields were just written.

    After the flush the person has its id and the encrypted attributes still hold the
    plain values they were written with (no decryption needed). Core statements, so no
    nested ORM flush.
    """
    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Person) and _index_inputs_changed(obj)]
    if not changed:
        return
    reindex_persons(session, changed)


def reindex_persons(session: Session, persons: list[Person]) -> None:
    """Replace the index entries of ``persons`` with those of their current values."""
    table = PersonSearchIndex.__table__
    connection = session.connection()
    connection.execute(table.delete().where(table.c.person_id.in_([person.id for person in persons])))
    keyring = current_keyring()
    rows = [
        {"person_id": person.id, "index_name": name, "value": value}
        for person in persons
        for name, value in sorted(
            person_index_entries(
                keyring,
                family_name=person.family_name,
                birth_date=person.birth_date,
                bsn=person.bsn,
                bsn_pending=bool(person.bsn_pending),
            )
        )
    ]
    _keep_the_bsn_index_unique(session, rows, {person.id: person for person in persons})
    if rows:
        connection.execute(table.insert(), rows)


def _keep_the_bsn_index_unique(session: Session, rows: list[dict[str, Any]], persons: dict[int, Person]) -> None:
    """A BSN the register already holds for another person is indexed pending, with a match.

    The services do this themselves (``people.services.create_person``, which also says where and by
    whom); this is the kernel's guarantee for every other writer (imports, the demo, benches): the
    register's BSN index stays unique and the second holder waits for the ZVH ("mogelijk bekend").
    """
    wanted = [row for row in rows if row["index_name"] == BSN]
    if not wanted:
        return
    table = PersonSearchIndex.__table__
    connection = session.connection()
    holders = dict(
        connection.execute(
            select(table.c.value, table.c.person_id).where(
                table.c.index_name == BSN,
                table.c.value.in_([row["value"] for row in wanted]),
                table.c.person_id.not_in(list(persons)),
            )
        ).all()
    )
    for row in wanted:
        holder = holders.get(row["value"])
        if holder is None:
            holders[row["value"]] = row["person_id"]  # first of this batch keeps it
            continue
        row["index_name"] = BSN_PENDING
        person = persons[row["person_id"]]
        connection.execute(Person.__table__.update().where(Person.__table__.c.id == person.id).values(bsn_pending=True))
        set_committed_value(person, "bsn_pending", True)
        connection.execute(
            PersonMatch.__table__.insert().values(person_id=person.id, matched_person_id=holder, kind=BSN)
        )


def _forget_shredded_person(session: Session, person: Any) -> None:
    """A shredded person must not stay findable: a digest still confirms a guessed BSN or name."""
    if isinstance(person, Person) and person.id is not None:
        table = PersonSearchIndex.__table__
        session.connection().execute(table.delete().where(table.c.person_id == person.id))


register_shred_hook(Person.crypto_owner_type, _forget_shredded_person)
