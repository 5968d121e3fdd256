"""Casusoverleg: a meeting of partners, its invited organisations and an agenda of cases with decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, utcnow
from casebook.organisations.models import Organisation
from casebook.plans.models import PlanAction


class Meeting(Base):
    """Title and date only: nothing personal lives on the meeting itself, only on its items."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organiser_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organiser: Mapped[User | None] = relationship()
    organiser_organisation: Mapped[Organisation] = relationship(lazy="joined")
    invitations: Mapped[list[MeetingInvitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingInvitation.id"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="(AgendaItem.position, AgendaItem.id)"
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.held_on}>"

    @property
    def invited_organisations(self) -> list[Organisation]:
        return [i.organisation for i in self.invitations]


class MeetingInvitation(Base):
    __tablename__ = "meeting_invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


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
