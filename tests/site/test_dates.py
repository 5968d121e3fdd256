"""One date format per context: written out in text, ISO only inside date inputs; hints match the widget."""

from __future__ import annotations

import re
from datetime import date

from casebook.auth.models import Role
from casebook.meetings import services as meetings
from tests.factories import login_as, make_case, make_meeting, make_org, make_user

ISO_IN_TEXT = re.compile(r">[^<]*\b\d{4}-\d{2}-\d{2}\b[^<]*<")  # an ISO date between tags, i.e. shown as text


def test_a_meeting_on_the_case_timeline_is_dated_in_words(client):
    zvh = make_org("zvh")
    chair = make_user(org=zvh, roles=[Role.COORDINATOR])
    meeting = make_meeting(chair, date(2026, 11, 17))  # not today: the timeline's own timestamps are ISO in datetime=""
    case = make_case(lead=zvh)
    meetings.add_to_agenda(meeting, by=chair, reference=case.reference)
    login_as(client, chair)
    html = client.get(f"/cases/{case.id}/timeline").get_data(as_text=True)
    assert "van 17 november 2026" in html
    assert "2026-11-17" not in html


def test_the_meeting_date_field_is_a_date_widget_without_an_iso_hint(client):
    login_as(client, make_user(org=make_org("zvh"), roles=[Role.COORDINATOR]))
    html = client.get("/meetings/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="held_on"[^>]*type="date"|<input[^>]*type="date"[^>]*id="held_on"', html)
    assert "jjjj" not in html
    assert not ISO_IN_TEXT.search(html)


def test_a_refused_date_says_what_to_do_not_which_format(client):
    login_as(client, make_user(org=make_org("zvh"), roles=[Role.COORDINATOR]))
    response = client.post("/meetings/new", data={"title": "Casusoverleg", "held_on": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Kies de datum van het overleg." in html and "jjjj" not in html
