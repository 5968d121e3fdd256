"""A case's journal, interventions and plan van aanpak through the API.

Loaded with ``casebook.casework.load_case`` and the same action as the screens; the services
audit the read or the change themselves, once.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import refusals, rule_problem
from casebook.api.lookup import row_of
from casebook.api.registry import Reply
from casebook.api.schemas.casework import (
    ActionIn,
    ActionOut,
    Balance,
    GoalIn,
    GoalOut,
    InterventionIn,
    InterventionOut,
    InterventionPage,
    ListQuery,
    NoteIn,
    NoteOut,
    NotePage,
    PlanOut,
)
from casebook.api.views.paging import CURSOR_ERRORS, page_members, valid_cursors
from casebook.auth.models import User
from casebook.casework import load_case
from casebook.interventions import services as interventions
from casebook.interventions.models import InterventionKind
from casebook.journal import services as journal
from casebook.organisations.models import Organisation
from casebook.plans import services as plans

# -- journal ---------------------------------------------------------------------------------------


@api.get("/cases/<id:case_id>/notes", query=ListQuery, response=NotePage, tags=["journal"], errors=CURSOR_ERRORS)
def list_notes(case_id: int, query: ListQuery) -> NotePage:
    """Notes the caller may read: shared ones, and internal ones of their own organisation. Never to supervisors."""
    user = api_user()
    case = load_case(user, case_id, Action.READ_NOTES)
    with valid_cursors():
        page = journal.notes_page(user, case, query.page_request(), via="api")
    return NotePage(
        items=[NoteOut.of(n) for n in page.items], **page_members(page, query, "api.list_notes", case_id=case.id)
    )


@api.post("/cases/<id:case_id>/notes", body=NoteIn, response=NoteOut, status=201, tags=["journal"])
def add_note(case_id: int, body: Callable[[], NoteIn]) -> Reply:
    """Append a note to the journal (writing participants)."""
    user = api_user()
    case = load_case(user, case_id, Action.ADD_NOTE)
    body = body()  # type: ignore[assignment]
    with refusals(default_field="body"):
        note = journal.add_note(case, by=user, body=body.body, visibility=body.visibility)
    location = url_for("api.list_notes", case_id=case.id, _external=True)
    return Reply(NoteOut.of(note), headers={"Location": location})


# -- interventions ---------------------------------------------------------------------------------


@api.get(
    "/cases/<id:case_id>/interventions",
    query=ListQuery,
    response=InterventionPage,
    tags=["interventions"],
    errors=CURSOR_ERRORS,
)
def list_interventions(case_id: int, query: ListQuery) -> InterventionPage:
    """What was done on the case, most recent first, and the balance of prevention, care and enforcement."""
    user = api_user()
    case = load_case(user, case_id, Action.VIEW_CASE)
    with valid_cursors():
        page = interventions.interventions_page(user, case, query.page_request())
    balance = {str(category): count for category, count in interventions.balance(case).items()}
    content = can(user, Action.READ_CASE_CONTENT, case)  # outcomes are content: not for supervisors
    return InterventionPage(
        items=[InterventionOut.of(r, content=content) for r in page.items],
        balance=Balance(**balance),
        **page_members(page, query, "api.list_interventions", case_id=case.id),
    )


@api.post(
    "/cases/<id:case_id>/interventions",
    body=InterventionIn,
    response=InterventionOut,
    status=201,
    tags=["interventions"],
)
def add_intervention(case_id: int, body: Callable[[], InterventionIn]) -> Reply:
    """Log an intervention (writing participants); the kind is a code of the data-driven list."""
    user = api_user()
    case = load_case(user, case_id, Action.ADD_INTERVENTION)
    body = body()  # type: ignore[assignment]
    with refusals():
        row = interventions.add_intervention(
            case,
            by=user,
            kind=row_of(InterventionKind, InterventionKind.code, body.kind),
            occurred_on=body.occurred_on,
            organisation=row_of(Organisation, Organisation.slug, body.organisation),
            outcome=body.outcome,
        )
    location = url_for("api.list_interventions", case_id=case.id, _external=True)
    return Reply(InterventionOut.of(row, content=True), headers={"Location": location})  # its writer reads it


# -- plan van aanpak -------------------------------------------------------------------------------


@api.get("/cases/<id:case_id>/plan", response=PlanOut, tags=["plan"])
def get_plan(case_id: int) -> PlanOut:
    """The plan van aanpak: goals per life domain with their actions, loose actions and overdue ones."""
    user = api_user()
    view = plans.plan_for(user, load_case(user, case_id, Action.VIEW_CASE))
    return PlanOut(
        case_manager=view.case_manager.username if view.case_manager else None,
        next_evaluation_on=view.case.next_evaluation_on,
        evaluation_due=view.evaluation_due,
        content=view.content,
        goal_count=view.goal_count,
        open_action_count=view.open_action_count,
        overdue_count=view.overdue_count,
        goals=[GoalOut.of(goal) for goals in view.goals_by_domain.values() for goal in goals],
        loose_actions=[ActionOut.of(a) for a in view.loose_actions],
        overdue_actions=[a.id for a in view.overdue],
    )


@api.post("/cases/<id:case_id>/plan/goals", body=GoalIn, response=GoalOut, status=201, tags=["plan"])
def add_goal(case_id: int, body: Callable[[], GoalIn]) -> Reply:
    """Add a goal on a life domain (writing participants)."""
    user = api_user()
    case = load_case(user, case_id, Action.EDIT_PLAN)
    body = body()  # type: ignore[assignment]
    owner = row_of(Organisation, Organisation.slug, body.owner_organisation)
    if body.owner_organisation is not None and owner is None:
        raise rule_problem("owner_organisation", "Kies een deelnemende organisatie als eigenaar.")
    with refusals():
        goal = plans.add_goal(
            case, by=user, domain=body.domain, text=body.text, target_on=body.target_on, owner_organisation=owner
        )
    return Reply(GoalOut.of(goal), headers={"Location": url_for("api.get_plan", case_id=case.id, _external=True)})


@api.post("/cases/<id:case_id>/plan/actions", body=ActionIn, response=ActionOut, status=201, tags=["plan"])
def add_action(case_id: int, body: Callable[[], ActionIn]) -> Reply:
    """Agree an action, under a goal of this case or loose (writing participants)."""
    user = api_user()
    case = load_case(user, case_id, Action.EDIT_PLAN)
    body = body()  # type: ignore[assignment]
    goal = None
    if body.goal is not None:
        goal = plans.load_goal(user, case, body.goal)  # another case's goal: an audited 404
    owner_user = row_of(User, User.username, body.owner_user)
    if body.owner_user is not None and owner_user is None:
        raise rule_problem("owner_user", plans.OWNER_USER_REFUSED)  # the same answer as another org's user
    with refusals():
        action = plans.add_action(
            case,
            by=user,
            description=body.description,
            owner_organisation=row_of(Organisation, Organisation.slug, body.owner_organisation),
            owner_user=owner_user,
            due_on=body.due_on,
            goal=goal,
        )
    return Reply(ActionOut.of(action), headers={"Location": url_for("api.get_plan", case_id=case.id, _external=True)})
