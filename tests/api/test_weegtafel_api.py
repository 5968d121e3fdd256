"""Contract of the weegtafel's API: the "bekend" context in the signal's JSON, assignment with
If-Match, filters, and a question and its answer with the clock paused (the screens' parity)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.audit import Outcome
from casebook.db import utcnow
from casebook.organisations.models import OrganisationKind
from tests.api.support import assert_problem
from tests.factories import (
    bearer,
    make_api_token,
    make_case,
    make_district,
    make_org,
    make_person,
    make_signal,
    make_user,
)
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def police():
    return make_org("politie", kind=OrganisationKind.POLICE)


@pytest.fixture
def police_worker(police):
    return make_user(org=police)


def test_the_signal_json_carries_the_bekend_context(client, zvh, coordinator, police_worker):
    person = make_person()
    case = make_case(lead=zvh, subjects=[person])
    signal = make_signal(police_worker, persons=[person])
    response = client.get(f"/api/v1/signals/{signal.id}", headers=bearer(make_api_token(coordinator)))
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    [known] = response.json["known"]
    assert known["person"] == person.id
    assert known["cases"] == [{"case": case.id, "reference": case.reference, "closed": False}]
    assert known["possibly_known_elsewhere"] is False
    assert response.json["information_requests"] == []
    listed = client.get("/api/v1/signals", headers=bearer(make_api_token(coordinator))).json["items"]
    assert listed[0]["known"][0]["cases"][0]["reference"] == case.reference
    # the registrant sees their signal, not the context
    own = client.get(f"/api/v1/signals/{signal.id}", headers=bearer(make_api_token(police_worker))).json
    assert own["known"] is None and own["information_requests"] is None


def test_assignment_needs_if_match_and_filters_find_it(client, zvh, coordinator, police, police_worker):
    wielwijk = make_district("wielwijk")
    signal = make_signal(police_worker, district=wielwijk)
    other = make_signal(make_user(org=zvh))
    signal_id, other_id, coordinator_id = signal.id, other.id, coordinator.id
    headers = bearer(make_api_token(coordinator))
    url = f"/api/v1/signals/{signal_id}"
    assert_problem(client.patch(url, headers=headers, json={"assignee": coordinator.username}), 428)
    stale = {**headers, "If-Match": '"7"'}
    assert_problem(client.patch(url, headers=stale, json={"assignee": coordinator.username}), 412)
    fresh = {**headers, "If-Match": '"1"'}
    unknown = client.patch(url, headers=fresh, json={"assignee": "nobody"})
    assert_problem(unknown, 422)
    response = client.patch(url, headers=fresh, json={"assignee": coordinator.username})
    assert response.status_code == 200, response.json
    assert response.json["assigned_to"] == coordinator.username and response.headers["ETag"] == '"2"'
    assert last_event("signal.assign").details["assignee"] == coordinator_id

    def ids(query: str) -> list[int]:
        return [s["id"] for s in client.get(f"/api/v1/signals?{query}", headers=headers).json["items"]]

    assert ids("") == [signal_id, other_id]
    assert ids("mine=true") == [signal_id]
    assert ids("source=politie") == [signal_id]
    assert ids("district=wielwijk") == [signal_id]
    assert ids("overdue=true") == []
    assert ids("source=unknown-org") == []


def test_a_question_and_its_answer_with_the_clock_paused(client, zvh, coordinator, police, police_worker):
    signal = make_signal(make_user(org=zvh), received_at=utcnow() - timedelta(days=30))
    signal_id = signal.id
    headers, partner = bearer(make_api_token(coordinator)), bearer(make_api_token(police_worker))
    url = f"/api/v1/signals/{signal_id}/information-requests"
    own_org = client.post(url, headers=headers, json={"organisation": "zvh", "question": "Vraag"})
    assert_problem(own_org, 422)
    created = client.post(url, headers=headers, json={"organisation": "politie", "question": "Loopt er een strafzaak?"})
    assert created.status_code == 201, created.json
    request_id = created.json["id"]
    before = client.get(f"/api/v1/signals/{signal_id}", headers=headers).json
    assert before["waiting_for_information"] is True
    paused_age = before["working_days"]

    inbox = client.get("/api/v1/information-requests", headers=partner).json["items"]
    assert [(r["id"], r["question"]) for r in inbox] == [(request_id, "Loopt er een strafzaak?")]
    assert "signal" not in inbox[0] and "description" not in str(inbox[0])
    assert last_event("signal.information.list").details == {"results": 1}
    assert_problem(client.get(f"/api/v1/signals/{signal_id}", headers=partner), 404)
    one = client.get(f"/api/v1/information-requests/{request_id}", headers=partner)
    assert one.status_code == 200 and one.headers["ETag"] == '"1"'
    assert last_event("signal.information.answer").outcome is Outcome.ALLOWED  # the audited read
    answer_url = f"/api/v1/information-requests/{request_id}/answer"
    assert_problem(client.post(answer_url, headers=partner, json={"answer": "Ja"}), 428)
    answered = client.post(answer_url, headers={**partner, "If-Match": '"1"'}, json={"answer": "Ja, in januari."})
    assert answered.status_code == 200 and answered.json["answer"] == "Ja, in januari."
    again = client.post(answer_url, headers={**partner, "If-Match": '"2"'}, json={"answer": "Nogmaals"})
    assert_problem(again, 409)

    after = client.get(f"/api/v1/signals/{signal_id}", headers=headers).json
    assert after["waiting_for_information"] is False and after["working_days"] == paused_age
    assert after["information_requests"][0]["answer"] == "Ja, in januari."


def test_another_partner_and_a_registrant_cannot_reach_the_question(client, zvh, coordinator, police, police_worker):
    signal = make_signal(police_worker)
    signal_id = signal.id
    registrant = bearer(make_api_token(police_worker))
    outsider = bearer(make_api_token(make_user(org=make_org("jongerenwerk", kind=OrganisationKind.YOUTH_WORK))))
    supervisor = bearer(make_api_token(make_user(org=zvh, roles=["supervisor"])))
    created = client.post(
        f"/api/v1/signals/{signal_id}/information-requests",
        headers=bearer(make_api_token(coordinator)),
        json={"organisation": "politie", "question": "Vraag"},
    )
    request_id = created.json["id"]
    assert client.get("/api/v1/information-requests", headers=outsider).json["items"] == []
    assert_problem(client.get(f"/api/v1/information-requests/{request_id}", headers=outsider), 404)
    assert last_event("signal.information.answer").outcome is Outcome.DENIED
    # who registered the signal but does not weigh it may not ask partners
    asked = client.post(
        f"/api/v1/signals/{signal_id}/information-requests",
        headers=registrant,
        json={"organisation": "zvh", "question": "Vraag"},
    )
    assert_problem(asked, 403)
    assert_problem(client.get("/api/v1/information-requests", headers=supervisor), 403)
