"""Contract of the journal, interventions and plan endpoints: the screens' services and rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casebook.audit import Outcome
from casebook.db import db
from casebook.journal.models import Note
from casebook.plans.models import PlanAction
from tests.api.support import assert_problem, make_world
from tests.factories import make_case, make_goal, make_note
from tests.helpers import last_event


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def world():
    return make_world()


# -- notes ----------------------------------------------------------------------------------------


def test_add_and_list_notes_with_visibility(client, world):
    path = f"/api/v1/cases/{world.case_id}/notes"
    response = client.post(
        path, headers=world.headers("west_worker"), json={"body": "Gesprek.", "visibility": "internal"}
    )
    assert response.status_code == 201, response.json
    note = response.json
    assert note["organisation"] == "wijkteam-west" and note["author"] == "west.worker" and note["body"] == "Gesprek."
    assert response.headers["Location"].endswith(path)
    assert last_event("note.add", case_id=world.case_id).details == {"visibility": "internal"}
    client.post(path, headers=world.headers("worker"), json={"body": "Gedeeld.", "visibility": "shared"})
    own = client.get(path, headers=world.headers("west_worker")).json
    assert [n["body"] for n in own["items"]] == ["Gedeeld.", "Gesprek."] and own["total"] == 2
    zvh = client.get(path + "?per_page=1", headers=world.headers("coordinator")).json
    assert [n["body"] for n in zvh["items"]] == ["Gedeeld."] and zvh["total"] == 1 and zvh["next"] is None
    assert last_event("note.list", case_id=world.case_id).details["via"] == "api"


def test_notes_are_paginated(client, world):
    for i in range(3):
        make_note(world.case, world.user("worker"), body=f"Notitie {i}")
    body = client.get(f"/api/v1/cases/{world.case_id}/notes?per_page=2", headers=world.headers("worker")).json
    assert body["total"] == 3 and len(body["items"]) == 2 and "after=" in body["next"]
    rest = client.get(body["next"], headers=world.headers("worker")).json
    assert [n["body"] for n in body["items"] + rest["items"]] == ["Notitie 2", "Notitie 1", "Notitie 0"]
    assert rest["next"] is None and "before=" in rest["prev"]


def test_notes_are_never_shown_to_supervisors_or_outsiders(client, world):
    make_note(world.case, world.user("worker"))
    path = f"/api/v1/cases/{world.case_id}/notes"
    assert_problem(client.get(path, headers=world.headers("supervisor")), 404)
    assert last_event("note.list", case_id=world.case_id).outcome is Outcome.DENIED
    assert_problem(client.get(path, headers=world.headers("outsider")), 404)
    assert_problem(
        client.post(path, headers=world.headers("supervisor"), json={"body": "x", "visibility": "shared"}), 404
    )
    assert_problem(client.get(path), 401, "invalid-token")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "   ", "visibility": "shared"}, "body"),
        ({"body": "x", "visibility": "public"}, "visibility"),
        ({}, "body"),
    ],
)
def test_invalid_notes_are_422(client, world, payload, field):
    before = _count(Note)
    body = assert_problem(
        client.post(f"/api/v1/cases/{world.case_id}/notes", headers=world.headers("worker"), json=payload), 422
    )
    assert body["errors"][0]["field"] == field
    assert _count(Note) == before


def test_read_only_token_cannot_add_notes(client, world):
    response = client.post(
        f"/api/v1/cases/{world.case_id}/notes",
        headers=world.headers("worker", read_only=True),
        json={"body": "x", "visibility": "shared"},
    )
    assert_problem(response, 403, "read-only-token")


# -- interventions --------------------------------------------------------------------------------


def test_log_and_list_interventions_with_the_balance(client, world):
    path = f"/api/v1/cases/{world.case_id}/interventions"
    payload = {
        "kind": "gesprek",
        "occurred_on": date.today().isoformat(),
        "organisation": "wijkteam-west",
        "outcome": "Goed",
    }
    response = client.post(path, headers=world.headers("west_worker"), json=payload)
    assert response.status_code == 201, response.json
    assert response.json["category"] == "prevention" and response.json["outcome"] == "Goed"
    assert last_event("intervention.add", case_id=world.case_id).details["kind"] == "gesprek"
    listed = client.get(path, headers=world.headers("supervisor")).json  # metadata readers see interventions
    assert listed["total"] == 1 and listed["balance"] == {"prevention": 1, "care": 0, "enforcement": 0}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "nonexistent"}, "kind"),
        ({"occurred_on": (date.today() + timedelta(days=5)).isoformat()}, "occurred_on"),
        ({"organisation": "politie"}, "organisation"),
        ({"occurred_on": "yesterday"}, "occurred_on"),
    ],
)
def test_intervention_rules_are_422_on_the_field(client, world, change, field):
    payload = {"kind": "gesprek", "occurred_on": date.today().isoformat(), "organisation": "zvh", **change}
    response = client.post(
        f"/api/v1/cases/{world.case_id}/interventions", headers=world.headers("worker"), json=payload
    )
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == [field]


def test_interventions_of_out_of_scope_cases_are_404(client, world):
    path = f"/api/v1/cases/{world.case_id}/interventions"
    assert_problem(client.get(path, headers=world.headers("outsider")), 404)
    payload = {"kind": "gesprek", "occurred_on": date.today().isoformat(), "organisation": "zvh"}
    assert_problem(client.post(path, headers=world.headers("supervisor"), json=payload), 404)


# -- plan -----------------------------------------------------------------------------------------


def test_goals_and_actions_through_the_plan_services(client, world):
    headers = world.headers("worker")
    base = f"/api/v1/cases/{world.case_id}/plan"
    goal = client.post(base + "/goals", headers=headers, json={"domain": "housing", "text": "Stabiel wonen"})
    assert goal.status_code == 201, goal.json
    due = (date.today() + timedelta(days=7)).isoformat()
    action = client.post(
        base + "/actions",
        headers=headers,
        json={
            "description": "Huisbezoek",
            "owner_organisation": "wijkteam-west",
            "due_on": due,
            "goal": goal.json["id"],
        },
    )
    assert action.status_code == 201, action.json
    loose = client.post(
        base + "/actions", headers=headers, json={"description": "Bellen", "owner_organisation": "zvh", "due_on": due}
    )
    assert loose.status_code == 201 and loose.json["goal"] is None
    plan = client.get(base, headers=world.headers("west_worker")).json
    assert [g["text"] for g in plan["goals"]] == ["Stabiel wonen"]
    assert [a["description"] for a in plan["goals"][0]["actions"]] == ["Huisbezoek"]
    assert [a["description"] for a in plan["loose_actions"]] == ["Bellen"]
    assert last_event("plan.action.add", case_id=world.case_id).details["owner_organisation"] == "zvh"
    assert last_event("plan.view", case_id=world.case_id).outcome is Outcome.ALLOWED


def test_plan_rules_are_422_and_another_cases_goal_404(client, world):
    headers = world.headers("worker")
    base = f"/api/v1/cases/{world.case_id}/plan"
    past = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        base + "/actions", headers=headers, json={"description": "x", "owner_organisation": "zvh", "due_on": past}
    )
    assert [e["field"] for e in assert_problem(response, 422, "rule-violation")["errors"]] == ["due_on"]
    future = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(
        base + "/actions", headers=headers, json={"description": "x", "owner_organisation": "politie", "due_on": future}
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "owner_organisation"
    response = client.post(
        base + "/actions",
        headers=headers,
        json={"description": "x", "owner_organisation": "zvh", "due_on": future, "owner_user": "nobody"},
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "owner_user"
    other = make_case(lead=world.user("worker").organisation)
    foreign_goal = make_goal(other, world.user("worker")).id
    response = client.post(
        base + "/actions",
        headers=world.headers("worker"),
        json={"description": "x", "owner_organisation": "zvh", "due_on": future, "goal": foreign_goal},
    )
    assert_problem(response, 404)
    assert _count(PlanAction) == 0  # every refused request rolled back
    assert_problem(
        client.post(base + "/goals", headers=headers, json={"domain": "moon", "text": "x"}), 422, "validation-error"
    )
    assert_problem(
        client.post(base + "/goals", headers=world.headers("supervisor"), json={"domain": "housing", "text": "x"}), 404
    )
    assert_problem(client.get(base, headers=world.headers("outsider")), 404)
