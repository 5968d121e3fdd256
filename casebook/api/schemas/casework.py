"""Case work resources: changing a case, transitions, participants, notes, interventions and the plan."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from casebook.api.schemas.cases import Participant
from casebook.api.schemas.common import ApiModel, Code, ConfidentialityCode, Id, InputModel, PageOf, PageQuery
from casebook.api.schemas.common import text as bounded
from casebook.api.schemas.dossier import SummaryText
from casebook.cases.models import Involvement
from casebook.interventions.models import Intervention, InterventionCategory
from casebook.journal.models import Note, NoteVisibility
from casebook.plans.models import ActionStatus, GoalStatus, LifeDomain, PlanAction, PlanGoal

Username = bounded(80)


class CaseUpdate(InputModel):
    """Members left out keep their value; `null` clears a clearable member.

    District, confidentiality and procesregisseur direct the process: only coordinators of the lead
    organisation change them (403 otherwise). The next evaluation date any writing participant may set.
    """

    district: Code | None = Field(None, description="District code, or null for none.")
    confidentiality: ConfidentialityCode | None = Field(None, description="Not below the case type's default.")
    next_evaluation_on: date | None = Field(None, description="ISO date, not before the case opened; null clears.")
    process_coordinator: Username | None = Field(  # type: ignore[valid-type]
        None, description="Username of an active coordinator of the lead organisation; null clears."
    )
    problem_analysis: SummaryText | None = Field(  # type: ignore[valid-type]
        None, description="Probleemanalyse (encrypted at rest); null or empty clears. Any writing participant."
    )
    help_request: SummaryText | None = Field(  # type: ignore[valid-type]
        None, description="Hulpvraag (encrypted at rest); null or empty clears. Any writing participant."
    )


class TransitionIn(InputModel):
    """Move the case to another status of its type: the next step, or any other step with a reason."""

    to: Code = Field(description="Status code of the case type (not the end status: closing is two-step).")
    reason: bounded(2000, min_length=0) | None = Field(None, description="Required unless `to` is the next step.")  # type: ignore[valid-type]


class ParticipantIn(InputModel):
    organisation: Code = Field(description="Slug of an active organisation.")
    involvement: Involvement = Field(description="`lead` only for the lead organisation itself.")
    user: Username | None = Field(None, description="Username of a named participant of that organisation.")  # type: ignore[valid-type]


class ParticipantList(ApiModel):
    items: list[Participant] = Field(description="All participations, former ones with `ended_at`.")


class NoteOut(ApiModel):
    id: int
    body: str
    visibility: NoteVisibility
    author: str = Field(description="Username of the author.")
    organisation: str = Field(description="Slug of the author's organisation.")
    created_at: datetime
    corrects: int | None = Field(description="Id of the note this one corrects.")
    corrected_by: int | None = Field(description="Id of the correction of this note, if any.")

    @classmethod
    def of(cls, note: Note) -> NoteOut:
        return cls(
            id=note.id,
            body=str(note.body),
            visibility=note.visibility,
            author=note.author.username,
            organisation=note.author_organisation.slug,
            created_at=note.created_at,
            corrects=note.corrects_id,
            corrected_by=note.corrected_by.id if note.corrected_by else None,
        )


class NoteIn(InputModel):
    body: bounded(20_000) = Field(description="The note; notes are append-only.")  # type: ignore[valid-type]
    visibility: NoteVisibility = Field(description="`shared`: all participants; `internal`: your organisation.")


class NotePage(PageOf[NoteOut]):
    """Notes the caller may read, newest first."""


class InterventionOut(ApiModel):
    id: int
    kind: str = Field(description="Intervention kind code.")
    category: InterventionCategory
    occurred_on: date
    organisation: str = Field(description="Slug of the organisation that did it.")
    outcome: str | None = Field(description="What came of it; null when empty or for callers who see metadata only.")
    recorded_by: str | None = Field(description="Username of who logged it.")
    recorded_at: datetime

    @classmethod
    def of(cls, row: Intervention, *, content: bool = False) -> InterventionOut:
        """``content``: the caller may read the case's content; without it there is no outcome."""
        return cls(
            id=row.id,
            kind=row.kind.code,
            category=row.kind.category,
            occurred_on=row.occurred_on,
            organisation=row.organisation.slug,
            outcome=str(row.outcome) if content and row.outcome is not None else None,
            recorded_by=row.recorded_by.username if row.recorded_by else None,
            recorded_at=row.recorded_at,
        )


class InterventionIn(InputModel):
    kind: Code = Field(description="Code of an active intervention kind.")
    occurred_on: date = Field(description="Not in the future (plan future work as a plan action).")
    organisation: Code = Field(description="Slug of an organisation that takes or took part in the case.")
    outcome: bounded(4000, min_length=0) | None = None  # type: ignore[valid-type]


class Balance(ApiModel):
    prevention: int
    care: int
    enforcement: int


class InterventionPage(PageOf[InterventionOut]):
    """Interventions of the case, most recent first, with the balance over all of them."""

    balance: Balance


class ActionOut(ApiModel):
    id: int
    goal: int | None = Field(description="Goal id, or null for an action agreed without a goal.")
    description: str
    owner_organisation: str
    owner_user: str | None
    due_on: date
    status: ActionStatus
    version: int = Field(description="For `If-Match` when changing or moving the action.")

    @classmethod
    def of(cls, action: PlanAction) -> ActionOut:
        return cls(
            id=action.id,
            goal=action.goal_id,
            description=str(action.description),
            owner_organisation=action.owner_organisation.slug,
            owner_user=action.owner_user.username if action.owner_user else None,
            due_on=action.due_on,
            status=action.status,
            version=action.version,
        )


class GoalOut(ApiModel):
    id: int
    domain: LifeDomain
    text: str
    created_at: datetime
    target_on: date | None
    status: GoalStatus
    owner_organisation: str | None = Field(description="Slug of the organisation that owns the goal.")
    version: int = Field(description="For `If-Match` when changing the goal.")
    actions: list[ActionOut]

    @classmethod
    def of(cls, goal: PlanGoal) -> GoalOut:
        return cls(
            id=goal.id,
            domain=goal.domain,
            text=str(goal.text),
            created_at=goal.created_at,
            target_on=goal.target_on,
            status=goal.status,
            owner_organisation=goal.owner_organisation.slug if goal.owner_organisation else None,
            version=goal.version,
            actions=[ActionOut.of(a) for a in goal.actions],
        )


class PlanOut(ApiModel):
    case_manager: str | None = Field(description="Username of the casusregisseur.")
    next_evaluation_on: date | None
    evaluation_due: bool
    content: bool = Field(
        description="False for callers who see the case's metadata only (supervisors): no goals and actions then."
    )
    goal_count: int
    open_action_count: int
    overdue_count: int
    goals: list[GoalOut]
    loose_actions: list[ActionOut] = Field(description="Actions agreed without a goal (e.g. in a casusoverleg).")
    overdue_actions: list[int] = Field(description="Ids of open actions past their due date.")


class GoalIn(InputModel):
    domain: LifeDomain = Field(description="Leefgebied.")
    text: bounded(4000) = Field(description="The goal.")  # type: ignore[valid-type]
    target_on: date | None = Field(None, description="Streefdatum, not in the past.")
    owner_organisation: Code | None = Field(None, description="Slug of the lead or a contributing organisation.")


class ActionIn(InputModel):
    description: bounded(4000)  # type: ignore[valid-type]
    owner_organisation: Code = Field(description="Slug of the lead or a contributing organisation.")
    owner_user: Username | None = Field(None, description="Username of a named owner in that organisation.")  # type: ignore[valid-type]
    due_on: date = Field(description="Not in the past.")
    goal: Id | None = Field(None, description="Goal id of this case, or null for a loose action.")


class ListQuery(PageQuery):
    """Page through a case's list."""
