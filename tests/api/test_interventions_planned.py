"""Contract of planned interventions and of interventions tied to a goal and a subject (the screens' services)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.db import db
from casebook.people.models import Person
from tests.api.support import assert_problem, make_world
from tests.factories import make_goal, make_person
from tests.helpers import last_event


@pytest.fixture
def world():
    world = make_world()
    case = world.case
    case.subjects.append(_subject(make_person("Bakker")))
    db.session.flush()
    return world


def _subject(person: Person):
    from casebook.cases.models import CaseSubject, SubjectRole

    return CaseSubject(person=person, role=SubjectRole.SUBJECT)


def _payload(**change):
    return {"kind": "gesprek", "occurred_on": date.today().isoformat(), "organisation": "zvh", **change}


def test_plan_an_intervention_ahead_for_a_goal_and_a_subject(client, world):
    case = world.case
    goal = make_goal(case, world.user("worker"))
    person_id = case.subjects[0].person_id
    ahead = (date.today() + timedelta(days=14)).isoformat()
    path = f"/api/v1/cases/{case.id}/interventions"
    response = client.post(
        path,
        headers=world.headers("worker"),
        json=_payload(occurred_on=ahead, status="planned", goal=goal.id, subject=person_id),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["status"], body["goal"], body["subject"], body["occurred_on"]) == (
        "planned",
        goal.id,
        person_id,
        ahead,
    )
    listed = client.get(path, headers=world.headers("supervisor")).json
    assert listed["balance"] == {"prevention": 0, "care": 0, "enforcement": 0}  # planned is not done
    assert listed["items"][0]["goal"] is None  # a metadata reader sees no goal or subject


@pytest.mark.parametrize(("change", "field"), [({"goal": 999_999}, "goal"), ({"subject": 999_999}, "subject")])
def test_a_goal_or_subject_not_of_this_case_is_422(client, world, change, field):
    response = client.post(
        f"/api/v1/cases/{world.case.id}/interventions", headers=world.headers("worker"), json=_payload(**change)
    )
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == [field]


def _planned(client, world) -> dict:
    ahead = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(
        f"/api/v1/cases/{world.case.id}/interventions",
        headers=world.headers("worker"),
        json=_payload(occurred_on=ahead, status="planned"),
    )
    assert response.status_code == 201, response.json
    return response.json


def test_mark_a_planned_intervention_done_with_if_match(client, world):
    row = _planned(client, world)
    path = f"/api/v1/cases/{world.case.id}/interventions/{row['id']}"
    headers = world.headers("worker")
    assert_problem(client.patch(path, headers=headers, json={"status": "done"}), 428)
    stale = {**headers, "If-Match": f'"{row["version"] + 1}"'}
    assert_problem(client.patch(path, headers=stale, json={"status": "done"}), 412)
    done = client.patch(path, headers={**headers, "If-Match": f'"{row["version"]}"'}, json={"status": "done"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done" and done.json["occurred_on"] == date.today().isoformat()
    assert done.headers["ETag"] == f'"{done.json["version"]}"'
    assert last_event("intervention.settle", case_id=world.case.id).details["status"] == "done"
    again = {**headers, "If-Match": done.headers["ETag"]}
    assert_problem(client.patch(path, headers=again, json={"status": "cancelled"}), 409)  # done stays done


def test_cancel_and_out_of_scope_is_404(client, world):
    row = _planned(client, world)
    path = f"/api/v1/cases/{world.case.id}/interventions/{row['id']}"
    match = {"If-Match": f'"{row["version"]}"'}
    assert_problem(client.patch(path, headers={**world.headers("outsider"), **match}, json={"status": "done"}), 404)
    assert_problem(client.patch(path, headers={**world.headers("supervisor"), **match}, json={"status": "done"}), 404)
    cancelled = client.patch(path, headers={**world.headers("worker"), **match}, json={"status": "cancelled"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    other = f"/api/v1/cases/{world.case.id}/interventions/999999"
    assert_problem(client.patch(other, headers={**world.headers("worker"), **match}, json={"status": "done"}), 404)
