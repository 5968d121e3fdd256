"""Plan van aanpak rules and the derived tasks; every rule with its audit event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db, utcnow
from casebook.plans import services as plans
from casebook.plans.models import ActionStatus, PlanGoal
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


def test_goal_text_is_encrypted_and_the_goal_audited(case, worker):
    goal = make_goal(case, worker, domain="finances", text="Schulden in beeld")
    raw = db.session.execute(select(PlanGoal.__table__.c.text).where(PlanGoal.id == goal.id)).scalar_one()
    assert b"Schulden" not in raw
    event = last_event("plan.goal.add")
    assert (event.actor_user_id, event.object_id, event.case_id) == (worker.id, str(goal.id), case.id)
    assert event.details == {"domain": "finances"}


def test_goal_needs_a_known_domain_and_text(case, worker):
    with pytest.raises(plans.PlanRefused) as refused:
        plans.add_goal(case, by=worker, domain="astrologie", text="x")
    assert refused.value.field == "domain"
    with pytest.raises(plans.PlanRefused) as refused:
        plans.add_goal(case, by=worker, domain="housing", text="  ")
    assert refused.value.field == "text"


def test_observers_and_supervisors_cannot_edit_the_plan(west, case):
    supervisor = make_user(org=west, roles=[Role.SUPERVISOR])
    with pytest.raises(AccessDenied):
        plans.add_goal(case, by=supervisor, domain="housing", text="x")
    assert last_event("plan.edit", actor_user_id=supervisor.id).outcome is Outcome.DENIED


def test_action_owner_must_take_part_and_a_named_owner_belong_to_it(case, worker, police):
    goal = make_goal(case, worker)
    outsider = make_org("elders")
    with pytest.raises(plans.PlanRefused) as refused:
        plans.add_action(
            case, by=worker, goal=goal, description="x", owner_organisation=outsider, due_on=TODAY, today=TODAY
        )
    assert refused.value.field == "owner_organisation"
    with pytest.raises(plans.PlanRefused) as refused:
        plans.add_action(
            case,
            by=worker,
            goal=goal,
            description="x",
            owner_organisation=police,
            owner_user=worker,
            due_on=TODAY,
            today=TODAY,
        )
    assert refused.value.field == "owner_user"


def test_action_due_date_is_required_and_not_in_the_past(case, worker):
    for due_on in (None, TODAY - timedelta(days=1)):
        with pytest.raises(plans.PlanRefused) as refused:
            plans.add_action(
                case, by=worker, description="x", owner_organisation=worker.organisation, due_on=due_on, today=TODAY
            )
        assert refused.value.field == "due_on"


def test_goal_of_another_case_is_refused(case, worker, west):
    other_goal = make_goal(make_case(lead=west), worker)
    with pytest.raises(plans.PlanRefused):
        make_action(case, worker, TODAY, goal=other_goal)


def test_action_is_added_encrypted_and_audited(case, worker, police):
    colleague = make_user(org=police)
    action = make_action(case, worker, TODAY, goal=make_goal(case, worker), owner=police, owner_user=colleague)
    assert action.status is ActionStatus.OPEN and action.owner_user is colleague
    event = last_event("plan.action.add")
    assert event.object_id == str(action.id) and event.case_id == case.id
    assert event.details["owner_organisation"] == "politie"


def test_status_changes_are_kept_as_history_and_audited(case, worker):
    action = make_action(case, worker, TODAY)
    plans.change_action_status(action, by=worker, status="in_progress")
    plans.change_action_status(action, by=worker, status=ActionStatus.DONE)
    assert [(c.from_status, c.to_status) for c in action.changes] == [
        (ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
        (ActionStatus.IN_PROGRESS, ActionStatus.DONE),
    ]
    assert last_event("plan.action.status").details == {"from": "in_progress", "to": "done"}
    with pytest.raises(plans.PlanRefused):
        plans.change_action_status(action, by=worker, status="done")
    with pytest.raises(plans.PlanRefused):
        plans.change_action_status(action, by=worker, status="verzonnen")


def test_overdue_and_open_actions_are_scoped_owned_and_derived(west, police, worker):
    case = make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])
    overdue = make_action(case, worker, TODAY - timedelta(days=3))
    upcoming = make_action(case, worker, TODAY + timedelta(days=3), today=TODAY)
    done = make_action(case, worker, TODAY - timedelta(days=5))
    plans.change_action_status(done, by=worker, status="done")
    make_action(case, worker, TODAY - timedelta(days=2), owner=police)  # another organisation's
    colleague = make_user(org=west)
    make_action(case, worker, TODAY - timedelta(days=2), owner_user=colleague)  # named colleague's
    closed = make_case(lead=west)
    make_action(closed, worker, TODAY - timedelta(days=9))
    closed.closed_at = utcnow()
    hidden = make_case(lead=make_org("elders"), participants=[(west, Involvement.CONTRIBUTOR)])
    make_action(hidden, worker, TODAY - timedelta(days=4))
    hidden.participants[-1].ended_at = utcnow()  # west left: no scope any more
    db.session.flush()

    assert [a.id for a in plans.overdue_actions_for(worker, today=TODAY)] == [overdue.id]
    assert last_event("plan.action.list").details == {"filter": "overdue", "count": 1}
    assert [a.id for a in plans.open_actions_for(worker)] == [overdue.id, upcoming.id]
    assert last_event("plan.action.list").details == {"filter": "open", "count": 2}
    assert len(plans.overdue_actions_for(colleague, today=TODAY)) == 2  # the organisation's and their own


def test_evaluations_due_are_scoped_and_within_the_horizon(west, worker):
    due = make_case(lead=west)
    later = make_case(lead=west)
    hidden = make_case(lead=make_org("elders"))
    plans.set_next_evaluation(due, by=worker, on=TODAY + timedelta(days=2), expected_version=due.version, today=TODAY)
    plans.set_next_evaluation(
        later, by=worker, on=TODAY + timedelta(days=30), expected_version=later.version, today=TODAY
    )
    hidden.next_evaluation_on = TODAY
    db.session.flush()
    assert [c.id for c in plans.evaluations_due_for(worker, today=TODAY)] == [due.id]
    assert last_event("plan.evaluation.list").details == {"count": 1, "within_days": 7}


def test_next_evaluation_is_not_in_the_past_and_is_audited(case, worker):
    version = case.version
    with pytest.raises(plans.PlanRefused):
        plans.set_next_evaluation(
            case, by=worker, on=TODAY - timedelta(days=1), expected_version=case.version, today=TODAY
        )
    plans.set_next_evaluation(
        case, by=worker, on=TODAY + timedelta(days=14), expected_version=case.version, today=TODAY
    )
    assert case.next_evaluation_on == TODAY + timedelta(days=14) and case.version == version + 1
    assert last_event("plan.evaluation").details == {"next_evaluation_on": "2026-12-12", "version": version + 1}


def test_case_manager_is_named_by_the_procesregisseur_from_the_partners(west, police, case):
    coordinator = make_user(org=west, roles=[Role.COORDINATOR])
    partner_worker = make_user(org=police)
    plan = plans.set_case_manager(case, by=coordinator, manager=partner_worker, expected_version=case.version)
    assert plan.case_manager is partner_worker
    assert last_event("plan.case_manager").details == {
        "case_manager_user_id": partner_worker.id,
        "version": case.version,
    }
    with pytest.raises(plans.PlanRefused):
        plans.set_case_manager(
            case, by=coordinator, manager=make_user(org=make_org("elders")), expected_version=case.version
        )
    caseworker = make_user(org=west)
    with pytest.raises(AccessDenied):
        plans.set_case_manager(case, by=caseworker, manager=partner_worker, expected_version=case.version)
    assert last_event("case.participants", actor_user_id=caseworker.id).outcome is Outcome.DENIED


def test_plan_view_groups_goals_by_domain_and_flags_tasks(case, worker, west):
    make_goal(case, worker, domain="justice", text="Geen nieuwe delicten")
    housing = make_goal(case, worker, domain="housing")
    late = make_action(case, worker, TODAY - timedelta(days=1), goal=housing)
    plans.set_next_evaluation(case, by=worker, on=TODAY, expected_version=case.version, today=TODAY)
    view = plans.plan_for(worker, case, today=TODAY)
    assert list(view.goals_by_domain) == ["housing", "justice"] and view.content
    assert [a.id for a in view.overdue] == [late.id] and view.evaluation_due
    assert last_event("plan.view").details == {"goals": 2, "actions": 1, "evaluations": 0, "content": True}


def test_supervisors_get_the_plan_s_counts_never_its_goals_or_actions(case, worker, west):
    housing = make_goal(case, worker, domain="housing")
    make_action(case, worker, TODAY - timedelta(days=1), goal=housing)
    supervisor = make_user(org=west, roles=[Role.SUPERVISOR])
    view = plans.plan_for(supervisor, case, today=TODAY)  # supervisors see metadata, not content
    assert not view.content and not view.goals_by_domain and not view.loose_actions and not view.overdue
    assert (view.goal_count, view.open_action_count, view.overdue_count) == (1, 1, 1)
    assert last_event("plan.view", actor_user_id=supervisor.id).details["content"] is False


def test_loaders_refuse_goals_and_actions_of_other_cases(case, worker, west):
    other = make_case(lead=west)
    goal, action = make_goal(other, worker), make_action(other, worker, TODAY)
    with pytest.raises(AccessDenied):
        plans.load_goal(worker, case, goal.id)
    assert last_event("plan.goal.view").outcome is Outcome.DENIED
    with pytest.raises(AccessDenied):
        plans.load_action(worker, case, action.id)
    assert last_event("plan.action.view").outcome is Outcome.DENIED
    assert plans.load_goal(worker, other, goal.id) is goal
