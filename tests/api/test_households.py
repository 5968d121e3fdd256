"""Contract of the household endpoints: form on a case, members in and out, the procesregisseur."""

from __future__ import annotations

import pytest

from casebook.cases.models import CaseSubject, SubjectRole
from casebook.db import db
from tests.api.support import assert_problem, make_world
from tests.factories import make_case, make_org, make_person
from tests.helpers import last_event


@pytest.fixture
def world():
    world = make_world()
    case = world.case
    for given in ("Anna", "Kees", "Tim"):
        case.subjects.append(CaseSubject(person=make_person("Visser", given_names=given), role=SubjectRole.SUBJECT))
    db.session.flush()
    return world


def _create(client, world) -> dict:
    case = world.case
    response = client.post(
        f"/api/v1/cases/{case.id}/household", headers={**world.headers("coordinator"), "If-Match": f'"{case.version}"'}
    )
    assert response.status_code == 201, response.json
    return response.json


def test_form_a_household_and_add_three_members(client, world):
    created = _create(client, world)
    assert created["reference"].startswith("HH-") and created["members"] == []
    assert [c["id"] for c in created["cases"]] == [world.case_id]
    path = f"/api/v1/households/{created['id']}"
    etag = f'"{created["version"]}"'
    persons = [s.person_id for s in world.case.subjects]
    for person, relation in zip(persons, ("parent", "partner", "child"), strict=True):
        added = client.post(
            path + "/members",
            headers={**world.headers("coordinator"), "If-Match": etag},
            json={"person": person, "relation": relation},
        )
        assert added.status_code == 201, added.json
        etag = added.headers["ETag"]
    household = client.get(path, headers=world.headers("worker"))
    assert household.status_code == 200 and household.headers["ETag"] == etag
    assert [(m["person"], m["relation"]) for m in household.json["members"]] == list(
        zip(persons, ("parent", "partner", "child"), strict=True)
    )
    assert last_event("household.member.add").details["relation"] == "child"


def test_stale_if_match_is_412_and_a_stranger_422(client, world):
    created = _create(client, world)
    path = f"/api/v1/households/{created['id']}/members"
    person = world.case.subjects[0].person_id
    headers = world.headers("coordinator")
    stale = client.post(path, headers={**headers, "If-Match": '"99"'}, json={"person": person, "relation": "parent"})
    assert_problem(stale, 412)
    assert_problem(client.post(path, headers=headers, json={"person": person, "relation": "parent"}), 428)
    stranger = make_person("Elders")
    make_case(lead=make_org("elders"), subjects=[stranger])
    refused = client.post(
        path,
        headers={**headers, "If-Match": f'"{created["version"]}"'},
        json={"person": stranger.id, "relation": "parent"},
    )
    assert [e["field"] for e in assert_problem(refused, 422)["errors"]] == ["person"]


def test_a_second_household_is_409_and_outsiders_get_404(client, world):
    created = _create(client, world)
    case_id, version = world.case_id, world.case.version
    again = client.post(
        f"/api/v1/cases/{case_id}/household", headers={**world.headers("coordinator"), "If-Match": f'"{version}"'}
    )
    assert_problem(again, 409)
    assert_problem(client.get(f"/api/v1/households/{created['id']}", headers=world.headers("outsider")), 404)
    worker = client.post(
        f"/api/v1/cases/{case_id}/household", headers={**world.headers("worker"), "If-Match": f'"{version}"'}
    )
    assert_problem(worker, 404)  # a caseworker does not manage the participants


def test_remove_a_member_and_name_the_procesregisseur(client, world):
    created = _create(client, world)
    path = f"/api/v1/households/{created['id']}"
    headers = world.headers("coordinator")
    person = world.case.subjects[0].person_id
    added = client.post(
        path + "/members",
        headers={**headers, "If-Match": f'"{created["version"]}"'},
        json={"person": person, "relation": "parent"},
    ).json
    member = added["members"][0]["id"]
    removed = client.delete(f"{path}/members/{member}", headers={**headers, "If-Match": f'"{added["version"]}"'})
    assert removed.status_code == 204
    assert client.get(path, headers=headers).json["members"] == []
    assert_problem(client.delete(f"{path}/members/{member}", headers={**headers, "If-Match": "*"}), 404)
    named = client.put(
        path + "/coordinator", headers={**headers, "If-Match": '"0"'}, json={"coordinator": "zvh.coordinator"}
    )
    assert named.status_code == 200, named.json
    assert named.json["coordinator"] == "zvh.coordinator" and named.headers["ETag"] == f'"{named.json["version"]}"'
    stale = client.put(
        path + "/coordinator", headers={**headers, "If-Match": '"0"'}, json={"coordinator": "zvh.coordinator"}
    )
    assert_problem(stale, 412)
    assert client.get(path, headers=headers).json["coordinator"] == "zvh.coordinator"
