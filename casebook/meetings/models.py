"""Casusoverleg: a meeting of partners, its invited organisations and persons (with who was present)
and an agenda of cases with decisions."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, utcnow
from casebook.organisations.models import Organisation
from casebook.plans.models import PlanAction


class Meeting(Base):
    """When, where and with whom: nothing about a case lives on the meeting itself, only on its items.

    ``version`` counts changes of the meeting and of its attendance (every change sets ``updated_at``,
    so the row is written and SQLAlchemy's ``version_id_col`` refuses a stale write).
    """

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    starts_at: Mapped[time | None]  # local time (Europe/Amsterdam) on ``held_on``
    ends_at: Mapped[time | None]
    location: Mapped[str | None] = mapped_column(String(200))  # a room or an address of an office
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organiser_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    minute_taker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    attendance_recorded_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    organiser: Mapped[User | None] = relationship(foreign_keys=[organiser_id])
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    minute_taker: Mapped[User | None] = relationship(foreign_keys=[minute_taker_id])
    organiser_organisation: Mapped[Organisation] = relationship(lazy="joined")
    invitations: Mapped[list[MeetingInvitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingInvitation.id"
    )
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendee.id"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="(AgendaItem.position, AgendaItem.id)"
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.held_on}>"

    @property
    def invited_organisations(self) -> list[Organisation]:
        return [i.organisation for i in self.invitations]

    @property
    def invited_persons(self) -> list[User]:
        return [a.user for a in self.attendees if a.invited]


class MeetingInvitation(Base):
    __tablename__ = "meeting_invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    present: Mapped[bool | None]  # None: attendance not recorded (yet)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class MeetingAttendee(Base):
    """A person at a meeting: invited beforehand, or only recorded as present afterwards."""

    __tablename__ = "meeting_attendee"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    invited: Mapped[bool] = mapped_column(default=True)
    present: Mapped[bool | None]  # None: attendance not recorded (yet)

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<MeetingAttendee {self.id} meeting={self.meeting_id} user={self.user_id}>"


def _case_of(item: AgendaItem) -> Case:
    return item.case


class AgendaItem(Base):
    """A case on a meeting's agenda; the decision is encrypted under the case's data key."""

    __tablename__ = "meeting_agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    decided_at: Mapped[datetime | None]
    decision_ciphertext: Mapped[bytes | None] = mapped_column("decision", LargeBinary)
    # how often the decision was recorded (0: not yet); a change names the one it amends
    decision_version: Mapped[int] = mapped_column(default=0, server_default="0")

    decision = EncryptedText("decision_ciphertext", owner=_case_of)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    actions: Mapped[list[PlanAction]] = relationship(
        primaryjoin="AgendaItem.id == foreign(PlanAction.agenda_item_id)", order_by="PlanAction.id", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} meeting={self.meeting_id} case={self.case_id}>"
