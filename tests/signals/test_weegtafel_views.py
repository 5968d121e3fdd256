"""The weegtafel with context over HTTP: "bekend", assigning, filtering, and a question and its answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.audit import Outcome
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind
from casebook.signals.models import InformationRequest, Signal
from tests.factories import login_as, make_case, make_district, make_org, make_person, make_signal, make_user
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def police():
    return make_org("politie", kind=OrganisationKind.POLICE, name="Politie basisteam")


@pytest.fixture
def police_worker(police):
    return make_user(org=police)


def test_the_weegtafel_shows_bekend_for_a_person_with_an_earlier_case(client, zvh, coordinator, police_worker):
    person = make_person()
    case = make_case(lead=zvh, subjects=[person])
    signal = make_signal(police_worker, persons=[person])
    make_signal(police_worker, persons=[make_person("Nieuw")])
    login_as(client, coordinator)
    html = client.get("/signals").get_data(as_text=True)
    assert "1 open casus" in html and case.reference in html and "Niet eerder bekend" in html
    assert last_event("signal.context.view").details["known"] == 1
    detail = client.get(f"/signals/{signal.id}").get_data(as_text=True)
    assert case.reference in detail and "Bekend" in detail


def test_assign_then_filter_on_assigned_to_me(client, zvh, coordinator, police, police_worker):
    wielwijk = make_district("wielwijk")
    mine = make_signal(police_worker, district=wielwijk)
    other = make_signal(make_user(org=zvh))
    login_as(client, coordinator)
    response = client.post(f"/signals/{mine.id}/assign", data={"assignee": coordinator.id, "version": mine.version})
    assert response.status_code == 302
    assert db.session.get(Signal, mine.id).assigned_to_id == coordinator.id
    assert last_event("signal.assign").details["assignee"] == coordinator.id

    def listed(query: str) -> set[str]:
        html = client.get(f"/signals?{query}").get_data(as_text=True)
        return {s.reference for s in (mine, other) if s.reference in html}

    assert listed("") == {mine.reference, other.reference}
    assert listed("mine=y") == {mine.reference}
    assert listed(f"source={police.id}") == {mine.reference}
    assert listed(f"district={wielwijk.id}") == {mine.reference}
    assert listed("overdue=y") == set()
    assert client.get("/signals?district=x").status_code == 422


def test_a_stale_assignment_is_409_and_writes_nothing(client, zvh, coordinator, police_worker):
    signal = make_signal(police_worker)
    login_as(client, coordinator)
    response = client.post(f"/signals/{signal.id}/assign", data={"assignee": coordinator.id, "version": 99})
    assert response.status_code == 409 and db.session.get(Signal, signal.id).assigned_to_id is None


def test_a_question_and_its_answer_with_the_clock_paused(client, zvh, coordinator, police, police_worker):
    signal = make_signal(make_user(org=zvh), received_at=utcnow() - timedelta(days=30))  # not the partner's
    login_as(client, coordinator)
    empty = client.post(
        f"/signals/{signal.id}/information-requests",
        data={"organisation": police.id, "question": "", "version": signal.version},
    )
    assert empty.status_code == 422
    response = client.post(
        f"/signals/{signal.id}/information-requests",
        data={"organisation": police.id, "question": "Loopt er een strafzaak?", "version": signal.version},
    )
    assert response.status_code == 302
    assert db.session.get(Signal, signal.id).is_waiting
    queue = client.get("/signals").get_data(as_text=True)
    assert "wacht op informatie" in queue
    request = db.session.query(InformationRequest).one()

    client.post("/logout")
    login_as(client, police_worker)
    inbox = client.get("/information-requests").get_data(as_text=True)
    assert request.reference in inbox and signal.reference not in inbox
    assert last_event("signal.information.list").actor_user_id == police_worker.id
    page = client.get(f"/information-requests/{request.id}").get_data(as_text=True)
    assert "Loopt er een strafzaak?" in page
    assert signal.reference not in page and "Signaal over een jongere" not in page  # only the question
    assert last_event("signal.information.answer").outcome is Outcome.ALLOWED  # the audited read
    assert client.get(f"/signals/{signal.id}").status_code == 404  # the signal stays closed to them
    bad = client.post(f"/information-requests/{request.id}/answer", data={"answer": "", "version": request.version})
    assert bad.status_code == 422
    answered = client.post(
        f"/information-requests/{request.id}/answer", data={"answer": "Ja, zitting in januari.", "version": 1}
    )
    assert answered.status_code == 302 and not db.session.get(Signal, signal.id).is_waiting
    again = client.post(f"/information-requests/{request.id}/answer", data={"answer": "x", "version": request.version})
    assert again.status_code == 409

    client.post("/logout")
    login_as(client, coordinator)
    detail = client.get(f"/signals/{signal.id}").get_data(as_text=True)
    assert "Ja, zitting in januari." in detail
    assert last_event("signal.information.view").details == {"requests": 1}


def test_another_partner_gets_404_on_the_question(client, zvh, coordinator, police, police_worker):
    signal = make_signal(police_worker)
    request = InformationRequest(organisation=police, asked_by=coordinator, asked_at=utcnow())
    request.question = "Vraag"
    signal.information_requests.append(request)
    db.session.flush()
    outsider = make_user(org=make_org("jongerenwerk", kind=OrganisationKind.YOUTH_WORK))
    login_as(client, outsider)
    assert client.get(f"/information-requests/{request.id}").status_code == 404
    assert (
        client.post(f"/information-requests/{request.id}/answer", data={"answer": "x", "version": 1}).status_code == 404
    )
    assert last_event("signal.information.answer").outcome is Outcome.DENIED
    assert request.reference not in client.get("/information-requests").get_data(as_text=True)
