"""Steering the plan through the API: goal and action changes with their history, moves, evaluations."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from casebook.api.schemas.casework import ActionOut, GoalOut, Username
from casebook.api.schemas.common import ApiModel, Code, Id, InputModel
from casebook.api.schemas.common import text as bounded
from casebook.plans.models import (
    ActionChangeKind,
    ActionStatus,
    Evaluation,
    EvaluationDecision,
    GoalProgress,
    GoalStatus,
    PlanAction,
    PlanActionChange,
    PlanGoal,
    PlanGoalChange,
)

PlanText = bounded(4000)


class GoalChangeOut(ApiModel):
    changed_at: datetime
    changed_by: str | None = Field(description="Username; null for a change made by the system.")
    fields: list[str] = Field(description="What changed: `text`, `target_on`, `status`, `owner_organisation`.")
    from_status: GoalStatus
    to_status: GoalStatus
    old_target_on: date | None
    new_target_on: date | None
    from_owner_organisation: str | None
    to_owner_organisation: str | None
    old_text: str | None = Field(description="The text before this change, when the text changed.")
    version: int = Field(description="The goal version this change produced.")

    @classmethod
    def of(cls, change: PlanGoalChange) -> GoalChangeOut:
        return cls(
            changed_at=change.changed_at,
            changed_by=change.changed_by.username if change.changed_by else None,
            fields=change.changed_fields,
            from_status=change.from_status,
            to_status=change.to_status,
            old_target_on=change.old_target_on,
            new_target_on=change.new_target_on,
            from_owner_organisation=change.from_owner_organisation.slug if change.from_owner_organisation else None,
            to_owner_organisation=change.to_owner_organisation.slug if change.to_owner_organisation else None,
            old_text=str(change.old_text) if change.old_text is not None else None,
            version=change.version,
        )


class GoalDetailOut(GoalOut):
    """A goal with its actions and its history, oldest change first."""

    history: list[GoalChangeOut]

    @classmethod
    def of_goal(cls, goal: PlanGoal) -> GoalDetailOut:
        return cls(**GoalOut.of(goal).model_dump(), history=[GoalChangeOut.of(c) for c in goal.changes])


class ActionChangeOut(ApiModel):
    changed_at: datetime
    changed_by: str | None = Field(description="Username; null for a change made by the system.")
    kind: ActionChangeKind
    from_status: ActionStatus
    to_status: ActionStatus
    old_due_on: date | None
    new_due_on: date | None
    from_goal: int | None
    to_goal: int | None
    from_owner_organisation: str | None
    to_owner_organisation: str | None
    from_owner_user: str | None
    to_owner_user: str | None
    old_description: str | None = Field(description="The description before an `edit` that changed it.")
    reason: str | None

    @classmethod
    def of(cls, change: PlanActionChange) -> ActionChangeOut:
        def slug(org: object) -> str | None:
            return org.slug if org is not None else None  # type: ignore[attr-defined]

        def username(user: object) -> str | None:
            return user.username if user is not None else None  # type: ignore[attr-defined]

        return cls(
            changed_at=change.changed_at,
            changed_by=username(change.changed_by),
            kind=change.kind,
            from_status=change.from_status,
            to_status=change.to_status,
            old_due_on=change.old_due_on,
            new_due_on=change.new_due_on,
            from_goal=change.from_goal_id,
            to_goal=change.to_goal_id,
            from_owner_organisation=slug(change.from_owner_organisation),
            to_owner_organisation=slug(change.to_owner_organisation),
            from_owner_user=username(change.from_owner_user),
            to_owner_user=username(change.to_owner_user),
            old_description=str(change.old_description) if change.old_description is not None else None,
            reason=str(change.reason) if change.reason is not None else None,
        )


class ActionDetailOut(ActionOut):
    """An action with its history, oldest change first."""

    history: list[ActionChangeOut]

    @classmethod
    def of_action(cls, action: PlanAction) -> ActionDetailOut:
        return cls(**ActionOut.of(action).model_dump(), history=[ActionChangeOut.of(c) for c in action.changes])


class GoalUpdate(InputModel):
    """Members left out keep their value; `null` clears `target_on` and `owner_organisation`."""

    text: PlanText | None = None  # type: ignore[valid-type]
    target_on: date | None = Field(None, description="Streefdatum; a new one not in the past.")
    status: GoalStatus | None = None
    owner_organisation: Code | None = Field(None, description="Slug of the lead or a contributing organisation.")


class ActionUpdate(InputModel):
    """Members left out keep their value. Marking an action `done` (or reopening a done one) is for
    its owner organisation and the procesregisseur (403 otherwise)."""

    description: PlanText | None = None  # type: ignore[valid-type]
    due_on: date | None = Field(None, description="A new due date is not in the past.")
    owner_organisation: Code | None = Field(None, description="Slug of the lead or a contributing organisation.")
    owner_user: Username | None = Field(None, description="Username of a named owner; null for none.")  # type: ignore[valid-type]
    status: ActionStatus | None = None


class ActionMove(InputModel):
    goal: Id = Field(description="Id of another goal of the same case.")


class EvaluationGoalIn(InputModel):
    goal: Id = Field(description="Id of a goal of this case.")
    progress: GoalProgress
    note: bounded(4000, min_length=0) | None = None  # type: ignore[valid-type]


class EvaluationIn(InputModel):
    held_on: date = Field(description="The day it was held: today or earlier.")
    participants: list[Code] = Field(
        min_length=1, max_length=50, description="Slugs of organisations that take or took part in the case."
    )
    other_participants: bounded(4000, min_length=0) | None = Field(  # type: ignore[valid-type]
        None, description="Others who took part (free text, encrypted at rest)."
    )
    goals: list[EvaluationGoalIn] = Field(default_factory=list, max_length=200)
    decision: EvaluationDecision
    next_evaluation_on: date | None = Field(
        None, description="Required to continue or adjust, none on close; after `held_on`, not in the past."
    )


class EvaluationGoalOut(ApiModel):
    goal: int
    progress: GoalProgress
    note: str | None


class EvaluationOut(ApiModel):
    id: int
    held_on: date
    participants: list[str]
    other_participants: str | None
    goals: list[EvaluationGoalOut]
    decision: EvaluationDecision
    next_evaluation_on: date | None
    recorded_by: str | None
    recorded_at: datetime
    case_version: int = Field(description="The case version this evaluation produced (the case's ETag).")

    @classmethod
    def of(cls, evaluation: Evaluation) -> EvaluationOut:
        return cls(
            id=evaluation.id,
            held_on=evaluation.held_on,
            participants=sorted(p.organisation.slug for p in evaluation.participants),
            other_participants=str(evaluation.other_participants) if evaluation.other_participants else None,
            goals=[
                EvaluationGoalOut(goal=g.goal_id, progress=g.progress, note=str(g.note) if g.note else None)
                for g in evaluation.goals
            ],
            decision=evaluation.decision,
            next_evaluation_on=evaluation.next_evaluation_on,
            recorded_by=evaluation.recorded_by.username if evaluation.recorded_by else None,
            recorded_at=evaluation.recorded_at,
            case_version=evaluation.case_version,
        )


class EvaluationList(ApiModel):
    items: list[EvaluationOut] = Field(description="Latest first.")
