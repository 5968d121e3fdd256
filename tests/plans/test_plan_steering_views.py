"""Steering the plan over HTTP: a goal and an action edited and moved with their history shown, an
evaluation recorded that sets the next date; 422 with input kept, 409 on a stale version, 403 for
completing another organisation's action."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.auth.models import Role
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.plans.models import ActionStatus, Evaluation, GoalStatus, PlanAction, PlanGoal
from tests.factories import login_as, make_action, make_case, make_goal, make_org, make_user
from tests.helpers import last_event

TODAY = date.today()
SOON = (TODAY + timedelta(days=20)).isoformat()


@pytest.fixture
def west():
    return make_org("wijkteam-west", name="Wijkteam West")


@pytest.fixture
def police():
    return make_org("politie", name="Politie basisteam")


@pytest.fixture
def case(west, police):
    return make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])


@pytest.fixture
def coordinator(client, west):
    user = make_user(org=west, roles=[Role.COORDINATOR])
    login_as(client, user)
    return user


def test_a_goal_is_edited_and_its_history_shown(client, case, coordinator, police):
    goal = make_goal(case, coordinator, text="Huur op tijd betalen")
    page = client.get(f"/cases/{case.id}/plan/goals/{goal.id}/edit")
    assert page.status_code == 200 and "Huur op tijd betalen" in page.get_data(as_text=True)
    assert last_event("plan.goal.view", actor_user_id=coordinator.id)
    data = {
        "text": "Huur op tijd betalen, met budgetbeheer",
        "target_on": SOON,
        "status": "partly_achieved",
        "owner_organisation": str(police.id),
        "version": "1",
    }
    ok = client.post(f"/cases/{case.id}/plan/goals/{goal.id}/edit", data=data)
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"/plan#goal-{goal.id}")
    stored = db.session.get(PlanGoal, goal.id)
    assert (stored.status, stored.owner_organisation_id, stored.target_on.isoformat()) == (
        GoalStatus.PARTLY_ACHIEVED,
        police.id,
        SOON,
    )
    html = client.get(f"/cases/{case.id}/plan").get_data(as_text=True)
    assert "deels bereikt" in html and "Politie basisteam" in html
    assert "Was:" in html and "Huur op tijd betalen</span>" in html  # the old text, in the history
    stale = client.post(f"/cases/{case.id}/plan/goals/{goal.id}/edit", data={**data, "text": "Iets anders"})
    assert stale.status_code == 409 and "Iets anders" in stale.get_data(as_text=True)
    assert 'value="2"' in stale.get_data(as_text=True)  # resubmitting applies it to the new version
    bad = client.post(f"/cases/{case.id}/plan/goals/{goal.id}/edit", data={**data, "version": "2", "text": " "})
    assert bad.status_code == 422


def test_an_action_is_edited_and_moved_with_its_history(client, case, coordinator, west):
    housing = make_goal(case, coordinator, domain="housing")
    finances = make_goal(case, coordinator, domain="finances", text="Schulden in beeld")
    action = make_action(case, coordinator, TODAY, goal=housing, description="Huisbezoek afleggen")
    page = client.get(f"/cases/{case.id}/plan/actions/{action.id}/edit")
    assert page.status_code == 200 and last_event("plan.action.view", actor_user_id=coordinator.id)
    edit = {
        "description": "Huisbezoek afleggen met de wijkagent",
        "owner_organisation": str(west.id),
        "owner_user": "",
        "due_on": SOON,
        "version": "1",
    }
    ok = client.post(f"/cases/{case.id}/plan/actions/{action.id}/edit", data=edit)
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"/plan#action-{action.id}")
    moved = client.post(f"/cases/{case.id}/plan/actions/{action.id}/move", data={"goal": finances.id, "version": "2"})
    assert moved.status_code == 303
    stored = db.session.get(PlanAction, action.id)
    assert stored.goal_id == finances.id and stored.description == "Huisbezoek afleggen met de wijkagent"
    html = client.get(f"/cases/{case.id}/plan/actions/{action.id}/edit").get_data(as_text=True)
    assert "Huisbezoek afleggen</span>" in html  # the old description
    assert "verplaatst" in html and "financiën en schulden" in html
    stale = client.post(f"/cases/{case.id}/plan/actions/{action.id}/move", data={"goal": housing.id, "version": "2"})
    assert stale.status_code == 409 and db.session.get(PlanAction, action.id).goal_id == finances.id
    other = make_goal(make_case(lead=west), coordinator)
    foreign = client.post(f"/cases/{case.id}/plan/actions/{action.id}/move", data={"goal": other.id, "version": "3"})
    assert foreign.status_code == 422 and db.session.get(PlanAction, action.id).goal_id == finances.id
    past = client.post(
        f"/cases/{case.id}/plan/actions/{action.id}/edit",
        data={**edit, "version": "3", "due_on": (TODAY - timedelta(days=3)).isoformat(), "description": "Mijn tekst"},
    )
    assert past.status_code == 422 and "Mijn tekst" in past.get_data(as_text=True)


def test_another_organisations_worker_cannot_complete_the_action(client, case, coordinator, police):
    action = make_action(case, coordinator, TODAY)  # owned by the wijkteam
    agent = make_user(org=police)
    client.post("/logout")
    login_as(client, agent)
    html = client.get(f"/cases/{case.id}/plan").get_data(as_text=True)
    assert f'id="status-{action.id}"' in html and '<option value="done"' not in html
    refused = client.post(f"/cases/{case.id}/plan/actions/{action.id}/status", data={"status": "done"})
    assert refused.status_code == 403 and db.session.get(PlanAction, action.id).status is ActionStatus.OPEN
    client.post("/logout")
    login_as(client, coordinator)
    assert '<option value="done"' in client.get(f"/cases/{case.id}/plan").get_data(as_text=True)
    done = client.post(f"/cases/{case.id}/plan/actions/{action.id}/status", data={"status": "done", "version": "1"})
    assert done.status_code == 303 and db.session.get(PlanAction, action.id).status is ActionStatus.DONE


def test_an_evaluation_is_recorded_and_sets_the_next_date(client, case, coordinator, police):
    goal = make_goal(case, coordinator, text="Werk vinden")
    page = client.get(f"/cases/{case.id}/plan/evaluations/new")
    assert page.status_code == 200 and "Werk vinden" in page.get_data(as_text=True)
    next_on = (TODAY + timedelta(days=42)).isoformat()
    data = {
        "held_on": TODAY.isoformat(),
        "participants": [str(coordinator.organisation_id), str(police.id)],
        "other_participants": "Betrokkene",
        f"progress-{goal.id}": "some",
        f"note-{goal.id}": "Solliciteert bij twee werkgevers",
        "decision": "continue",
        "next_evaluation_on": "",
        "version": str(case.version),
    }
    bad = client.post(f"/cases/{case.id}/plan/evaluations/new", data=data)
    assert bad.status_code == 422 and "Solliciteert bij twee werkgevers" in bad.get_data(as_text=True)
    ok = client.post(f"/cases/{case.id}/plan/evaluations/new", data={**data, "next_evaluation_on": next_on})
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/plan#evaluations")
    assert db.session.get(Case, case.id).next_evaluation_on.isoformat() == next_on
    evaluation = db.session.query(Evaluation).filter_by(case_id=case.id).one()
    assert evaluation.goals[0].note == "Solliciteert bij twee werkgevers"
    html = client.get(f"/cases/{case.id}/plan").get_data(as_text=True)
    assert "enige voortgang" in html and "plan voortzetten" in html and "Betrokkene" in html
    stale = client.post(f"/cases/{case.id}/plan/evaluations/new", data={**data, "next_evaluation_on": next_on})
    assert stale.status_code == 409 and "Solliciteert bij twee werkgevers" in stale.get_data(as_text=True)


def test_the_steering_pages_of_another_case_are_404(client, coordinator, west):
    hidden = make_case(lead=make_org("elders"))
    goal = make_goal(hidden, make_user(org=hidden.lead_organisation, roles=[Role.COORDINATOR]))
    for path in (f"/cases/{hidden.id}/plan/goals/{goal.id}/edit", f"/cases/{hidden.id}/plan/evaluations/new"):
        assert client.get(path).status_code == 404
    own = make_case(lead=west)
    assert client.get(f"/cases/{own.id}/plan/goals/{goal.id}/edit").status_code == 404
