"""Signal screens over HTTP: register, persons step, queue, triage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casebook.audit import Outcome
from casebook.cases.models import Case
from casebook.db import db, utcnow
from casebook.signals.models import Signal, SignalPerson
from tests.factories import login_as, make_case, make_case_type, make_org, make_person, make_signal, make_user
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def worker():
    return make_user(org=make_org("politie", name="Politie basisteam"))


def test_register_form_and_422_keeps_input(client, worker):
    case_type = make_case_type("youth")
    login_as(client, worker)
    assert client.get("/signals/new").status_code == 200
    response = client.post(
        "/signals/new",
        data={
            "source_organisation": worker.organisation_id,
            "channel": "police",
            "case_type": case_type.id,
            "description": "Jongere met mes",
            "subject_informed": "no",
            "not_informed_reason": "",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Geef een reden." in html and "Jongere met mes" in html


def test_register_redirects_to_the_persons_step(client, worker):
    case_type = make_case_type("youth")
    login_as(client, worker)
    response = client.post(
        "/signals/new",
        data={
            "source_organisation": worker.organisation_id,
            "channel": "school",
            "case_type": case_type.id,
            "description": "Verzuim",
            "subject_informed": "no",
            "not_informed_reason": "Veiligheid",
        },
    )
    assert response.status_code == 302 and "#persons" in response.headers["Location"]
    signal = db.session.query(Signal).one()
    assert signal.not_informed_reason == "Veiligheid" and signal.registered_by_id == worker.id


def test_search_link_and_create_person(client, worker):
    existing = make_person("Jansen", bsn="999990019")
    make_case(lead=worker.organisation, subjects=[existing])
    signal = make_signal(worker)
    login_as(client, worker)
    html = client.post(f"/signals/{signal.id}/persons/search", data={"bsn": "999990019"}).get_data(as_text=True)
    assert "1 persoon gevonden" in html and "Daan Jansen" in html
    response = client.post(
        f"/signals/{signal.id}/persons",
        data={"person_id": existing.id, "role": "subject", "bsn": "999990019", "family_name": "", "birth_date": ""},
    )
    assert response.status_code == 302
    assert db.session.query(SignalPerson).filter_by(signal_id=signal.id).count() == 1
    # a new person with the same name and birth date: refused until confirmed distinct
    data = {"family_name": "Jansen", "given_names": "Sem", "birth_date": "2008-05-17", "bsn": "", "role": "victim"}
    response = client.post(f"/signals/{signal.id}/persons/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bevestig dat het niet dezelfde persoon is" in html and 'value="Sem"' in html
    response = client.post(
        f"/signals/{signal.id}/persons/new",
        data={**data, "confirm_distinct": "y", "distinct_ids": str(existing.id)},
    )
    assert response.status_code == 302
    assert db.session.query(SignalPerson).filter_by(signal_id=signal.id).count() == 2


def test_link_of_a_person_not_in_the_results_is_refused(client, worker):
    outsider = make_person("Visser")
    signal = make_signal(worker)
    login_as(client, worker)
    response = client.post(
        f"/signals/{signal.id}/persons",
        data={"person_id": outsider.id, "role": "subject", "bsn": "999990019", "family_name": "", "birth_date": ""},
    )
    assert response.status_code == 422 and "zoekresultaten" in response.get_data(as_text=True)


def test_unlink(client, worker):
    signal = make_signal(worker, persons=[make_person()])
    link_id = signal.persons[0].id
    login_as(client, worker)
    assert client.post(f"/signals/{signal.id}/persons/{link_id}/remove").status_code == 302
    assert db.session.query(SignalPerson).filter_by(signal_id=signal.id).count() == 0
    assert client.post(f"/signals/{signal.id}/persons/{link_id}/remove").status_code == 422


def test_queue_marks_overdue_and_is_404_for_caseworkers(client, coordinator, worker):
    old = make_signal(worker, received_at=utcnow() - timedelta(days=21))
    fresh = make_signal(worker, received_at=utcnow())
    login_as(client, worker)
    assert client.get("/signals").status_code == 404
    client.post("/logout")
    login_as(client, coordinator)
    html = client.get("/signals").get_data(as_text=True)
    assert html.index(old.reference) < html.index(fresh.reference)
    assert "te laat" in html and "2 meldingen wachten" in html


def test_triage_open_case_redirects_to_the_case(client, coordinator, worker, zvh):
    signal = make_signal(worker, persons=[make_person()])
    login_as(client, coordinator)
    assert "Wegen" in client.get(f"/signals/{signal.id}").get_data(as_text=True)
    data = {
        "criterion_a": "yes",
        "criterion_b": "yes",
        "criterion_c": "no",
        "criterion_d": "no",
        "decision": "open_case",
        "reason": "Zwaar",
        "lead_organisation": zvh.id,
        "process_coordinator": coordinator.id,
    }
    response = client.post(f"/signals/{signal.id}/triage", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Een casus openen kan alleen als aan a, b én c, of aan d is voldaan" in html and "Zwaar" in html
    response = client.post(f"/signals/{signal.id}/triage", data={**data, "criterion_d": "yes"})
    assert response.status_code == 302
    case = db.session.query(Case).one()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    html = client.get(f"/cases/{case.id}/timeline?kind=signal").get_data(as_text=True)
    assert signal.reference in html and "Politie basisteam" in html


def test_triage_422_when_criteria_are_missing(client, coordinator, worker):
    signal = make_signal(worker)
    login_as(client, coordinator)
    response = client.post(f"/signals/{signal.id}/triage", data={"decision": "advice", "reason": "x"})
    assert response.status_code == 422 and "Beantwoord dit criterium." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/signals/{id}"),
        ("post", "/signals/{id}/persons"),
        ("post", "/signals/{id}/persons/new"),
        ("post", "/signals/{id}/persons/1/remove"),
        ("post", "/signals/{id}/triage"),
    ],
)
def test_someone_elses_signal_is_404_and_audited(client, worker, method, path):
    signal = make_signal(worker, received_at=datetime(2026, 11, 2, tzinfo=UTC))
    stranger = make_user(org=worker.organisation)
    login_as(client, stranger)
    assert getattr(client, method)(path.format(id=signal.id)).status_code == 404
    assert last_event("signal.view", actor_user_id=stranger.id).outcome is Outcome.DENIED


def test_supervisor_cannot_register(client):
    login_as(client, make_user(roles=["supervisor"]))
    assert client.get("/signals/new").status_code == 404
