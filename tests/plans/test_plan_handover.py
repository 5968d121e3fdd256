"""Withdrawing and reassigning actions for services that close cases or let a partner leave."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from casebook.cases.models import Involvement
from casebook.db import db
from casebook.plans import services as plans
from casebook.plans.models import ActionChangeKind, ActionStatus, PlanActionChange
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


def test_withdrawing_cancels_an_open_action_and_keeps_the_reason_encrypted(case, worker):
    action = make_action(case, worker, TODAY, goal=make_goal(case, worker))
    plans.withdraw_action(action, by=worker, reason="Casus afgesloten: doel bereikt")
    assert action.status is ActionStatus.CANCELLED
    change = action.changes[-1]
    assert (change.kind, change.from_status, change.to_status) == (
        ActionChangeKind.WITHDRAW,
        ActionStatus.OPEN,
        ActionStatus.CANCELLED,
    )
    raw = db.session.execute(
        select(PlanActionChange.__table__.c.reason).where(PlanActionChange.id == change.id)
    ).scalar_one()
    assert raw and b"afgesloten" not in raw
    db.session.expire_all()
    assert db.session.get(PlanActionChange, change.id).reason == "Casus afgesloten: doel bereikt"
    event = last_event("plan.action.withdraw")
    assert (event.actor_user_id, event.object_id, event.details) == (worker.id, str(action.id), {"from": "open"})


def test_withdrawing_leaves_a_finished_action_alone_and_needs_a_reason(case, worker):
    action = make_action(case, worker, TODAY)
    plans.change_action_status(action, by=worker, status="done")
    plans.withdraw_action(action, by=None, reason="Casus afgesloten")
    assert action.status is ActionStatus.DONE
    assert [c.kind for c in action.changes] == [ActionChangeKind.STATUS]
    with pytest.raises(plans.PlanRefused):
        plans.withdraw_action(make_action(case, worker, TODAY), by=None, reason="  ")


def test_reassigning_moves_the_owner_and_keeps_the_previous_one(case, worker, west, police):
    agent = make_user(org=police)
    action = make_action(case, worker, TODAY)
    plans.reassign_action(action, by=None, organisation=police, user=agent, reason="Wijkteam stopt")
    assert (action.owner_organisation, action.owner_user) == (police, agent)
    change = action.changes[-1]
    assert change.kind is ActionChangeKind.REASSIGN
    assert (change.from_owner_organisation_id, change.to_owner_organisation_id) == (west.id, police.id)
    assert (change.from_owner_user_id, change.to_owner_user_id, change.reason) == (None, agent.id, "Wijkteam stopt")
    assert last_event("plan.action.reassign").details["to_organisation"] == police.slug


def test_reassigning_refuses_outsiders_and_finished_actions(case, worker, police):
    action = make_action(case, worker, TODAY)
    with pytest.raises(plans.PlanRefused) as refused:
        plans.reassign_action(action, by=None, organisation=make_org("elders"))
    assert refused.value.field == "owner_organisation"
    with pytest.raises(plans.PlanRefused) as refused:
        plans.reassign_action(action, by=None, organisation=police, user=worker)
    assert refused.value.field == "owner_user"
    plans.change_action_status(action, by=worker, status="done")
    with pytest.raises(plans.PlanRefused):
        plans.reassign_action(action, by=None, organisation=police)


def test_open_actions_of_a_case_leave_finished_ones_out(case, worker):
    first = make_action(case, worker, TODAY)
    second = make_action(case, worker, date(2026, 12, 1))
    done = make_action(case, worker, TODAY)
    plans.change_action_status(done, by=worker, status="done")
    plans.change_action_status(second, by=worker, status="in_progress")
    assert plans.open_actions_of(case) == [first, second]
