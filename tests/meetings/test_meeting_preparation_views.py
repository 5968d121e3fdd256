"""Over HTTP: a meeting prepared with its details, agenderen from the case page, attendance recorded, and
the verslag as a PDF per viewer — 422s with input kept, 409 for a stale form, 404s that reveal nothing."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.db import db
from casebook.meetings.models import AgendaItem, Meeting
from tests.factories import login_as as factory_login
from tests.helpers import audit_events, last_event
from tests.meetings.support import GOAL, OPEN_ACTION, PRIVATE_DECISION, SUMMARY, prepared, upcoming
from tests.printing.support import all_text, read_pdf


def login_as(client, user):
    """Log in as ``user``, after logging out whoever was (the login form keeps a signed-in session)."""
    client.post("/logout")
    return factory_login(client, user)


@pytest.fixture
def setting():
    s = prepared()
    db.session.commit()
    return s


def test_schedule_with_details_over_http(client, setting):
    login_as(client, setting.user("chair"))
    page = client.get("/meetings/new").get_data(as_text=True)
    assert "Voorzitter" in page and "Notulist" in page and "Carla Agent (Politie Dordrecht)" in page
    data = {
        "title": "Casusoverleg Noord",
        "held_on": upcoming(3).isoformat(),
        "starts_at": "09:30",
        "ends_at": "11:00",
        "location": "Stadskantoor, zaal 4",
        "organisations": [str(setting.ids["police_org"])],
        "chair": str(setting.ids["chair"]),
        "minute_taker": str(setting.ids["minutes"]),
        "persons": [str(setting.ids["officer"])],
    }
    response = client.post("/meetings/new", data=data)
    meeting = db.session.query(Meeting).filter_by(title="Casusoverleg Noord").one()
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for shown in ("09:30–11:00", "Stadskantoor, zaal 4", "Anna Voorzitter", "Bram Notulist", "Carla Agent"):
        assert shown in page


def test_a_chair_of_an_organisation_not_invited_rerenders_with_422_and_input_kept(client, setting):
    login_as(client, setting.user("chair"))
    data = {
        "title": "Overleg met vreemde voorzitter",
        "held_on": upcoming(3).isoformat(),
        "chair": str(setting.ids["west"]),  # the wijkteam is not invited to this one
        "location": "Zaal 9",
    }
    response = client.post("/meetings/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "uitgenodigde organisatie" in page
    assert "Overleg met vreemde voorzitter" in page and "Zaal 9" in page


def test_editing_a_meeting_from_a_stale_form_is_a_409_with_input_kept(client, setting):
    meeting = setting.meeting("coming")
    login_as(client, setting.user("chair"))
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 200
    data = {
        "title": "Casusoverleg Komend",
        "held_on": meeting.held_on.isoformat(),
        "location": "Nieuwe zaal",
        "organisations": [str(setting.ids["police_org"])],
        "chair": str(setting.ids["chair"]),
        "version": str(meeting.version - 1),
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 409 and "Nieuwe zaal" in response.get_data(as_text=True)
    data["version"] = str(meeting.version)
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).location == "Nieuwe zaal"


def test_an_invited_coordinator_may_not_edit_the_meeting(client, setting):
    login_as(client, setting.user("police_coordinator"))
    assert client.get(f"/meetings/{setting.ids['coming']}").status_code == 200
    assert client.get(f"/meetings/{setting.ids['coming']}/edit").status_code == 404


def test_agenderen_from_the_case_page(client, setting):
    case = setting.case("shared")
    login_as(client, setting.user("chair"))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Agenderen" in page and "Casusoverleg Komend" in page
    response = client.post(f"/cases/{case.id}/agenda", data={"meeting": ""})
    assert response.status_code == 422 and "Kies een komend overleg." in response.get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/agenda", data={"meeting": str(setting.ids["past"])})
    assert response.status_code == 422  # a meeting that took place is not offered
    response = client.post(f"/cases/{case.id}/agenda", data={"meeting": str(setting.ids["coming"])})
    assert response.status_code == 303
    item = db.session.query(AgendaItem).filter_by(meeting_id=setting.ids["coming"], case_id=case.id).one()
    assert last_event("meeting.agenda.add", object_id=str(item.id)).details["via"] == "case"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Geagendeerd voor" in page
    meeting_page = client.get(f"/meetings/{setting.ids['coming']}").get_data(as_text=True)
    assert case.reference in meeting_page and SUMMARY in meeting_page


def test_agenderen_is_not_offered_to_caseworkers_and_their_post_is_a_404(client, setting):
    case = setting.case("shared")
    login_as(client, setting.user("officer"))
    assert "Agenderen" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.post(f"/cases/{case.id}/agenda", data={"meeting": str(setting.ids["coming"])}).status_code == 404
    assert audit_events("meeting.agenda.add", actor_user_id=setting.ids["officer"], outcome=Outcome.DENIED)
    assert not db.session.query(AgendaItem).filter_by(meeting_id=setting.ids["coming"]).count()


def test_attendance_over_http(client, setting):
    meeting = setting.meeting()
    login_as(client, setting.user("chair"))
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Aanwezigheid vastleggen" in page
    data = {"organisations": [str(setting.ids["zvh_org"])], "persons": [str(setting.ids["officer"])]}
    assert client.post(f"/meetings/{meeting.id}/attendance", data={**data, "version": "0"}).status_code == 409
    response = client.post(f"/meetings/{meeting.id}/attendance", data={**data, "version": str(meeting.version)})
    assert response.status_code == 303
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Carla Agent (Politie Dordrecht) — aanwezig" in page and "Wijkteam West (afwezig)" in page
    login_as(client, setting.user("police_coordinator"))
    assert client.post(f"/meetings/{meeting.id}/attendance", data=data).status_code == 404


def test_the_meeting_page_shows_each_viewer_what_they_may_see(client, setting):
    meeting_id = setting.ids["past"]
    login_as(client, setting.user("officer"))
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert SUMMARY in page and GOAL in page and OPEN_ACTION in page and "Wapenbezit" in page
    assert setting.case("private").reference not in page and PRIVATE_DECISION not in page
    login_as(client, setting.user("supervisor"))
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert setting.case("shared").reference in page and "Wapenbezit" in page and "1 open actie" in page
    assert SUMMARY not in page and GOAL not in page and PRIVATE_DECISION not in page


def _report(client, user, meeting_id: int) -> str:
    login_as(client, user)
    response = client.get(f"/meetings/{meeting_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return " ".join(all_text(read_pdf(response.data)).split())


def test_the_report_shows_each_organisation_only_what_it_may_see(client, setting):
    meeting_id = setting.ids["past"]
    shared, private = setting.case("shared").reference, setting.case("private").reference
    chair = _report(client, setting.user("chair"), meeting_id)
    for text in (shared, private, SUMMARY, GOAL, OPEN_ACTION, PRIVATE_DECISION, "Zaal 2, Spuiboulevard"):
        assert text in chair
    assert "Anna Voorzitter" in chair and "Bram Notulist" in chair and "Carla Agent" in chair
    police = _report(client, setting.user("officer"), meeting_id)
    assert shared in police and SUMMARY in police and GOAL in police and OPEN_ACTION in police
    assert private not in police and PRIVATE_DECISION not in police
    west = _report(client, setting.user("west"), meeting_id)  # invited, on neither case
    assert "Zaal 2, Spuiboulevard" in west and "Geen agendapunten die u kunt inzien." in west
    for text in (shared, private, SUMMARY, GOAL, OPEN_ACTION, PRIVATE_DECISION, "Wapenbezit"):
        assert text not in west
    supervisor = _report(client, setting.user("supervisor"), meeting_id)
    assert shared in supervisor and private in supervisor and "Wapenbezit" in supervisor
    for text in (SUMMARY, GOAL, OPEN_ACTION, PRIVATE_DECISION):
        assert text not in supervisor
    event = last_event("meeting.report.export", actor_user_id=setting.ids["officer"])
    assert event.details["cases"] == [setting.ids["shared"]] and event.details["content"] == [setting.ids["shared"]]
