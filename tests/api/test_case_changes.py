"""Contract of PATCH /cases/{id}, POST /cases/{id}/transitions and the participants endpoints."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db
from tests.api.support import assert_problem, make_world
from tests.factories import make_district, make_org
from tests.helpers import audit_events, last_event


@pytest.fixture
def world():
    return make_world()


def _etag(client, world, user=None) -> str:
    response = client.get(f"/api/v1/cases/{world.case_id}", headers=world.headers(user or "coordinator"))
    return response.headers["ETag"]


# -- PATCH /cases/{id} ----------------------------------------------------------------------------


def test_patch_changes_fields_through_the_editing_service(client, world):
    make_district("wielwijk")
    headers = world.headers("coordinator")
    etag = _etag(client, world)
    response = client.patch(
        f"/api/v1/cases/{world.case_id}",
        headers={**headers, "If-Match": etag},
        json={"district": "wielwijk", "confidentiality": "vertrouwelijk", "process_coordinator": "zvh.coordinator"},
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["district"] == "wielwijk" and body["confidentiality"] == "vertrouwelijk"
    assert response.headers["ETag"] == f'"{body["version"]}"' != etag
    event = last_event("case.update", case_id=world.case_id)
    assert event.details["fields"] == ["confidentiality", "district", "process_coordinator"]


def test_patch_without_if_match_is_428_and_with_a_stale_one_412(client, world):
    headers = world.headers("coordinator")
    path = f"/api/v1/cases/{world.case_id}"
    assert_problem(client.patch(path, headers=headers, json={}), 428, "precondition-required")
    response = client.patch(path, headers={**headers, "If-Match": '"99"'}, json={"next_evaluation_on": "2099-01-01"})
    assert_problem(response, 412, "precondition-failed")
    assert response.headers["ETag"] == f'"{db.session.get(Case, world.case_id).version}"'
    assert db.session.get(Case, world.case_id).next_evaluation_on is None


def test_patch_rule_errors_are_422_on_the_field(client, world):
    headers = {**world.headers("coordinator"), "If-Match": _etag(client, world)}
    path = f"/api/v1/cases/{world.case_id}"
    body = assert_problem(
        client.patch(path, headers=headers, json={"confidentiality": "openbaar"}), 422, "rule-violation"
    )
    assert [e["field"] for e in body["errors"]] == ["confidentiality"]
    body = assert_problem(client.patch(path, headers=headers, json={"district": "atlantis"}), 422, "rule-violation")
    assert [e["field"] for e in body["errors"]] == ["district"]
    body = assert_problem(client.patch(path, headers=headers, json={"process_coordinator": "zvh.worker"}), 422)
    assert [e["field"] for e in body["errors"]] == ["process_coordinator"]
    body = assert_problem(client.patch(path, headers=headers, json={"next_evaluation_on": "tomorrow"}), 422)
    assert body["type"] == "urn:casebook:problem:validation-error"


def test_patch_process_fields_need_the_lead_coordinator_403_but_a_worker_sets_the_evaluation(client, world):
    path = f"/api/v1/cases/{world.case_id}"
    headers = {**world.headers("west_worker"), "If-Match": _etag(client, world)}
    assert_problem(client.patch(path, headers=headers, json={"confidentiality": "vertrouwelijk"}), 403, "forbidden")
    assert last_event("case.transition", case_id=world.case_id).outcome is Outcome.DENIED
    assert len(audit_events("case.transition", case_id=world.case_id, outcome=Outcome.DENIED)) == 1  # once
    response = client.patch(path, headers=headers, json={"next_evaluation_on": "2099-01-01"})
    assert response.status_code == 200 and response.json["version"] == 2


def test_patch_by_outsiders_is_404_and_by_read_only_tokens_403(client, world):
    path = f"/api/v1/cases/{world.case_id}"
    assert_problem(client.patch(path, headers={**world.headers("outsider"), "If-Match": '"1"'}, json={}), 404)
    assert_problem(client.patch(path, headers={**world.headers("supervisor"), "If-Match": '"1"'}, json={}), 404)
    headers = {**world.headers("coordinator", read_only=True), "If-Match": '"1"'}
    assert_problem(client.patch(path, headers=headers, json={}), 403, "read-only-token")
    assert_problem(client.patch(path, headers={"If-Match": '"1"'}, json={}), 401, "invalid-token")


# -- POST /cases/{id}/transitions -----------------------------------------------------------------


def test_transition_to_the_next_step_and_a_skip_needs_a_reason(client, world):
    path = f"/api/v1/cases/{world.case_id}/transitions"
    headers = world.headers("coordinator")
    response = client.post(path, headers={**headers, "If-Match": '"1"'}, json={"to": "plan_van_aanpak"})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "plan_van_aanpak" and response.headers["ETag"] == '"2"'
    assert last_event("case.transition", case_id=world.case_id).details["to"] == "plan_van_aanpak"
    body = assert_problem(client.post(path, headers={**headers, "If-Match": '"2"'}, json={"to": "nazorg"}), 422)
    assert body["type"] == "urn:casebook:problem:rule-violation" and body["errors"][0]["field"] == "reason"
    response = client.post(path, headers={**headers, "If-Match": '"2"'}, json={"to": "nazorg", "reason": "Snel"})
    assert response.status_code == 200 and response.json["status"] == "nazorg"


@pytest.mark.parametrize(("to", "field"), [("afgesloten", "to"), ("nonexistent", "to"), ("casusoverleg", "to")])
def test_transition_refusals_are_422_on_to(client, world, to, field):
    headers = {**world.headers("coordinator"), "If-Match": '"1"'}
    body = assert_problem(
        client.post(f"/api/v1/cases/{world.case_id}/transitions", headers=headers, json={"to": to}), 422
    )
    assert [e["field"] for e in body["errors"]] == [field]


def test_transition_on_a_closed_case_is_409_stale_412_missing_428(client, world):
    path = f"/api/v1/cases/{world.case_id}/transitions"
    headers = world.headers("coordinator")
    assert_problem(client.post(path, headers=headers, json={"to": "plan_van_aanpak"}), 428)
    assert_problem(client.post(path, headers={**headers, "If-Match": '"5"'}, json={"to": "plan_van_aanpak"}), 412)
    case = db.session.get(Case, world.case_id)
    case.closure_proposed_at = case.opened_at
    db.session.flush()
    body = assert_problem(
        client.post(path, headers={**headers, "If-Match": f'"{case.version}"'}, json={"to": "plan_van_aanpak"}),
        409,
        "conflict",
    )
    assert "voorstel tot afsluiten" in body["detail"]


def test_transition_by_a_contributor_coordinator_is_404_like_the_screens(client, world):
    headers = {**world.headers("west_coordinator"), "If-Match": '"1"'}
    response = client.post(
        f"/api/v1/cases/{world.case_id}/transitions", headers=headers, json={"to": "plan_van_aanpak"}
    )
    assert_problem(response, 404)
    assert last_event("case.transition", case_id=world.case_id).outcome is Outcome.DENIED


# -- participants ---------------------------------------------------------------------------------


def test_participants_list_add_and_end(client, world):
    make_org("woco")
    path = f"/api/v1/cases/{world.case_id}/participants"
    headers = world.headers("coordinator")
    listed = client.get(path, headers=world.headers("west_worker")).json["items"]
    assert [(p["organisation"], p["involvement"]) for p in listed] == [
        ("zvh", "lead"),
        ("wijkteam-west", "contributor"),
    ]
    response = client.post(path, headers=headers, json={"organisation": "woco", "involvement": "observer"})
    assert response.status_code == 201, response.json
    assert response.json["organisation"] == "woco" and response.headers["Location"].endswith(path)
    added = response.json["id"]
    assert last_event("case.participants", case_id=world.case_id).details["op"] == "add"
    assert client.delete(f"{path}/{added}", headers=headers).status_code == 204
    assert db.session.get(CaseParticipant, added).ended_at is not None
    assert_problem(client.delete(f"{path}/{added}", headers=headers), 409, "conflict")  # already ended


def test_participant_refusals(client, world):
    path = f"/api/v1/cases/{world.case_id}/participants"
    headers = world.headers("coordinator")
    body = assert_problem(
        client.post(path, headers=headers, json={"organisation": "atlantis", "involvement": "observer"}), 422
    )
    assert body["errors"][0]["field"] == "organisation"
    body = assert_problem(
        client.post(path, headers=headers, json={"organisation": "politie", "involvement": "lead"}), 422
    )
    assert body["errors"][0]["field"] == "involvement"
    body = assert_problem(
        client.post(
            path, headers=headers, json={"organisation": "politie", "involvement": "observer", "user": "zvh.worker"}
        ),
        422,
    )
    assert body["errors"][0]["field"] == "user"
    lead_id = next(p.id for p in world.case.participants if p.involvement is Involvement.LEAD)
    assert_problem(client.delete(f"{path}/{lead_id}", headers=headers), 409, "conflict")
    assert_problem(client.delete(f"{path}/987654", headers=headers), 404)
    assert_problem(
        client.post(
            path,
            headers=world.headers("west_coordinator"),
            json={"organisation": "politie", "involvement": "observer"},
        ),
        404,
    )
    assert_problem(client.get(path, headers=world.headers("outsider")), 404)
    read_only = world.headers("coordinator", read_only=True)
    assert_problem(client.delete(f"{path}/{lead_id}", headers=read_only), 403, "read-only-token")


def test_confidentiality_change_that_would_shut_the_editor_out_is_refused(client, world):
    headers = {**world.headers("coordinator"), "If-Match": '"1"'}
    body = assert_problem(
        client.patch(f"/api/v1/cases/{world.case_id}", headers=headers, json={"confidentiality": "geheim"}), 422
    )
    assert body["errors"][0]["field"] == "confidentiality"
    assert db.session.get(Case, world.case_id).confidentiality is Confidentiality.ZAAKVERTROUWELIJK
