"""Steering the plan: editing goals and actions, and moving an action to another goal.

- Every edit is made from the version of the goal or action the user saw (``expected_version``;
  a stale one is a ``StalePlanItem``, nothing written) and leaves a line of history: what changed,
  the old dates, goals and owners as metadata, the old text encrypted under the case's key.
- Editing needs ``EDIT_PLAN`` (writing participants) on an open case; an unchanged form writes
  nothing. A new target or due date is not in the past (an unchanged one may be).
- An action moves only between goals of its own case.
"""

from __future__ import annotations

from datetime import date

from casebook import audit
from casebook.access import Action, require_audited
from casebook.auth.models import User
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.organisations.models import Organisation
from casebook.plans.models import ActionChangeKind, GoalStatus, PlanAction, PlanActionChange, PlanGoal, PlanGoalChange
from casebook.plans.services import (
    OWNER_USER_REFUSED,
    PlanRefused,
    _clean_text,
    check_goal_owner,
    check_goal_target,
    check_item_version,
    item_change,
    load_action,
    owner_organisations,
    owner_users,
    reassign_action,
)


def read_action(user: User, case: Case, action_id: int) -> PlanAction:
    """An action of ``case`` with its history, or an audited 404; the read is audited as
    ``plan.action.view`` (its description and history are case content)."""
    action = load_action(user, case, action_id)
    audit.record(user, "plan.action.view", action, case_id=case.id)
    return action


def edit_goal(
    goal: PlanGoal,
    *,
    by: User,
    text: str,
    target_on: date | None,
    status: GoalStatus | str,
    owner_organisation: Organisation | None,
    expected_version: int | None,
    today: date | None = None,
) -> PlanGoalChange | None:
    """Change a goal's text, target date, status or owner organisation.

    :returns: the history line, or None when nothing changed.
    :raises AccessDenied: (audited) :raises PlanRefused: :raises StalePlanItem:
    """
    case = goal.case
    require_audited(by, Action.EDIT_PLAN, case)
    require_open(case)
    check_item_version(goal, expected_version)
    text = _clean_text(text, "text", "Beschrijf het doel.")
    try:
        status = GoalStatus(status)
    except ValueError:
        raise PlanRefused("Kies een status.", "status") from None
    if target_on != goal.target_on:
        check_goal_target(target_on, today=today or local_today())
    if owner_organisation != goal.owner_organisation:
        check_goal_owner(case, owner_organisation)
    changed = [
        name
        for name, differs in (
            ("text", text != goal.text),
            ("target_on", target_on != goal.target_on),
            ("status", status is not goal.status),
            ("owner_organisation", owner_organisation != goal.owner_organisation),
        )
        if differs
    ]
    if not changed:
        return None
    with item_change(goal):
        change = PlanGoalChange(
            goal=goal,
            fields=",".join(changed),
            from_status=goal.status,
            to_status=status,
            old_target_on=goal.target_on,
            new_target_on=target_on,
            from_owner_organisation_id=goal.owner_organisation_id,
            to_owner_organisation_id=owner_organisation.id if owner_organisation else None,
            old_text=goal.text if "text" in changed else None,
            version=goal.version + 1,
            changed_by=by,
        )
        db.session.add(change)
        goal.text = text
        goal.target_on = target_on
        goal.status = status
        goal.owner_organisation = owner_organisation
    audit.record(
        by,
        "plan.goal.edit",
        goal,
        details={
            "fields": changed,
            "status": status.value,
            "target_on": target_on.isoformat() if target_on else None,
            "owner_organisation": owner_organisation.slug if owner_organisation else None,
            "version": goal.version,
        },
    )
    return change


def edit_action(
    action: PlanAction,
    *,
    by: User,
    description: str,
    due_on: date | None,
    owner_organisation: Organisation | None,
    owner_user: User | None,
    expected_version: int | None,
    today: date | None = None,
) -> bool:
    """Change an action's description, due date or owner (organisation and named worker).

    The description and due date are one history line (``edit``, the old description encrypted);
    another owner is a ``reassign`` line, and only for an open action.

    :returns: whether anything changed.
    :raises AccessDenied: (audited) :raises PlanRefused: :raises StalePlanItem:
    """
    case = action.case
    require_audited(by, Action.EDIT_PLAN, case)
    require_open(case)
    check_item_version(action, expected_version)
    text = _clean_text(description, "description", "Beschrijf de actie.")
    if due_on is None:
        raise PlanRefused("Vul een streefdatum in.", "due_on")
    if due_on != action.due_on and due_on < (today or local_today()):
        raise PlanRefused("De streefdatum ligt in het verleden.", "due_on")
    if owner_organisation is None or owner_organisation.id not in {o.id for o in owner_organisations(case)}:
        raise PlanRefused("Kies een deelnemende organisatie als eigenaar.", "owner_organisation")
    owner_changed = owner_organisation.id != action.owner_organisation_id or (
        (owner_user.id if owner_user else None) != action.owner_user_id
    )
    if (
        owner_changed
        and owner_user is not None
        and (
            owner_user.organisation_id != owner_organisation.id
            or owner_user.id not in {u.id for u in owner_users(case)}
        )
    ):
        raise PlanRefused(OWNER_USER_REFUSED, "owner_user")
    if owner_changed and not action.is_open:
        raise PlanRefused("Alleen een open actie kan een andere eigenaar krijgen.", "owner_organisation")
    fields = [
        name
        for name, differs in (("description", text != action.description), ("due_on", due_on != action.due_on))
        if differs
    ]
    if not fields and not owner_changed:
        return False
    with item_change(action):
        if fields:
            db.session.add(
                PlanActionChange(
                    action=action,
                    kind=ActionChangeKind.EDIT,
                    from_status=action.status,
                    to_status=action.status,
                    old_due_on=action.due_on,
                    new_due_on=due_on,
                    old_description=action.description if "description" in fields else None,
                    changed_by=by,
                )
            )
            action.description = text
            action.due_on = due_on
        if owner_changed:
            reassign_action(action, by=by, organisation=owner_organisation, user=owner_user)
    if fields:
        audit.record(
            by,
            "plan.action.edit",
            action,
            details={"fields": fields, "due_on": due_on.isoformat(), "version": action.version},
        )
    return True


def move_action(action: PlanAction, *, by: User, goal: PlanGoal, expected_version: int | None) -> bool:
    """Put an action under another goal of the same case. :returns: whether it moved.

    :raises AccessDenied: (audited) :raises PlanRefused: a goal of another case.
    :raises StalePlanItem:
    """
    case = action.case
    require_audited(by, Action.EDIT_PLAN, case)
    require_open(case)
    check_item_version(action, expected_version)
    if goal.case_id != action.case_id:
        raise PlanRefused("Dit doel hoort niet bij deze casus.", "goal")
    if goal.id == action.goal_id:
        return False
    with item_change(action):
        change = PlanActionChange(
            action=action,
            kind=ActionChangeKind.MOVE,
            from_status=action.status,
            to_status=action.status,
            from_goal_id=action.goal_id,
            to_goal_id=goal.id,
            changed_by=by,
        )
        db.session.add(change)
        action.goal = goal
    audit.record(
        by,
        "plan.action.move",
        action,
        details={"from_goal": change.from_goal_id, "to_goal": goal.id, "version": action.version},
    )
    return True
