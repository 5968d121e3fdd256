"""Plan van aanpak: goals per life domain, actions with an owner and a due date, and who directs the content.

The next evaluation date lives on the case (``Case.next_evaluation_on``). Tasks (overdue actions,
evaluations due) are queries over these rows, never stored copies.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import Organisation


class LifeDomain(enum.StrEnum):
    """The leefgebieden of the plan, in the order the plan shows them."""

    HOUSING = "housing"
    FINANCES = "finances"
    WORK = "work"
    EDUCATION = "education"
    HEALTH = "health"
    FAMILY = "family"
    JUSTICE = "justice"
    NETWORK_SAFETY = "network_safety"


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def _case_of(row: PlanGoal | PlanAction) -> Case:
    return row.case


class CasePlan(Base):
    """Who directs the content of the help (casusregisseur, a partner's worker); one per case.

    The process is directed by the case's procesregisseur (``Case.process_coordinator``).
    """

    __tablename__ = "case_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    case_manager: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<CasePlan {self.id} case={self.case_id}>"


class PlanGoal(Base):
    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    domain: Mapped[LifeDomain] = mapped_column(StrEnumType(LifeDomain))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    text_ciphertext: Mapped[bytes] = mapped_column("text", LargeBinary)

    text = EncryptedText("text_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User | None] = relationship()
    actions: Mapped[list[PlanAction]] = relationship(
        back_populates="goal", order_by="(PlanAction.due_on, PlanAction.id)"
    )

    def __repr__(self) -> str:
        return f"<PlanGoal {self.id} case={self.case_id} {self.domain}>"


class PlanAction(Base):
    """An agreed action. ``case_id`` is kept on the row so task queries scope without the goal."""

    __tablename__ = "plan_action"
    __table_args__ = (
        Index("ix_plan_action_tasks", "status", "due_on"),
        Index("ix_plan_action_owner", "owner_organisation_id", "owner_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_agenda_item.id", ondelete="SET NULL"), index=True
    )
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_on: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(StrEnumType(ActionStatus, 16), default=ActionStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    description_ciphertext: Mapped[bytes] = mapped_column("description", LargeBinary)

    description = EncryptedText("description_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    goal: Mapped[PlanGoal | None] = relationship(back_populates="actions")
    owner_organisation: Mapped[Organisation] = relationship(lazy="joined")
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    changes: Mapped[list[PlanActionChange]] = relationship(
        back_populates="action", order_by="PlanActionChange.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<PlanAction {self.id} case={self.case_id} {self.status}>"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class PlanActionChange(Base):
    """Append-only history of an action's status, for the case timeline."""

    __tablename__ = "plan_action_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_action.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[ActionStatus] = mapped_column(StrEnumType(ActionStatus, 16))
    to_status: Mapped[ActionStatus] = mapped_column(StrEnumType(ActionStatus, 16))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[PlanAction] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<PlanActionChange {self.id} action={self.action_id} {self.to_status}>"
