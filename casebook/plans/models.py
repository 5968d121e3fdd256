"""Plan van aanpak: goals per life domain, actions with an owner and a due date, and who directs the content.

The next evaluation date lives on the case (``Case.next_evaluation_on``). Tasks (overdue actions,
evaluations due) are queries over these rows, never stored copies.
"""

from __future__ import annotations

import enum
import uuid as uuid_module
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
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


class GoalStatus(enum.StrEnum):
    """Where a goal stands; only ``open`` goals are still being worked on."""

    OPEN = "open"
    ACHIEVED = "achieved"  # bereikt
    PARTLY_ACHIEVED = "partly_achieved"  # deels bereikt
    NOT_ACHIEVED = "not_achieved"  # niet bereikt
    WITHDRAWN = "withdrawn"  # vervallen


class ActionChangeKind(enum.StrEnum):
    """What a line of an action's history records."""

    STATUS = "status"  # the status changed (done, in progress, reopened)
    EDIT = "edit"  # description or due date changed; the old description is kept encrypted
    MOVE = "move"  # moved to another goal of the same case
    REASSIGN = "reassign"  # another owner organisation or named owner
    WITHDRAW = "withdraw"  # cancelled ("vervallen") with a reason


def _case_of(row: PlanGoal | PlanAction) -> Case:
    return row.case


def _case_of_change(row: PlanActionChange | PlanGoalChange | EvaluationGoal) -> Case:
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
    target_on: Mapped[date | None]
    status: Mapped[GoalStatus] = mapped_column(
        StrEnumType(GoalStatus), default=GoalStatus.OPEN, server_default=GoalStatus.OPEN.value
    )
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # optimistic locking: an edit names the version it was made from
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    text = EncryptedText("text_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User | None] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    actions: Mapped[list[PlanAction]] = relationship(
        back_populates="goal", order_by="(PlanAction.due_on, PlanAction.id)"
    )
    changes: Mapped[list[PlanGoalChange]] = relationship(
        back_populates="goal", order_by="PlanGoalChange.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

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
    # optimistic locking: an edit, move or status change names the version it was made from
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    description = EncryptedText("description_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    goal: Mapped[PlanGoal | None] = relationship(back_populates="actions")
    owner_organisation: Mapped[Organisation] = relationship(lazy="joined")
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    changes: Mapped[list[PlanActionChange]] = relationship(
        back_populates="action", order_by="PlanActionChange.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<PlanAction {self.id} case={self.case_id} {self.status}>"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class PlanActionChange(Base):
    """Append-only history of an action: status changes, edits, moves, reassignments, withdrawals.

    Old and new values are metadata (dates, goal and organisation ids) except the old description
    and the reason, which are free text and stored encrypted under the case's key. ``uuid`` binds
    those ciphertexts to the row; rows from before the history had text have none.
    """

    __tablename__ = "plan_action_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str | None] = mapped_column(String(36), unique=True, default=lambda: str(uuid_module.uuid4()))
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_action.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ActionChangeKind] = mapped_column(
        StrEnumType(ActionChangeKind), default=ActionChangeKind.STATUS, server_default="status"
    )
    from_status: Mapped[ActionStatus] = mapped_column(StrEnumType(ActionStatus, 16))
    to_status: Mapped[ActionStatus] = mapped_column(StrEnumType(ActionStatus, 16))
    old_due_on: Mapped[date | None]
    new_due_on: Mapped[date | None]
    from_goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="SET NULL"), index=True)
    to_goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="SET NULL"), index=True)
    from_owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    from_owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    to_owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    old_description_ciphertext: Mapped[bytes | None] = mapped_column("old_description", LargeBinary)
    reason_ciphertext: Mapped[bytes | None] = mapped_column("reason", LargeBinary)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    old_description = EncryptedText("old_description_ciphertext", owner=_case_of_change)
    reason = EncryptedText("reason_ciphertext", owner=_case_of_change)

    action: Mapped[PlanAction] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id], lazy="joined")
    from_owner_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[from_owner_organisation_id], lazy="joined"
    )
    to_owner_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[to_owner_organisation_id], lazy="joined"
    )
    from_owner_user: Mapped[User | None] = relationship(foreign_keys=[from_owner_user_id], lazy="joined")
    to_owner_user: Mapped[User | None] = relationship(foreign_keys=[to_owner_user_id], lazy="joined")

    @property
    def case(self) -> Case:
        return self.action.case

    def __repr__(self) -> str:
        return f"<PlanActionChange {self.id} action={self.action_id} {self.kind} {self.to_status}>"


class PlanGoalChange(Base):
    """Append-only history of a goal's edits. ``fields`` names what changed (comma-separated);
    the old text, when it changed, is kept encrypted under the case's key."""

    __tablename__ = "plan_goal_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    fields: Mapped[str] = mapped_column(String(120))
    from_status: Mapped[GoalStatus] = mapped_column(StrEnumType(GoalStatus))
    to_status: Mapped[GoalStatus] = mapped_column(StrEnumType(GoalStatus))
    old_target_on: Mapped[date | None]
    new_target_on: Mapped[date | None]
    from_owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    old_text_ciphertext: Mapped[bytes | None] = mapped_column("old_text", LargeBinary)
    version: Mapped[int]  # the goal version this change produced
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    old_text = EncryptedText("old_text_ciphertext", owner=_case_of_change)

    goal: Mapped[PlanGoal] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship(lazy="joined")
    from_owner_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[from_owner_organisation_id], lazy="joined"
    )
    to_owner_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[to_owner_organisation_id], lazy="joined"
    )

    @property
    def case(self) -> Case:
        return self.goal.case

    @property
    def changed_fields(self) -> list[str]:
        return [f for f in self.fields.split(",") if f]

    def __repr__(self) -> str:
        return f"<PlanGoalChange {self.id} goal={self.goal_id} {self.fields}>"


class GoalProgress(enum.StrEnum):
    """Progress on a goal since the last evaluation."""

    DECLINED = "declined"  # achteruitgang
    NONE = "none"  # geen voortgang
    SOME = "some"  # enige voortgang
    GOOD = "good"  # goede voortgang


class EvaluationDecision(enum.StrEnum):
    """What the evaluation decided for the plan."""

    CONTINUE = "continue"  # voortzetten
    ADJUST = "adjust"  # bijstellen
    STEP_DOWN = "step_down"  # afschalen
    CLOSE = "close"  # afsluiten


class EvaluationParticipant(Base):
    """An organisation that took part in an evaluation."""

    __tablename__ = "plan_evaluation_participant"

    evaluation_id: Mapped[int] = mapped_column(ForeignKey("plan_evaluation.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True, index=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Evaluation(Base):
    """An evaluation of the plan, as held: who took part, progress per goal, the decision and the
    next evaluation date it set on the case (``Case.next_evaluation_on``). Never edited: a later
    evaluation is a new record. Other participants (e.g. the person concerned) are free text and
    encrypted; organisations are metadata."""

    __tablename__ = "plan_evaluation"
    __table_args__ = (Index("ix_plan_evaluation_case_held", "case_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    held_on: Mapped[date]
    decision: Mapped[EvaluationDecision] = mapped_column(StrEnumType(EvaluationDecision))
    next_evaluation_on: Mapped[date | None]
    case_version: Mapped[int]  # the case version this evaluation produced
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    other_participants_ciphertext: Mapped[bytes | None] = mapped_column("other_participants", LargeBinary)

    other_participants = EncryptedText("other_participants_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    participants: Mapped[list[EvaluationParticipant]] = relationship(cascade="all, delete-orphan")
    goals: Mapped[list[EvaluationGoal]] = relationship(
        back_populates="evaluation", order_by="EvaluationGoal.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Evaluation {self.id} case={self.case_id} {self.held_on} {self.decision}>"


class EvaluationGoal(Base):
    """Progress on one goal at an evaluation, with a note (encrypted under the case's key)."""

    __tablename__ = "plan_evaluation_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("plan_evaluation.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    progress: Mapped[GoalProgress] = mapped_column(StrEnumType(GoalProgress))
    note_ciphertext: Mapped[bytes | None] = mapped_column("note", LargeBinary)

    note = EncryptedText("note_ciphertext", owner=_case_of_change)

    evaluation: Mapped[Evaluation] = relationship(back_populates="goals")
    goal: Mapped[PlanGoal] = relationship()

    @property
    def case(self) -> Case:
        return self.evaluation.case

    def __repr__(self) -> str:
        return f"<EvaluationGoal {self.id} evaluation={self.evaluation_id} goal={self.goal_id}>"
