"""Contract of the handoff, audit and /me endpoints."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs.models import Handoff, HandoffStatus
from tests.api.support import assert_problem, make_world
from tests.factories import make_case_type
from tests.helpers import audit_events, last_event

TRANSFER = {
    "organisation": "wijkteam-west",
    "kind": "transfer",
    "summary": "Zorgvragen overheersen; regie past bij het wijkteam.",
    "legal_basis": "zvh_convenant",
    "person_informed": True,
    "previous_lead": "observer",
}


@pytest.fixture
def world():
    world = make_world()
    make_case_type("youth")
    return world


def _send(client, world, payload=TRANSFER, user="coordinator"):
    return client.post(f"/api/v1/cases/{world.case_id}/handoffs", headers=world.headers(user), json=payload)


def test_a_coordinator_sends_a_transfer_and_the_receiver_accepts_it(client, world):
    response = _send(client, world)
    assert response.status_code == 201, response.json
    handoff = response.json
    assert handoff["status"] == "pending" and handoff["previous_lead"] == "observer"
    assert response.headers["Location"].endswith(f"/api/v1/handoffs/{handoff['id']}")
    incoming = client.get("/api/v1/handoffs?box=incoming", headers=world.headers("west_coordinator")).json["items"]
    assert [h["id"] for h in incoming] == [handoff["id"]] and "summary" not in incoming[0]
    outgoing = client.get("/api/v1/handoffs?box=outgoing", headers=world.headers("coordinator")).json["items"]
    assert [h["id"] for h in outgoing] == [handoff["id"]]
    detail = client.get(f"/api/v1/handoffs/{handoff['id']}", headers=world.headers("west_coordinator")).json
    assert detail["summary"] == TRANSFER["summary"]
    path = f"/api/v1/handoffs/{handoff['id']}/accept"
    body = assert_problem(client.post(path, headers=world.headers("west_coordinator"), json={}), 422, "rule-violation")
    assert body["errors"][0]["field"] == "coordinator"
    assert_problem(client.post(path, headers=world.headers("coordinator"), json={}), 403, "forbidden")  # the sender
    accepted = client.post(path, headers=world.headers("west_coordinator"), json={"coordinator": "west.coordinator"})
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "accepted"
    assert db.session.get(Case, world.case_id).lead_organisation.slug == "wijkteam-west"
    assert last_event("handoff.accept").outcome is Outcome.ALLOWED
    again = client.post(path, headers=world.headers("west_coordinator"), json={"coordinator": "west.coordinator"})
    assert_problem(again, 409, "conflict")


def test_reject_and_cancel(client, world):
    first = _send(client, world).json["id"]
    path = f"/api/v1/handoffs/{first}/reject"
    assert_problem(client.post(path, headers=world.headers("west_coordinator"), json={"reason": " "}), 422)
    rejected = client.post(path, headers=world.headers("west_coordinator"), json={"reason": "Geen capaciteit."})
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert rejected.json["rejection_reason"] == "Geen capaciteit."
    second = _send(client, world).json["id"]
    cancelled = client.post(f"/api/v1/handoffs/{second}/cancel", headers=world.headers("coordinator"))
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert_problem(client.post(f"/api/v1/handoffs/{second}/cancel", headers=world.headers("coordinator")), 409)
    decided = client.get("/api/v1/handoffs?box=decided", headers=world.headers("coordinator")).json["items"]
    assert {h["id"] for h in decided} == {first, second}


def test_a_caseworker_of_the_lead_saves_a_draft(client, world):
    response = _send(client, world, user="worker")
    assert response.status_code == 201 and response.json["status"] == "draft"
    assert db.session.get(Handoff, response.json["id"]).status is HandoffStatus.DRAFT


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organisation": "atlantis"}, "organisation"),
        ({"legal_basis": "nope"}, "legal_basis"),
        ({"previous_lead": None}, "previous_lead"),
        ({"kind": "referral", "organisation": "wijkteam-west"}, "organisation"),  # already a participant
        ({"summary": ""}, "summary"),
    ],
)
def test_handoff_rules_are_422_on_the_field(client, world, change, field):
    body = assert_problem(_send(client, world, {**TRANSFER, **change}), 422)
    assert [e["field"] for e in body["errors"]] == [field]


def test_handoffs_of_other_cases_and_roles(client, world):
    assert_problem(_send(client, world, user="west_coordinator"), 404)  # not the lead
    assert_problem(_send(client, world, user="outsider"), 404)
    handoff_id = _send(client, world).json["id"]
    assert_problem(client.get(f"/api/v1/handoffs/{handoff_id}", headers=world.headers("outsider")), 404)
    assert_problem(client.get("/api/v1/handoffs?box=incoming", headers=world.headers("supervisor")), 403, "forbidden")
    assert_problem(client.get("/api/v1/handoffs", headers=world.headers("coordinator")), 422, "validation-error")
    read_only = world.headers("west_coordinator", read_only=True)
    assert_problem(client.post(f"/api/v1/handoffs/{handoff_id}/reject", headers=read_only, json={"reason": "x"}), 403)


# -- audit ----------------------------------------------------------------------------------------


def test_supervisors_read_the_audit_log_with_filters(client, world):
    client.get(f"/api/v1/cases/{world.case_id}", headers=world.headers("worker"))
    reference = world.case.reference
    headers = world.headers("supervisor")
    body = client.get(f"/api/v1/audit?actor=zvh.worker&action=case.view&case={reference}", headers=headers).json
    assert body["total"] == 1
    [event] = body["items"]
    assert event["actor"] == "zvh.worker" and event["case_reference"] == reference and event["outcome"] == "allowed"
    denied = client.get("/api/v1/audit?outcome=denied&since=2000-01-01&until=2999-12-31", headers=headers).json
    assert all(e["outcome"] == "denied" for e in denied["items"])
    assert audit_events("audit.list")[-2].details["filters"]["username"] == "zvh.worker"


def test_the_audit_log_is_403_for_non_supervisors_and_validates_filters(client, world):
    assert_problem(client.get("/api/v1/audit", headers=world.headers("coordinator")), 403, "forbidden")
    assert last_event("audit.view").outcome is Outcome.DENIED
    body = assert_problem(client.get("/api/v1/audit?outcome=maybe", headers=world.headers("supervisor")), 422)
    assert body["errors"][0]["field"] == "outcome"


# -- /me ------------------------------------------------------------------------------------------


def test_me_lists_the_access_modules_authorisations(client, world):
    body = client.get("/api/v1/me", headers=world.headers("coordinator")).json
    [global_actions, *per_type] = body["authorisations"]
    assert global_actions["case_type"] is None and "case.create" in global_actions["actions"]
    youth = [a for a in per_type if a["case_type"] == "youth"]
    assert youth and all(a["max_confidentiality"] == "vertrouwelijk" for a in youth)
    assert any("case.view" in a["actions"] and "case.transition" in a["actions"] for a in youth)
