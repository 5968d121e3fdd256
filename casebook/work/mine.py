"""What "mine" means, in one place: the cases a user works on by name.

A case is *mine* when I am its procesregisseur, its casusregisseur (the plan's case manager), an
active named participant, or the named owner of one of its open actions. My work's tiles, the case
list's "mijn casussen" filter and ``GET /api/v1/cases?mine=true`` all use this clause, so a case
never counts as mine on one screen and not on another. It only narrows: the caller still limits
by ``case_scope`` (the policy decides what the user may see at all).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_

from casebook.auth.models import User
from casebook.cases.models import Case, CaseParticipant
from casebook.plans.models import OPEN_STATUSES, CasePlan, PlanAction


def mine_clause(user: User) -> ColumnElement[bool]:
    """A WHERE condition on ``Case``: the user is named on the case (see the module docstring)."""
    named_participant = exists().where(
        CaseParticipant.case_id == Case.id, CaseParticipant.ended_at.is_(None), CaseParticipant.user_id == user.id
    )
    case_manager = exists().where(CasePlan.case_id == Case.id, CasePlan.case_manager_id == user.id)
    action_owner = exists().where(
        PlanAction.case_id == Case.id, PlanAction.owner_user_id == user.id, PlanAction.status.in_(OPEN_STATUSES)
    )
    return or_(Case.process_coordinator_id == user.id, named_participant, case_manager, action_owner)
