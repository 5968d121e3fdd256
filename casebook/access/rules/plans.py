"""Rules for the plan van aanpak beyond editing it (``EDIT_PLAN``, a case rule).

- An action is completed — marked done, or a done action reopened — only by its owner
  organisation (a writing participant of it) or by the case's procesregisseur: another partner
  on the case may edit the plan but cannot tick off someone else's work.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.cases import case_rule
from casebook.access.scope import WORK_ROLES
from casebook.auth.models import User
from casebook.cases.models import Case


def _is_action(obj: Any) -> bool:
    """A plan action (duck-typed: the trust tier imports no domain module); a goal has no due date."""
    return (
        obj is not None
        and hasattr(obj, "owner_organisation_id")
        and hasattr(obj, "due_on")
        and isinstance(getattr(obj, "case", None), Case)
    )


@rule(Action.COMPLETE_PLAN_ACTION)
def complete_rule(user: User, action: Action, plan_action: Any) -> bool:
    if plan_action is None:
        return user.has_role(*WORK_ROLES)
    if not _is_action(plan_action):
        return False
    case = plan_action.case
    if not case_rule(user, Action.EDIT_PLAN, case):
        return False
    return user.organisation_id == plan_action.owner_organisation_id or (
        case.process_coordinator_id is not None and case.process_coordinator_id == user.id
    )
