"""Steering the plan: goals and actions edited and moved with their history, the completion rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.plans import services as plans
from casebook.plans import steering
from casebook.plans.models import ActionChangeKind, ActionStatus, GoalStatus, PlanActionChange, PlanGoalChange
from tests.factories import make_action, make_case, make_goal, make_org, make_user
from tests.helpers import last_event

TODAY = date(2026, 11, 28)


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def police():
    return make_org("politie")


@pytest.fixture
def case(west, police):
    return make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])


@pytest.fixture
def worker(west):
    return make_user(org=west)


def test_a_goal_gets_a_target_date_status_and_owner_and_keeps_its_old_text(case, worker, police):
    goal = make_goal(case, worker, text="Schulden in beeld")
    change = steering.edit_goal(
        goal,
        by=worker,
        text="Schulden in beeld en een regeling",
        target_on=TODAY + timedelta(days=60),
        status="partly_achieved",
        owner_organisation=police,
        expected_version=goal.version,
        today=TODAY,
    )
    assert (goal.text, goal.status, goal.owner_organisation, goal.version) == (
        "Schulden in beeld en een regeling",
        GoalStatus.PARTLY_ACHIEVED,
        police,
        2,
    )
    assert change.changed_fields == ["text", "target_on", "status", "owner_organisation"]
    raw = db.session.execute(
        select(PlanGoalChange.__table__.c.old_text).where(PlanGoalChange.id == change.id)
    ).scalar_one()
    assert b"Schulden" not in raw
    db.session.expire_all()
    assert db.session.get(PlanGoalChange, change.id).old_text == "Schulden in beeld"
    event = last_event("plan.goal.edit")
    assert event.details["fields"] == ["text", "target_on", "status", "owner_organisation"]
    assert event.details["status"] == "partly_achieved"


def test_an_unchanged_goal_writes_nothing_and_a_stale_one_is_refused(case, worker):
    goal = make_goal(case, worker)
    same = dict(text=goal.text, target_on=None, status="open", owner_organisation=None, today=TODAY)
    assert steering.edit_goal(goal, by=worker, expected_version=1, **same) is None
    assert goal.changes == []
    with pytest.raises(plans.StalePlanItem) as stale:
        steering.edit_goal(goal, by=worker, expected_version=7, **{**same, "text": "Anders"})
    assert stale.value.current_version == 1
    with pytest.raises(plans.PlanRefused) as refused:
        steering.edit_goal(goal, by=worker, expected_version=1, **{**same, "target_on": TODAY - timedelta(days=1)})
    assert refused.value.field == "target_on"
    with pytest.raises(plans.PlanRefused) as refused:
        steering.edit_goal(goal, by=worker, expected_version=1, **{**same, "owner_organisation": make_org("elders")})
    assert refused.value.field == "owner_organisation"


def test_editing_an_action_keeps_the_old_description_and_dates(case, worker, police):
    action = make_action(case, worker, TODAY, description="Huisbezoek")
    assert steering.edit_action(
        action,
        by=worker,
        description="Huisbezoek met de wijkagent",
        due_on=TODAY + timedelta(days=7),
        owner_organisation=police,
        owner_user=None,
        expected_version=action.version,
        today=TODAY,
    )
    kinds = [c.kind for c in action.changes]
    assert kinds == [ActionChangeKind.EDIT, ActionChangeKind.REASSIGN]
    edit = action.changes[0]
    assert (edit.old_due_on, edit.new_due_on, edit.old_description) == (TODAY, TODAY + timedelta(days=7), "Huisbezoek")
    raw = db.session.execute(
        select(PlanActionChange.__table__.c.old_description).where(PlanActionChange.id == edit.id)
    ).scalar_one()
    assert b"Huisbezoek" not in raw
    assert action.owner_organisation == police
    assert last_event("plan.action.edit").details["fields"] == ["description", "due_on"]
    with pytest.raises(plans.StalePlanItem):
        steering.edit_action(
            action,
            by=worker,
            description="x",
            due_on=TODAY,
            owner_organisation=police,
            owner_user=None,
            expected_version=1,
            today=TODAY,
        )


def test_an_action_moves_between_goals_of_its_own_case_only(case, worker, west):
    first, second = make_goal(case, worker), make_goal(case, worker, domain="finances")
    action = make_action(case, worker, TODAY, goal=first)
    assert steering.move_action(action, by=worker, goal=second, expected_version=action.version)
    assert action.goal == second
    move = action.changes[-1]
    assert (move.kind, move.from_goal_id, move.to_goal_id) == (ActionChangeKind.MOVE, first.id, second.id)
    assert last_event("plan.action.move").details["to_goal"] == second.id
    other_goal = make_goal(make_case(lead=west), worker)
    with pytest.raises(plans.PlanRefused):
        steering.move_action(action, by=worker, goal=other_goal, expected_version=action.version)


def test_only_the_owner_organisation_or_the_procesregisseur_completes_an_action(case, worker, police):
    agent = make_user(org=police)
    action = make_action(case, worker, TODAY)  # owned by the wijkteam
    with pytest.raises(AccessDenied):
        plans.change_action_status(action, by=agent, status="done")
    assert last_event("plan.action.complete", actor_user_id=agent.id).outcome is Outcome.DENIED
    plans.change_action_status(action, by=agent, status="in_progress")  # other statuses: any writer
    coordinator = make_user(org=police, roles=[Role.COORDINATOR])
    case.process_coordinator = coordinator
    plans.change_action_status(action, by=coordinator, status="done")
    assert action.status is ActionStatus.DONE
    with pytest.raises(AccessDenied):
        plans.change_action_status(action, by=agent, status="open")  # reopening a done action too
    plans.change_action_status(action, by=worker, status="open", expected_version=action.version)
    with pytest.raises(plans.StalePlanItem):
        plans.change_action_status(action, by=worker, status="done", expected_version=1)
