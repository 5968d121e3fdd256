"""The agenda as each viewer may read it: per case its phase, flags, summary, plan and open actions.

What a viewer sees of an item is what they may see of its case on the case page, never more:

- the item exists only for a viewer of its case (``VIEW_AGENDA_ITEM``); the others are absent;
- phase (status) and flags (signaleringen, safety information) for every viewer of the case;
- the summary (probleemanalyse, hulpvraag), the plan's goals, the open actions, the decision and the
  actions agreed at the meeting only for readers of the case's content (``READ_AGENDA_DECISION``,
  i.e. ``READ_CASE_CONTENT``); a supervisor gets the counts.

Four statements whatever the length of the agenda: the items (with cases, participants and agreed
actions), the current flags of all its cases, the plans' goals and the open actions of the cases the
viewer reads. Audited as one ``meeting.view`` event with the cases shown and those read in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.dossier_models import CaseFlag
from casebook.cases.summary_flags import flag_view
from casebook.db import db
from casebook.i18n import select_locale
from casebook.meetings.models import AgendaItem, Meeting
from casebook.meetings.services import visible_items
from casebook.plans.models import OPEN_STATUSES, PlanAction, PlanGoal


@dataclass
class AgendaBrief:
    """One agenda item for one viewer. ``content`` False: only phase, flags and counts."""

    item: AgendaItem
    content: bool
    flags: list[dict] = field(default_factory=list)
    problem_analysis: str | None = None
    help_request: str | None = None
    goals: list[PlanGoal] = field(default_factory=list)
    open_actions: list[PlanAction] = field(default_factory=list)
    goal_count: int = 0
    open_action_count: int = 0
    decision: str | None = None
    agreed_actions: list[PlanAction] = field(default_factory=list)

    @property
    def case(self):
        return self.item.case


def agenda_for(user: User, meeting: Meeting) -> list[AgendaBrief]:
    """The agenda of ``meeting`` as ``user`` may read it, in order. Audited as ``meeting.view``."""
    items = visible_items(user, meeting)
    briefs = [AgendaBrief(item=item, content=can(user, Action.READ_AGENDA_DECISION, item)) for item in items]
    case_ids = [b.item.case_id for b in briefs]
    readable = [b.item.case_id for b in briefs if b.content]
    flags: dict[int, list[CaseFlag]] = {}
    goals: dict[int, list[PlanGoal]] = {}
    actions: dict[int, list[PlanAction]] = {}
    if case_ids:
        for flag in db.session.scalars(
            select(CaseFlag)
            .where(CaseFlag.case_id.in_(case_ids), CaseFlag.ended_at.is_(None))
            .options(joinedload(CaseFlag.flag_type), joinedload(CaseFlag.set_by).lazyload(User.role_rows))
            .order_by(CaseFlag.id)
        ):
            flags.setdefault(flag.case_id, []).append(flag)
        for goal in db.session.scalars(
            select(PlanGoal).where(PlanGoal.case_id.in_(case_ids)).order_by(PlanGoal.created_at, PlanGoal.id)
        ):
            goals.setdefault(goal.case_id, []).append(goal)
        for action in db.session.scalars(
            select(PlanAction)
            .where(PlanAction.case_id.in_(case_ids), PlanAction.status.in_(OPEN_STATUSES))
            .options(joinedload(PlanAction.owner_user).lazyload(User.role_rows))
            .order_by(PlanAction.due_on, PlanAction.id)
        ):
            actions.setdefault(action.case_id, []).append(action)
    locale = select_locale()
    for brief in briefs:
        case = brief.item.case
        brief.flags = flag_view(flags.get(case.id, []), locale)
        brief.goal_count = len(goals.get(case.id, []))
        brief.open_action_count = len(actions.get(case.id, []))
        if brief.content:
            brief.problem_analysis = case.problem_analysis or None
            brief.help_request = case.help_request or None
            brief.goals = goals.get(case.id, [])
            brief.open_actions = actions.get(case.id, [])
            brief.decision = brief.item.decision if brief.item.decided_at else None
            brief.agreed_actions = list(brief.item.actions)
    audit.record(user, "meeting.view", meeting, details={"cases": case_ids, "content": readable})
    return briefs
