"""Contract of the plan's steering endpoints: goals and actions with their history, changes with
If-Match (412 stale, 428 missing), moves, the completion rule (403), evaluations that set the next date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.plans.models import ActionStatus
from tests.api.support import assert_problem, make_world
from tests.factories import make_action, make_case, make_goal, make_org
from tests.helpers import last_event

TODAY = date.today()
SOON = (TODAY + timedelta(days=30)).isoformat()


@pytest.fixture
def world():
    return make_world()


def _match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


def test_a_goal_is_read_with_its_history_and_changed_with_if_match(client, world):
    goal = make_goal(world.case, world.user("worker"), text="Huur op tijd betalen")
    path = f"/api/v1/cases/{world.case_id}/plan/goals/{goal.id}"
    headers = world.headers("worker")
    read = client.get(path, headers=headers)
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.json["status"] == "open" and read.json["history"] == []
    assert_problem(client.patch(path, headers=headers, json={"status": "achieved"}), 428)
    changed = client.patch(
        path,
        headers={**headers, **_match(1)},
        json={
            "text": "Huur betalen met budgetbeheer",
            "target_on": SOON,
            "status": "partly_achieved",
            "owner_organisation": "wijkteam-west",
        },
    )
    assert changed.status_code == 200, changed.json
    body = changed.json
    assert (body["status"], body["target_on"], body["owner_organisation"], body["version"]) == (
        "partly_achieved",
        SOON,
        "wijkteam-west",
        2,
    )
    assert changed.headers["ETag"] == '"2"'
    assert body["history"][0]["old_text"] == "Huur op tijd betalen"
    assert body["history"][0]["fields"] == ["text", "target_on", "status", "owner_organisation"]
    assert_problem(client.patch(path, headers={**headers, **_match(1)}, json={"status": "achieved"}), 412)
    outsider = make_org("elders")
    refused = client.patch(path, headers={**headers, **_match(2)}, json={"owner_organisation": outsider.slug})
    assert_problem(refused, 422, "rule-violation")
    assert last_event("plan.goal.edit").details["version"] == 2


def test_a_goal_can_be_added_with_a_target_date_and_owner(client, world):
    response = client.post(
        f"/api/v1/cases/{world.case_id}/plan/goals",
        headers=world.headers("worker"),
        json={"domain": "work", "text": "Werk vinden", "target_on": SOON, "owner_organisation": "zvh"},
    )
    assert response.status_code == 201, response.json
    assert (response.json["target_on"], response.json["owner_organisation"], response.json["status"]) == (
        SOON,
        "zvh",
        "open",
    )


def test_an_action_is_edited_and_moved_with_its_history(client, world):
    worker = world.user("worker")
    housing, finances = make_goal(world.case, worker), make_goal(world.case, worker, domain="finances")
    action = make_action(world.case, worker, TODAY, goal=housing, description="Huisbezoek afleggen")
    path = f"/api/v1/cases/{world.case_id}/plan/actions/{action.id}"
    headers = world.headers("worker")
    edited = client.patch(
        path,
        headers={**headers, **_match(1)},
        json={"description": "Huisbezoek met de wijkagent", "due_on": SOON, "owner_organisation": "wijkteam-west"},
    )
    assert edited.status_code == 200, edited.json
    assert edited.json["owner_organisation"] == "wijkteam-west" and edited.json["due_on"] == SOON
    version = edited.json["version"]
    moved = client.post(path + "/move", headers={**headers, **_match(version)}, json={"goal": finances.id})
    assert moved.status_code == 200 and moved.json["goal"] == finances.id
    assert_problem(client.post(path + "/move", headers={**headers, **_match(version)}, json={"goal": housing.id}), 412)
    history = client.get(path, headers=headers).json["history"]
    assert last_event("plan.action.view", case_id=world.case_id).actor_user_id == world.user_ids["worker"]
    assert [h["kind"] for h in history] == ["edit", "reassign", "move"]
    assert (
        history[0]["old_description"] == "Huisbezoek afleggen"
        and history[1]["to_owner_organisation"] == "wijkteam-west"
    )
    assert (history[2]["from_goal"], history[2]["to_goal"]) == (housing.id, finances.id)
    other = make_goal(make_case(lead=world.case.lead_organisation), world.user("worker"))
    current = client.get(path, headers=headers).headers["ETag"]
    assert_problem(client.post(path + "/move", headers={**headers, "If-Match": current}, json={"goal": other.id}), 404)


def test_only_the_owner_organisation_or_the_procesregisseur_marks_an_action_done(client, world):
    action = make_action(world.case, world.user("worker"), TODAY)  # owned by the ZVH
    path = f"/api/v1/cases/{world.case_id}/plan/actions/{action.id}"
    refused = client.patch(path, headers={**world.headers("west_worker"), **_match(1)}, json={"status": "done"})
    assert_problem(refused, 403)
    assert last_event("plan.action.complete", actor_user_id=world.user_ids["west_worker"]).outcome.value == "denied"
    done = client.patch(path, headers={**world.headers("worker"), **_match(1)}, json={"status": "done"})
    assert done.status_code == 200 and done.json["status"] == ActionStatus.DONE.value


def test_an_evaluation_is_recorded_and_sets_the_next_date(client, world):
    goal = make_goal(world.case, world.user("worker"))
    headers = world.headers("worker")
    case_version = client.get(f"/api/v1/cases/{world.case_id}", headers=headers).headers["ETag"]
    path = f"/api/v1/cases/{world.case_id}/plan/evaluations"
    body = {
        "held_on": TODAY.isoformat(),
        "participants": ["zvh", "wijkteam-west"],
        "goals": [{"goal": goal.id, "progress": "good", "note": "Huur betaald"}],
        "decision": "continue",
        "next_evaluation_on": (TODAY + timedelta(days=42)).isoformat(),
    }
    assert_problem(client.post(path, headers=headers, json=body), 428)
    missing_date = client.post(
        path, headers={**headers, "If-Match": case_version}, json={**body, "next_evaluation_on": None}
    )
    assert_problem(missing_date, 422, "rule-violation")
    response = client.post(path, headers={**headers, "If-Match": case_version}, json=body)
    assert response.status_code == 201, response.json
    assert response.json["goals"] == [{"goal": goal.id, "progress": "good", "note": "Huur betaald"}]
    assert response.json["participants"] == ["wijkteam-west", "zvh"]
    assert world.case.next_evaluation_on.isoformat() == body["next_evaluation_on"]
    assert response.json["case_version"] == world.case.version
    assert_problem(client.post(path, headers={**headers, "If-Match": case_version}, json=body), 412)
    listed = client.get(path, headers=headers).json["items"]
    assert [e["id"] for e in listed] == [response.json["id"]]
    assert last_event("plan.evaluation.list", case_id=world.case_id)
    assert_problem(client.get(path, headers=world.headers("supervisor")), 404)
    assert_problem(client.get(path, headers=world.headers("outsider")), 404)
