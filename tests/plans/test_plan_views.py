"""Plan routes over HTTP: goals, actions, status, evaluation, casusregisseur; 422 with input kept; IDOR 404s."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.plans.models import ActionStatus, PlanAction, PlanGoal
from tests.factories import login_as, make_action, make_case, make_goal, make_org, make_user
from tests.helpers import last_event

SOON = (date.today() + timedelta(days=20)).isoformat()
PAST = (date.today() - timedelta(days=20)).isoformat()


@pytest.fixture
def west():
    return make_org("wijkteam-west")


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


def test_plan_page_shows_both_directors_and_audits_the_read(client, case, coordinator):
    make_goal(case, coordinator, text="Dagbesteding vinden")
    html = client.get(f"/cases/{case.id}/plan").get_data(as_text=True)
    assert "Dagbesteding vinden" in html and "Procesregisseur" in html and "Casusregisseur" in html
    assert last_event("plan.view", actor_user_id=coordinator.id).outcome is Outcome.ALLOWED


def test_add_goal_redirects_and_invalid_goal_keeps_input(client, case, coordinator):
    ok = client.post(f"/cases/{case.id}/plan/goals", data={"domain": "work", "text": "Werk vinden"})
    goal = db.session.query(PlanGoal).filter_by(case_id=case.id).one()
    assert ok.status_code == 303 and ok.headers["Location"] == f"/cases/{case.id}/plan#goal-{goal.id}"
    assert "Doel toegevoegd." in client.get(ok.headers["Location"]).get_data(as_text=True)
    bad = client.post(f"/cases/{case.id}/plan/goals", data={"domain": "astrologie", "text": "Mijn doeltekst"})
    assert bad.status_code == 422 and "Mijn doeltekst" in bad.get_data(as_text=True)


def test_add_action_form_redirects_and_keeps_input_on_a_past_date(client, case, coordinator, police):
    goal = make_goal(case, coordinator)
    url = f"/cases/{case.id}/plan/goals/{goal.id}/actions"
    assert client.get(url).status_code == 200
    data = {"description": "Schuldhulp aanmelden", "owner_organisation": str(police.id), "due_on": PAST}
    bad = client.post(url, data=data)
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Schuldhulp aanmelden" in html and "verleden" in html
    ok = client.post(url, data={**data, "due_on": SOON})
    action = db.session.query(PlanAction).filter_by(case_id=case.id).one()
    assert ok.status_code == 303 and ok.headers["Location"] == f"/cases/{case.id}/plan#action-{action.id}"
    assert "Actie toegevoegd." in client.get(ok.headers["Location"]).get_data(as_text=True)
    assert action.goal_id == goal.id and action.owner_organisation_id == police.id


def test_action_owner_outside_the_case_is_422(client, case, coordinator):
    goal = make_goal(case, coordinator)
    outsider = make_org("elders")
    response = client.post(
        f"/cases/{case.id}/plan/goals/{goal.id}/actions",
        data={"description": "x", "owner_organisation": str(outsider.id), "due_on": SOON},
    )
    assert response.status_code == 422


def test_status_change_and_invalid_status(client, case, coordinator):
    action = make_action(case, coordinator, date.today() + timedelta(days=3), today=date.today())
    url = f"/cases/{case.id}/plan/actions/{action.id}/status"
    done = client.post(url, data={"status": "done"})
    assert done.status_code == 303 and db.session.get(PlanAction, action.id).status is ActionStatus.DONE
    assert "Status van de actie gewijzigd." in client.get(done.headers["Location"]).get_data(as_text=True)
    bad = client.post(url, data={"status": "done"})
    assert bad.status_code == 422 and "heeft deze status al" in bad.get_data(as_text=True)
    assert client.post(url, data={"status": "weg"}).status_code == 422


def _version(case_id: int) -> int:
    return db.session.get(Case, case_id).version


def test_evaluation_date(client, case, coordinator):
    data = {"next_evaluation_on": SOON, "version": _version(case.id)}
    ok = client.post(f"/cases/{case.id}/plan/evaluation", data=data)
    assert ok.status_code == 303
    assert "Volgende evaluatie vastgelegd." in client.get(ok.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Case, case.id).next_evaluation_on.isoformat() == SOON
    data = {"next_evaluation_on": PAST, "version": _version(case.id)}
    bad = client.post(f"/cases/{case.id}/plan/evaluation", data=data)
    assert bad.status_code == 422 and PAST in bad.get_data(as_text=True)


def test_case_manager_is_set_by_the_lead_coordinator_only(client, case, coordinator, police, west):
    officer = make_user(org=police)
    officer.display_name = "Wijkagent Ruud"
    case_id = case.id
    data = {"case_manager": str(officer.id), "version": _version(case_id)}
    ok = client.post(f"/cases/{case_id}/plan/case-manager", data=data)
    assert ok.status_code == 303
    html = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "Casusregisseur vastgelegd." in html and "Wijkagent Ruud" in html
    assert "Wijkagent Ruud" in client.get(f"/cases/{case_id}").get_data(as_text=True)  # in the header
    bad = client.post(
        f"/cases/{case.id}/plan/case-manager", data={"case_manager": "999999", "version": _version(case_id)}
    )
    assert bad.status_code == 422
    caseworker = make_user(org=west)
    client.post("/logout")
    login_as(client, caseworker)
    assert client.post(f"/cases/{case_id}/plan/case-manager", data={"case_manager": ""}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/cases/{case}/plan/goals/{goal}/actions",
        "/cases/{case}/plan/actions/{action}/status",
    ],
)
def test_goal_and_action_ids_of_other_cases_are_404_and_audited(client, case, coordinator, west, path):
    other = make_case(lead=west)
    goal = make_goal(other, coordinator)
    action = make_action(other, coordinator, date.today() + timedelta(days=3), today=date.today())
    url = path.format(case=case.id, goal=goal.id, action=action.id)
    user_id = coordinator.id
    assert client.post(url, data={"status": "done", "description": "x"}).status_code == 404
    assert last_event(actor_user_id=user_id).outcome is Outcome.DENIED


@pytest.mark.parametrize("path", ["/cases/{id}/plan", "/cases/{id}/plan/goals", "/cases/{id}/plan/evaluation"])
def test_out_of_scope_case_is_404(client, coordinator, path):
    other = make_case(lead=make_org("elders"))
    method = client.get if path.endswith("/plan") else client.post
    assert method(path.format(id=other.id)).status_code == 404
