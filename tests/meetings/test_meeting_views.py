"""Casusoverleg routes over HTTP: schedule, agenda, minutes per viewer, decision and actions; 422s and IDOR 404s."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.meetings import services as meetings
from casebook.meetings.models import AgendaItem, Meeting
from casebook.plans.models import PlanAction
from tests.factories import login_as, make_case, make_meeting, make_org, make_user
from tests.helpers import last_event

TODAY = date.today()


@pytest.fixture
def zvh():
    return make_org("zvh", name="Zorg- en Veiligheidshuis")


@pytest.fixture
def police():
    return make_org("politie", name="Politie basisteam")


@pytest.fixture
def chair(zvh):
    return make_user(org=zvh, roles=[Role.COORDINATOR])


@pytest.fixture
def setting(zvh, police, chair):
    """A meeting today with a case shared with the police and a case the police may not see."""
    meeting = make_meeting(chair, TODAY - timedelta(days=1), [police])
    shared = make_case(lead=zvh, participants=[(police, Involvement.CONTRIBUTOR)])
    private = make_case(lead=zvh)
    shared_item = meetings.add_to_agenda(meeting, by=chair, reference=shared.reference)
    private_item = meetings.add_to_agenda(meeting, by=chair, reference=private.reference)
    meetings.record_decision(
        private_item, by=chair, decision="Geheim besluit", expected_version=private_item.decision_version, today=TODAY
    )
    return {
        "meeting": meeting.id,
        "shared": shared.reference,
        "private": private.reference,
        "shared_item": shared_item.id,
        "private_item": private_item.id,
    }


def test_schedule_a_meeting(client, chair, police):
    login_as(client, chair)
    assert client.get("/meetings/new").status_code == 200
    data = {
        "title": "Casusoverleg Jeugd",
        "held_on": (TODAY + timedelta(days=7)).isoformat(),
        "organisations": [str(police.id)],
    }
    response = client.post("/meetings/new", data=data)
    meeting = db.session.query(Meeting).filter_by(title="Casusoverleg Jeugd").one()
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{meeting.id}"
    assert "Casusoverleg Jeugd" in client.get("/meetings").get_data(as_text=True)


def test_schedule_in_the_past_rerenders_with_422_and_input_kept(client, chair):
    login_as(client, chair)
    data = {"title": "Mijn overleg", "held_on": (TODAY - timedelta(days=3)).isoformat()}
    response = client.post("/meetings/new", data=data)
    assert response.status_code == 422
    assert "Mijn overleg" in response.get_data(as_text=True) and "verleden" in response.get_data(as_text=True)


def test_caseworkers_cannot_schedule(client, zvh):
    caseworker = make_user(org=zvh)
    login_as(client, caseworker)
    assert client.get("/meetings/new").status_code == 404
    assert client.post("/meetings/new", data={"title": "x"}).status_code == 404
    assert last_event("meeting.manage", actor_user_id=caseworker.id).outcome is Outcome.DENIED


def test_a_participant_sees_only_agenda_items_of_cases_they_may_see(client, setting, police):
    officer = make_user(org=police)
    login_as(client, officer)
    html = client.get(f"/meetings/{setting['meeting']}").get_data(as_text=True)
    assert setting["shared"] in html
    assert setting["private"] not in html and "Geheim besluit" not in html
    assert "Agenderen" not in html  # a guest does not run the meeting
    assert client.get(f"/meetings/{setting['meeting']}/items/{setting['shared_item']}").status_code == 200
    assert client.get(f"/meetings/{setting['meeting']}/items/{setting['private_item']}").status_code == 404
    assert last_event("meeting.item.view", actor_user_id=officer.id).outcome is Outcome.DENIED


def test_the_chair_sees_the_whole_agenda_with_decisions(client, setting, chair):
    login_as(client, chair)
    html = client.get(f"/meetings/{setting['meeting']}").get_data(as_text=True)
    assert setting["shared"] in html and setting["private"] in html and "Geheim besluit" in html


def test_uninvited_users_get_404(client, setting):
    stranger = make_user(org=make_org("elders"), roles=[Role.COORDINATOR])
    login_as(client, stranger)
    assert client.get(f"/meetings/{setting['meeting']}").status_code == 404
    assert client.get(f"/meetings/{setting['meeting']}/items/{setting['shared_item']}").status_code == 404
    assert last_event("meeting.view", actor_user_id=stranger.id).outcome is Outcome.DENIED


def test_agenda_add_and_unknown_reference_keeps_input(client, setting, chair, zvh):
    login_as(client, chair)
    extra = make_case(lead=zvh)
    url = f"/meetings/{setting['meeting']}/agenda"
    ok = client.post(url, data={"reference": extra.reference})
    assert ok.status_code == 302
    bad = client.post(url, data={"reference": "PGA-1999-12345"})
    assert bad.status_code == 422 and "PGA-1999-12345" in bad.get_data(as_text=True)


def test_guests_cannot_change_the_agenda(client, setting, police):
    officer = make_user(org=police, roles=[Role.COORDINATOR])
    login_as(client, officer)
    assert client.post(f"/meetings/{setting['meeting']}/agenda", data={"reference": "x"}).status_code == 404
    url = f"/meetings/{setting['meeting']}/items/{setting['shared_item']}/decision"
    assert client.post(url, data={"decision": "x"}).status_code == 404


def test_record_a_decision_and_an_action_during_the_meeting(client, setting, chair, police):
    login_as(client, chair)
    base = f"/meetings/{setting['meeting']}/items/{setting['shared_item']}"
    assert client.get(base).status_code == 200
    empty = client.post(f"{base}/decision", data={"decision": ""})
    assert empty.status_code == 422
    decided = client.post(f"{base}/decision", data={"decision": "Plan van aanpak opstellen", "version": 0})
    assert decided.status_code == 302
    action = {
        "goal": "",
        "description": "Mijn actie",
        "owner_organisation": str(police.id),
        "due_on": (TODAY - timedelta(days=5)).isoformat(),
    }
    bad = client.post(f"{base}/actions", data=action)
    assert bad.status_code == 422 and "Mijn actie" in bad.get_data(as_text=True)
    action["due_on"] = (TODAY + timedelta(days=14)).isoformat()
    assert client.post(f"{base}/actions", data=action).status_code == 302
    item = db.session.get(AgendaItem, setting["shared_item"])
    planned = db.session.query(PlanAction).filter_by(agenda_item_id=item.id).one()
    assert planned.case_id == item.case_id
    minutes = client.get(f"/meetings/{setting['meeting']}").get_data(as_text=True)
    assert "Plan van aanpak opstellen" in minutes and "Mijn actie" in minutes


def test_remove_an_item_without_records_but_not_one_with_a_decision(client, setting, chair):
    login_as(client, chair)
    meeting = setting["meeting"]
    assert client.post(f"/meetings/{meeting}/items/{setting['shared_item']}/remove").status_code == 302
    assert db.session.get(AgendaItem, setting["shared_item"]) is None
    assert client.post(f"/meetings/{meeting}/items/{setting['private_item']}/remove").status_code == 422


def test_item_of_another_meeting_is_404(client, setting, chair):
    login_as(client, chair)
    other = make_meeting(chair, TODAY)
    assert client.get(f"/meetings/{other.id}/items/{setting['shared_item']}").status_code == 404


def test_a_stale_decision_form_answers_409_keeps_the_text_and_shows_the_current_decision(
    app, client, setting, chair, zvh
):
    colleague = make_user(org=zvh, roles=[Role.COORDINATOR])
    url = f"/meetings/{setting['meeting']}/items/{setting['shared_item']}/decision"
    login_as(client, chair)
    assert client.post(url, data={"decision": "Opschalen naar plan van aanpak", "version": 0}).status_code == 302
    other = login_as(app.test_client(), colleague)
    stale = other.post(url, data={"decision": "Mijn afwijkende tekst", "version": 0})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Er is niets opgeslagen" in html and "Mijn afwijkende tekst" in html
    assert "Opschalen naar plan van aanpak" in html  # what was decided meanwhile
    assert 'name="version" type="hidden" value="1"' in html
    item = db.session.get(AgendaItem, setting["shared_item"])
    assert item.decision == "Opschalen naar plan van aanpak" and item.decided_by_id == chair.id
    assert other.post(url, data={"decision": "Zonder versie"}).status_code == 422  # no version: no blind write
