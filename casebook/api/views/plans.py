"""Steering the plan van aanpak through the API: goals and actions with their history, changes
(``If-Match`` on the goal's or action's ETag), moves, and evaluations (``If-Match`` on the case's ETag).

The same loaders and services as the screens: ``load_case`` with the screens' action, the plan's
loaders (audited 404 for another case's goal or action), and the services' own audit events.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from casebook.access import Action
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import not_yours, refusals, rule_problem
from casebook.api.locking import IfMatch
from casebook.api.lookup import row_of
from casebook.api.registry import Reply
from casebook.api.schemas.casework import ActionOut
from casebook.api.schemas.plans import (
    ActionDetailOut,
    ActionMove,
    ActionUpdate,
    EvaluationIn,
    EvaluationList,
    EvaluationOut,
    GoalDetailOut,
    GoalUpdate,
)
from casebook.auth.models import User
from casebook.casework import load_case
from casebook.organisations.models import Organisation
from casebook.plans import evaluations, steering
from casebook.plans import services as plans

OWNER_REFUSED = "Kies een deelnemende organisatie als eigenaar."


def _organisation(slug: str | None, field: str = "owner_organisation") -> Organisation | None:
    """The organisation of a slug the caller gave; an unknown one is the same 422 as an outsider."""
    organisation = row_of(Organisation, Organisation.slug, slug)
    if slug is not None and organisation is None:
        raise rule_problem(field, OWNER_REFUSED)
    return organisation


# -- goals -----------------------------------------------------------------------------------------


@api.get("/cases/<id:case_id>/plan/goals/<id:goal_id>", response=GoalDetailOut, etag=True, tags=["plan"])
def get_goal(case_id: int, goal_id: int) -> GoalDetailOut:
    """A goal with its actions and history (readers of the case's content)."""
    user = api_user()
    case = load_case(user, case_id, Action.VIEW_CASE)
    return GoalDetailOut.of_goal(plans.load_goal(user, case, goal_id))


@api.patch(
    "/cases/<id:case_id>/plan/goals/<id:goal_id>", body=GoalUpdate, response=GoalDetailOut, tags=["plan"], errors=[409]
)
def update_goal(
    case_id: int, goal_id: int, body: Callable[[], GoalUpdate], if_match: Callable[[], IfMatch]
) -> GoalDetailOut:
    """Change a goal's text, target date, status or owner organisation (``If-Match`` required)."""
    user = api_user()
    case = load_case(user, case_id, Action.EDIT_PLAN)
    goal = plans.load_goal(user, case, goal_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    given = body.model_fields_set
    expected = precondition.check(goal.version)
    owner = _organisation(body.owner_organisation) if "owner_organisation" in given else goal.owner_organisation
    with refusals():
        steering.edit_goal(
            goal,
            by=user,
            text=body.text if body.text is not None else goal.text,
            target_on=body.target_on if "target_on" in given else goal.target_on,
            status=body.status or goal.status,
            owner_organisation=owner,
            expected_version=expected,
        )
    return GoalDetailOut.of_goal(goal)


# -- actions ---------------------------------------------------------------------------------------


@api.get("/cases/<id:case_id>/plan/actions/<id:action_id>", response=ActionDetailOut, etag=True, tags=["plan"])
def get_action(case_id: int, action_id: int) -> ActionDetailOut:
    """An action with its history: status changes, edits (old descriptions), moves, new owners."""
    user = api_user()
    case = load_case(user, case_id, Action.VIEW_CASE)
    return ActionDetailOut.of_action(steering.read_action(user, case, action_id))


@api.patch(
    "/cases/<id:case_id>/plan/actions/<id:action_id>",
    body=ActionUpdate,
    response=ActionDetailOut,
    tags=["plan"],
    errors=[403, 409],
)
def update_action(
    case_id: int, action_id: int, body: Callable[[], ActionUpdate], if_match: Callable[[], IfMatch]
) -> ActionDetailOut:
    """Change an action's description, due date, owner or status (``If-Match`` required). Marking it
    done, or reopening a done one, is for its owner organisation and the procesregisseur (403)."""
    user = api_user()
    case = load_case(user, case_id, Action.EDIT_PLAN)
    action = plans.load_action(user, case, action_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    given = body.model_fields_set
    expected = precondition.check(action.version)
    edits = given & {"description", "due_on", "owner_organisation", "owner_user"}
    with refusals(), not_yours():
        if edits:
            owner_user = row_of(User, User.username, body.owner_user) if "owner_user" in given else action.owner_user
            if "owner_user" in given and body.owner_user is not None and owner_user is None:
                raise rule_problem("owner_user", plans.OWNER_USER_REFUSED)
            steering.edit_action(
                action,
                by=user,
                description=body.description if body.description is not None else action.description,
                due_on=body.due_on if body.due_on is not None else action.due_on,
                owner_organisation=(
                    _organisation(body.owner_organisation) if body.owner_organisation else action.owner_organisation
                ),
                owner_user=owner_user,
                expected_version=expected,
            )
        if body.status is not None and body.status is not action.status:
            plans.change_action_status(action, by=user, status=body.status, expected_version=action.version)
    return ActionDetailOut.of_action(action)


@api.operation(
    "POST",
    "/cases/<id:case_id>/plan/actions/<id:action_id>/move",
    body=ActionMove,
    response=ActionOut,
    if_match=True,
    etag=True,
    tags=["plan"],
    errors=[409],
)
def move_action(
    case_id: int, action_id: int, body: Callable[[], ActionMove], if_match: Callable[[], IfMatch]
) -> ActionOut:
    """Put the action under another goal of the same case (``If-Match`` required)."""
    user = api_user()
    case = load_case(user, case_id, Action.EDIT_PLAN)
    action = plans.load_action(user, case, action_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(action.version)
    goal = plans.load_goal(user, case, body.goal)  # another case's goal: an audited 404
    with refusals(default_field="goal"):
        steering.move_action(action, by=user, goal=goal, expected_version=expected)
    return ActionOut.of(action)


# -- evaluations -----------------------------------------------------------------------------------


@api.get("/cases/<id:case_id>/plan/evaluations", response=EvaluationList, tags=["plan"])
def list_evaluations(case_id: int) -> EvaluationList:
    """The plan's evaluations, latest first (readers of the case's content)."""
    user = api_user()
    case = load_case(user, case_id, Action.READ_CASE_CONTENT)
    return EvaluationList(items=[EvaluationOut.of(e) for e in evaluations.evaluations_for(user, case)])


@api.operation(
    "POST",
    "/cases/<id:case_id>/plan/evaluations",
    body=EvaluationIn,
    response=EvaluationOut,
    status=201,
    if_match=True,
    tags=["plan"],
    errors=[409],
)
def record_evaluation(case_id: int, body: Callable[[], EvaluationIn], if_match: Callable[[], IfMatch]) -> Reply:
    """Record an evaluation: participants, progress per goal, the decision; it sets the case's next
    evaluation date (``If-Match`` with the case's ETag required; the answer has the new case version)."""
    user = api_user()
    case = load_case(user, case_id, Action.EDIT_PLAN)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(case.version)
    participants = [_organisation(slug, "participants") for slug in body.participants]
    goals = [
        evaluations.GoalProgressInput(plans.load_goal(user, case, line.goal), line.progress, line.note)
        for line in body.goals
    ]
    with refusals(fields={"next_evaluation_on": "next_evaluation_on"}):
        evaluation = evaluations.record_evaluation(
            case,
            by=user,
            held_on=body.held_on,
            participants=[p for p in participants if p is not None],
            goals=goals,
            decision=body.decision,
            next_evaluation_on=body.next_evaluation_on,
            expected_version=expected,
            other_participants=body.other_participants,
        )
    location = url_for("api.list_evaluations", case_id=case.id, _external=True)
    return Reply(EvaluationOut.of(evaluation), headers={"Location": location})
