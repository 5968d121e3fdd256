"""The case dossier's process (Overzicht, Betrokkenen & deelnemers, Tijdlijn) and the routes that
change a case, over HTTP."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.cases import lifecycle
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.db import db
from tests.factories import login_as, make_case, make_district, make_org, make_results, make_user, status_of
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh", name="Zorg- en Veiligheidshuis")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def case(zvh):
    case = make_case(lead=zvh)
    make_results(case.case_type)
    return case


def test_the_dossier_offers_the_coordinator_process_forms_on_demand(client, case, coordinator):
    login_as(client, coordinator)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}?form=status" in html and "Tijdlijn" in html
    assert 'name="to_status"' not in html  # the form opens on demand
    html = client.get(f"/cases/{case.id}?form=status").get_data(as_text=True)
    assert 'name="to_status"' in html and 'name="version" type="hidden" value="1"' in html
    assert f"/cases/{case.id}/people?form=participant" in client.get(f"/cases/{case.id}/people").get_data(as_text=True)
    assert "Casus geopend in status" in client.get(f"/cases/{case.id}/timeline").get_data(as_text=True)


def test_caseworker_sees_timeline_without_process_forms(client, case, zvh):
    login_as(client, make_user(org=zvh))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Tijdlijn" in html
    for text in ("?form=status", "?form=closure", "?form=participant"):
        assert text not in html
    assert "?form=participant" not in client.get(f"/cases/{case.id}/people").get_data(as_text=True)


def test_transition_then_timeline_filter(client, case, coordinator):
    login_as(client, coordinator)
    target = status_of(case, "plan_van_aanpak").id
    response = client.post(f"/cases/{case.id}/status", data={"version": 1, "to_status": target, "reason": ""})
    assert response.status_code == 303 and response.headers["Location"] == f"/cases/{case.id}"
    assert db.session.get(Case, case.id).status.code == "plan_van_aanpak"
    assert "Status gewijzigd." in client.get(response.headers["Location"]).get_data(as_text=True)
    html = client.get(f"/cases/{case.id}/timeline?kind=status").get_data(as_text=True)
    assert "Status gewijzigd van Casusoverleg naar Plan van aanpak" in html
    assert html.index("Status gewijzigd") < html.index("Casus geopend")  # newest first
    html = client.get(f"/cases/{case.id}/timeline?kind=participant").get_data(as_text=True)
    assert "Status gewijzigd" not in html


def test_skip_without_reason_is_422_with_input_kept(client, case, coordinator):
    login_as(client, coordinator)
    target = status_of(case, "nazorg").id
    response = client.post(f"/cases/{case.id}/status", data={"version": 1, "to_status": target, "reason": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dit is niet de volgende stap: geef een reden." in html
    assert f'<option selected value="{target}">' in html


def test_stale_transition_is_409_showing_the_change_and_keeping_input(client, case, coordinator, zvh):
    other = make_user(org=zvh, roles=["coordinator"])
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=other, expected_version=1)
    login_as(client, coordinator)
    target = status_of(case, "afschaling").id
    response = client.post(
        f"/cases/{case.id}/status", data={"version": 1, "to_status": target, "reason": "Snel afschalen"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "De casus is gewijzigd nadat u dit formulier opende" in html
    assert other.display_name in html and "Plan van aanpak" in html
    assert "Snel afschalen" in html
    assert 'name="version" type="hidden" value="2"' in html
    assert db.session.get(Case, case.id).status.code == "plan_van_aanpak"


def test_closing_round_trip_over_http(client, case, coordinator, zvh):
    supervisor = make_user(org=zvh, roles=["supervisor"])
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=1)
    login_as(client, coordinator)
    result = lifecycle.results_for(case)[0].id
    response = client.post(f"/cases/{case.id}/closure", data={"version": 2, "result": result, "summary": ""})
    assert response.status_code == 422 and "Schrijf een samenvatting." in response.get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/closure", data={"version": 2, "result": result, "summary": "Klaar."})
    assert response.status_code == 303
    client.post("/logout")
    login_as(client, supervisor)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Voorstel tot afsluiten beoordelen" in html and "Klaar." in html
    response = client.post(f"/cases/{case.id}/closure/decision", data={"version": 3, "decision": "send_back"})
    assert response.status_code == 422 and "Geef een toelichting" in response.get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/closure/decision", data={"version": 3, "decision": "approve"})
    assert response.status_code == 303
    closed = db.session.get(Case, case.id)
    assert closed.closed_at is not None and closed.archive_action_on is not None
    client.post("/logout")
    login_as(client, coordinator)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Casus heropenen" in html and "Archiefactiedatum" in html
    nazorg = status_of(case, "nazorg").id
    response = client.post(f"/cases/{case.id}/reopen", data={"version": 4, "to_status": nazorg, "reason": ""})
    assert response.status_code == 422
    response = client.post(f"/cases/{case.id}/reopen", data={"version": 4, "to_status": nazorg, "reason": "Terugval"})
    assert response.status_code == 303
    assert db.session.get(Case, case.id).closed_at is None


def test_edit_form_and_update(client, case, coordinator):
    login_as(client, coordinator)
    assert client.get(f"/cases/{case.id}/edit").status_code == 200
    district = make_district("wielwijk")
    response = client.post(
        f"/cases/{case.id}/edit",
        data={"version": 1, "district": district.id, "confidentiality": 4, "next_evaluation_on": "2099-01-01"},
    )
    assert response.status_code == 303
    assert db.session.get(Case, case.id).district_id == district.id
    assert "Casus bijgewerkt." in client.get(response.headers["Location"]).get_data(as_text=True)
    html = client.get(f"/cases/{case.id}/timeline").get_data(as_text=True)
    assert "Wijk gewijzigd: — → Wielwijk" in html


def test_edit_422_keeps_input(client, case, coordinator):
    login_as(client, coordinator)
    response = client.post(
        f"/cases/{case.id}/edit", data={"version": 1, "confidentiality": 4, "next_evaluation_on": "2000-01-01"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "vóór de opening" in html and 'value="2000-01-01"' in html


def test_stale_edit_is_409_with_who_what_when_and_input_kept(client, case, coordinator, zvh):
    from casebook.cases import editing

    other = make_user(org=zvh, roles=["coordinator"])
    editing.update_case(
        case,
        editing.CaseEdit(
            district_id=make_district("dubbeldam").id,
            confidentiality=case.confidentiality,
            next_evaluation_on=None,
            process_coordinator_id=None,
        ),
        by=other,
        expected_version=1,
    )
    mine = make_district("reeland")  # before any request that rolls back (the 409 below)
    login_as(client, coordinator)
    response = client.post(
        f"/cases/{case.id}/edit",
        data={"version": 1, "district": mine.id, "confidentiality": 4, "next_evaluation_on": "2099-03-04"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert other.display_name in html and "Zorg- en Veiligheidshuis" in html and "Dubbeldam" in html
    assert 'value="2099-03-04"' in html and f'<option selected value="{mine.id}">' in html
    assert db.session.get(Case, case.id).district.code == "dubbeldam"
    again = client.post(
        f"/cases/{case.id}/edit",
        data={"version": 2, "district": mine.id, "confidentiality": 4, "next_evaluation_on": "2099-03-04"},
    )
    assert again.status_code == 303 and db.session.get(Case, case.id).district_id == mine.id


def test_contributor_edit_keeps_process_fields(client, case):
    police = make_org("politie")
    case.participants.append(CaseParticipant(organisation=police, involvement=Involvement.CONTRIBUTOR))
    db.session.flush()
    login_as(client, make_user(org=police))
    html = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'name="district"' not in html
    response = client.post(f"/cases/{case.id}/edit", data={"version": 1, "next_evaluation_on": "2099-01-01"})
    assert response.status_code == 303
    assert db.session.get(Case, case.id).confidentiality == case.confidentiality


def test_participants_add_422_and_end(client, case, coordinator):
    police = make_org("politie", name="Politie basisteam")
    login_as(client, coordinator)
    response = client.post(f"/cases/{case.id}/participants", data={"organisation": "", "involvement": "contributor"})
    assert response.status_code == 422
    response = client.post(f"/cases/{case.id}/participants", data={"organisation": police.id, "involvement": "lead"})
    assert response.status_code == 422 and "overdracht" in response.get_data(as_text=True)
    response = client.post(
        f"/cases/{case.id}/participants", data={"organisation": police.id, "involvement": "contributor"}
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/cases/{case.id}/people"
    assert "Deelnemer toegevoegd." in client.get(response.headers["Location"]).get_data(as_text=True)
    participant = db.session.query(CaseParticipant).filter_by(case_id=case.id, organisation_id=police.id).one()
    html = client.get(f"/cases/{case.id}/timeline").get_data(as_text=True)
    assert "Politie basisteam neemt deel als betrokken partner" in html
    response = client.post(f"/cases/{case.id}/participants/{participant.id}/end")
    assert response.status_code == 303
    assert db.session.get(CaseParticipant, participant.id).ended_at is not None
    response = client.post(f"/cases/{case.id}/participants/{participant.id}/end")
    assert response.status_code == 422


def test_removed_organisation_loses_access_on_the_next_request(client, case, coordinator):
    police = make_org("politie")
    worker = make_user(org=police)
    from casebook.cases import participants

    added = participants.add_participant(case, police.id, Involvement.CONTRIBUTOR, by=coordinator)
    login_as(client, worker)
    assert client.get(f"/cases/{case.id}").status_code == 200
    participants.end_participant(
        db.session.get(Case, case.id), added.id, by=db.session.get(type(coordinator), coordinator.id)
    )
    assert client.get(f"/cases/{case.id}").status_code == 404


PROCESS_ROUTES = [
    ("get", "/cases/{id}/edit"),
    ("post", "/cases/{id}/edit"),
    ("post", "/cases/{id}/status"),
    ("post", "/cases/{id}/closure"),
    ("post", "/cases/{id}/closure/decision"),
    ("post", "/cases/{id}/reopen"),
    ("post", "/cases/{id}/participants"),
    ("post", "/cases/{id}/participants/{pid}/end"),
]


@pytest.mark.parametrize("method,path", PROCESS_ROUTES)
def test_out_of_scope_case_is_404_and_audited(client, case, method, path):
    stranger = make_user(org=make_org("elders"), roles=["coordinator", "supervisor"])
    login_as(client, stranger)
    pid = case.participants[0].id
    response = getattr(client, method)(path.format(id=case.id, pid=pid), data={"version": 1})
    assert response.status_code == 404
    assert last_event(actor_user_id=stranger.id, case_id=case.id).outcome is Outcome.DENIED


@pytest.mark.parametrize("method,path", [r for r in PROCESS_ROUTES if "edit" not in r[1]])
def test_observer_of_the_case_gets_404_on_process_routes(client, case, method, path):
    observer_org = make_org("meelezer")
    case.participants.append(CaseParticipant(organisation=observer_org, involvement=Involvement.OBSERVER))
    db.session.flush()
    login_as(client, make_user(org=observer_org, roles=["coordinator"]))
    assert client.get(f"/cases/{case.id}").status_code == 200
    response = getattr(client, method)(path.format(id=case.id, pid=case.participants[0].id), data={"version": 1})
    assert response.status_code == 404
