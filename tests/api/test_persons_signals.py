"""Contract of the persons and signals endpoints."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Case
from casebook.db import db
from casebook.signals.models import Signal
from tests.api.support import assert_problem, make_world
from tests.factories import make_case_type, make_org, make_person, make_signal, make_user
from tests.helpers import last_event

BSN = "123456782"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def person(world):
    person = make_person(bsn=BSN)
    case = world.case
    from casebook.cases.models import CaseSubject, SubjectRole

    case.subjects.append(CaseSubject(person=person, role=SubjectRole.SUBJECT))
    db.session.flush()
    return person


# -- persons --------------------------------------------------------------------------------------


def test_search_by_bsn_and_by_name_returns_masked_bsns(client, world, person):
    headers = world.headers("west_worker")
    found = client.get(f"/api/v1/persons?bsn={BSN}", headers=headers).json["items"]
    assert [(p["id"], p["bsn_masked"], p["family_name"]) for p in found] == [(person.id, "*****6782", "Jansen")]
    assert BSN not in str(found)
    by_name = client.get("/api/v1/persons?family_name=jansen&birth_date=2008-05-17", headers=headers).json
    assert [p["id"] for p in by_name["items"]] == [person.id]
    assert last_event("person.search").details == {"kind": "name_dob", "results": 1}
    assert client.get(f"/api/v1/persons?bsn={BSN}", headers=world.headers("outsider")).json["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("bsn=123456789", "bsn"), ("family_name=Jansen", "bsn"), ("", "bsn"), ("birth_date=x", "birth_date")],
)
def test_search_needs_valid_criteria_422(client, world, query, field):
    body = assert_problem(
        client.get(f"/api/v1/persons?{query}", headers=world.headers("worker")), 422, "validation-error"
    )
    assert [e["field"] for e in body["errors"]] == [field]


def test_search_is_403_for_roles_without_person_search(client, world):
    assert_problem(client.get(f"/api/v1/persons?bsn={BSN}", headers=world.headers("supervisor")), 403, "forbidden")
    assert last_event("person.search").outcome is Outcome.DENIED


def test_get_person_masks_the_bsn_and_lists_only_visible_cases(client, world, person):
    response = client.get(f"/api/v1/persons/{person.id}", headers=world.headers("coordinator"))
    assert response.status_code == 200
    body = response.json
    assert body["bsn_masked"] == "*****6782" and BSN not in response.get_data(as_text=True)
    assert body["cases"] == [{"case": world.case_id, "reference": world.case.reference, "role": "subject"}]
    assert last_event("person.view").outcome is Outcome.ALLOWED
    assert_problem(client.get(f"/api/v1/persons/{person.id}", headers=world.headers("outsider")), 404)
    assert_problem(client.get("/api/v1/persons/987654", headers=world.headers("coordinator")), 404)


def test_register_person_in_a_case_then_duplicates_are_409_with_candidates(client, world, person):
    headers = world.headers("worker")
    payload = {"case": world.case_id, "family_name": "de Vries", "birth_date": "2001-02-03", "role": "victim"}
    response = client.post("/api/v1/persons", headers=headers, json=payload)
    assert response.status_code == 201, response.json
    new_id = response.json["id"]
    assert response.headers["Location"].endswith(f"/api/v1/persons/{new_id}")
    assert last_event("case.subject.add", case_id=world.case_id).details["person_id"] == new_id
    again = assert_problem(client.post("/api/v1/persons", headers=headers, json=payload), 409, "duplicate-person")
    assert again["candidates"] == [new_id]
    linked = client.post("/api/v1/persons", headers=headers, json={**payload, "use_existing": new_id})
    assert linked.status_code == 201 and linked.json["id"] == new_id
    confirmed = client.post("/api/v1/persons", headers=headers, json={**payload, "confirmed_new": True})
    assert confirmed.status_code == 201 and confirmed.json["id"] != new_id
    same_bsn = {**payload, "family_name": "Anders", "bsn": BSN, "confirmed_new": True}
    body = assert_problem(client.post("/api/v1/persons", headers=headers, json=same_bsn), 409, "duplicate-person")
    assert body["candidates"] == [person.id]


def test_register_person_refusals(client, world):
    payload = {"case": world.case_id, "family_name": "X", "birth_date": "2001-02-03"}
    assert_problem(client.post("/api/v1/persons", headers=world.headers("outsider"), json=payload), 404)
    assert_problem(client.post("/api/v1/persons", headers=world.headers("supervisor"), json=payload), 404)
    body = assert_problem(
        client.post("/api/v1/persons", headers=world.headers("worker"), json={**payload, "bsn": "123"}), 422
    )
    assert body["errors"][0]["field"] == "bsn"
    body = assert_problem(
        client.post("/api/v1/persons", headers=world.headers("worker"), json={"case": world.case_id}), 422
    )
    assert {e["field"] for e in body["errors"]} == {"family_name", "birth_date"}
    assert_problem(client.post("/api/v1/persons", headers=world.headers("worker", read_only=True), json=payload), 403)


# -- signals --------------------------------------------------------------------------------------


def test_register_and_queue_and_triage_a_signal(client, world, person):
    make_case_type("youth")
    payload = {
        "source_organisation": "politie",
        "channel": "police",
        "case_type": "youth",
        "description": "Jongere met een mes gezien.",
        "subject_informed": False,
        "not_informed_reason": "Lopend onderzoek",
    }
    response = client.post("/api/v1/signals", headers=world.headers("worker"), json=payload)
    assert response.status_code == 201, response.json
    signal_id = response.json["id"]
    assert response.json["reference"].startswith("MLD-") and last_event("signal.create").outcome is Outcome.ALLOWED
    queue = client.get("/api/v1/signals", headers=world.headers("coordinator")).json
    assert [s["id"] for s in queue["items"]] == [signal_id] and queue["items"][0]["working_days"] == 0
    signal = db.session.get(Signal, signal_id)
    from casebook.cases.models import SubjectRole
    from casebook.signals.models import SignalPerson

    signal.persons.append(SignalPerson(person_id=person.id, role=SubjectRole.SUBJECT))
    db.session.flush()
    decision = {
        "criterion_a": True,
        "criterion_b": True,
        "criterion_c": True,
        "criterion_d": False,
        "decision": "open_case",
        "reason": "Meerdere leefgebieden.",
        "lead_organisation": "zvh",
        "process_coordinator": "zvh.coordinator",
    }
    triaged = client.post(f"/api/v1/signals/{signal_id}/triage", headers=world.headers("coordinator"), json=decision)
    assert triaged.status_code == 200, triaged.json
    case = db.session.get(Case, triaged.json["case"])
    assert case.lead_organisation.slug == "zvh" and triaged.json["decision"] == "open_case"
    again = client.post(f"/api/v1/signals/{signal_id}/triage", headers=world.headers("coordinator"), json=decision)
    assert_problem(again, 409, "conflict")


def test_signal_rules(client, world):
    make_case_type("youth")
    base = {
        "source_organisation": "politie",
        "channel": "police",
        "case_type": "youth",
        "description": "x",
        "subject_informed": True,
    }
    headers = world.headers("worker")
    for change, field in [
        ({"subject_informed": False}, "not_informed_reason"),
        ({"case_type": "nope"}, "case_type"),
        ({"district": "atlantis"}, "district"),
        ({"source_organisation": "nope"}, "source_organisation"),
    ]:
        body = assert_problem(
            client.post("/api/v1/signals", headers=headers, json={**base, **change}), 422, "rule-violation"
        )
        assert [e["field"] for e in body["errors"]] == [field], change
    assert_problem(client.post("/api/v1/signals", headers=world.headers("supervisor"), json=base), 403, "forbidden")
    assert_problem(client.get("/api/v1/signals", headers=world.headers("worker")), 403, "forbidden")


def test_triage_rules_and_visibility(client, world):
    signal_id = make_signal(world.user("worker"), source=make_org("politie")).id
    path = f"/api/v1/signals/{signal_id}/triage"
    decision = {
        "criterion_a": False,
        "criterion_b": False,
        "criterion_c": False,
        "criterion_d": False,
        "decision": "open_case",
        "reason": "x",
    }
    body = assert_problem(client.post(path, headers=world.headers("coordinator"), json=decision), 422, "rule-violation")
    assert body["errors"][0]["field"] == "decision"
    refer = {**decision, "decision": "refer", "referred_to": "nope"}
    assert (
        assert_problem(client.post(path, headers=world.headers("coordinator"), json=refer), 422)["errors"][0]["field"]
        == "referred_to"
    )
    assert_problem(
        client.post(path, headers=world.headers("worker"), json={**decision, "decision": "advice"}), 403, "forbidden"
    )
    stranger = make_user(org=make_org(), roles=[Role.CASEWORKER])
    from tests.factories import bearer, make_api_token

    assert_problem(client.post(path, headers=bearer(make_api_token(stranger)), json=decision), 404)
    advice = client.post(path, headers=world.headers("coordinator"), json={**decision, "decision": "advice"})
    assert advice.status_code == 200 and advice.json["case"] is None
