"""The casusoverleg through the API: meetings with details and attendance (ETag/If-Match), agenderen from
a case, the agenda per viewer and the PDF report — the screens' rules, as problem documents."""

from __future__ import annotations

import pytest

from casebook.db import db
from casebook.meetings.models import AgendaItem
from tests.api.support import assert_problem
from tests.factories import bearer, make_api_token
from tests.helpers import last_event
from tests.meetings.support import GOAL, OPEN_ACTION, PRIVATE_DECISION, SUMMARY, prepared, upcoming
from tests.printing.support import all_text, read_pdf


@pytest.fixture
def setting():
    s = prepared()
    s.tokens = {
        name: bearer(make_api_token(s.user(name)))
        for name in ("chair", "officer", "police_coordinator", "west", "supervisor")
    }
    db.session.commit()
    return s


def test_schedule_read_and_change_a_meeting(client, setting):
    headers = setting.tokens["chair"]
    body = {
        "title": "Casusoverleg API",
        "held_on": upcoming(2).isoformat(),
        "starts_at": "09:30:00",
        "ends_at": "11:00:00",
        "location": "Stadskantoor",
        "organisations": ["mt-politie"],
        "chair": "mt.chair",
        "minute_taker": "mt.minutes",
        "persons": ["mt.officer"],
    }
    response = client.post("/api/v1/meetings", headers=headers, json=body)
    assert response.status_code == 201, response.json
    created = response.json
    assert response.headers["ETag"] == f'"{created["version"]}"'
    assert created["chair"]["username"] == "mt.chair" and created["minute_taker"]["name"] == "Bram Notulist"
    assert [p["username"] for p in created["persons"]] == ["mt.officer"] and created["can_manage"]
    assert {o["organisation"] for o in created["organisations"]} == {"mt-politie", "mt-zvh"}
    fetched = client.get(response.headers["Location"], headers=headers)
    assert fetched.status_code == 200 and fetched.json == created
    url = f"/api/v1/meetings/{created['id']}"
    assert_problem(client.patch(url, headers=headers, json={"location": "Elders"}), 428)
    stale = client.patch(url, headers={**headers, "If-Match": '"999"'}, json={"location": "Elders"})
    assert_problem(stale, 412, "precondition-failed")
    changed = client.patch(url, headers={**headers, "If-Match": fetched.headers["ETag"]}, json={"location": "Elders"})
    assert changed.status_code == 200 and changed.json["location"] == "Elders"
    assert changed.json["starts_at"] == "09:30:00" and changed.json["version"] == created["version"] + 1
    assert changed.headers["ETag"] == f'"{created["version"] + 1}"'


def test_refusals_are_problem_documents(client, setting):
    headers = setting.tokens["chair"]
    body = {"title": "X", "held_on": upcoming(2).isoformat(), "chair": "mt.west"}  # wijkteam not invited
    problem = assert_problem(client.post("/api/v1/meetings", headers=headers, json=body), 422, "rule-violation")
    assert problem["errors"][0]["field"] == "chair"
    body = {"title": "X", "held_on": upcoming(2).isoformat(), "organisations": ["no-such-org"]}
    assert_problem(client.post("/api/v1/meetings", headers=headers, json=body), 422)
    assert_problem(
        client.post(
            "/api/v1/meetings",
            headers=setting.tokens["officer"],
            json={"title": "X", "held_on": upcoming(2).isoformat()},
        ),
        403,
        "forbidden",
    )
    coming = f"/api/v1/meetings/{setting.ids['coming']}"
    other = setting.tokens["police_coordinator"]  # invited: sees it, does not run it
    etag = client.get(coming, headers=other).headers["ETag"]
    assert_problem(client.patch(coming, headers={**other, "If-Match": etag}, json={"location": "X"}), 403)
    outsider = bearer(make_api_token(setting.user("west")))
    assert_problem(client.get(coming, headers=outsider), 404)  # the wijkteam is not invited to this one


def test_attendance_through_the_api(client, setting):
    headers = setting.tokens["chair"]
    url = f"/api/v1/meetings/{setting.ids['past']}"
    etag = client.get(url, headers=headers).headers["ETag"]
    body = {"organisations": ["mt-zvh"], "persons": ["mt.officer"]}
    assert_problem(client.put(url + "/attendance", headers=headers, json=body), 428)
    response = client.put(url + "/attendance", headers={**headers, "If-Match": etag}, json=body)
    assert response.status_code == 200, response.json
    present = {o["organisation"]: o["present"] for o in response.json["organisations"]}
    assert present == {"mt-zvh": True, "mt-politie": True, "mt-west": False}
    assert response.json["persons"][0]["present"] is True and response.json["attendance_recorded_at"]
    again = client.put(url + "/attendance", headers={**headers, "If-Match": etag}, json=body)
    assert_problem(again, 412)
    coming = f"/api/v1/meetings/{setting.ids['coming']}"
    etag = client.get(coming, headers=headers).headers["ETag"]
    assert_problem(client.put(coming + "/attendance", headers={**headers, "If-Match": etag}, json=body), 409)


def test_agenderen_from_a_case_through_the_api(client, setting):
    headers, case_id = setting.tokens["chair"], setting.ids["shared"]
    url = f"/api/v1/cases/{case_id}/agenda"
    response = client.post(url, headers=headers, json={"meeting": setting.ids["coming"]})
    assert response.status_code == 201, response.json
    assert response.json["reference"] == setting.case("shared").reference and response.json["content"]
    assert response.json["problem_analysis"] == SUMMARY
    assert db.session.query(AgendaItem).filter_by(meeting_id=setting.ids["coming"], case_id=case_id).count() == 1
    problem = assert_problem(client.post(url, headers=headers, json={"meeting": setting.ids["coming"]}), 422)
    assert problem["errors"][0]["field"] == "meeting"  # already on it
    assert_problem(client.post(url, headers=headers, json={"meeting": setting.ids["past"]}), 422)
    assert_problem(client.post(url, headers=setting.tokens["officer"], json={"meeting": setting.ids["coming"]}), 404)
    assert_problem(client.post(url, headers=headers, json={"meeting": 424242}), 404)


def test_the_agenda_per_viewer(client, setting):
    url = f"/api/v1/meetings/{setting.ids['past']}/agenda"
    police = client.get(url, headers=setting.tokens["officer"]).json["items"]
    assert [i["case_id"] for i in police] == [setting.ids["shared"]]
    item = police[0]
    assert item["problem_analysis"] == SUMMARY and [g["text"] for g in item["goals"]] == [GOAL]
    assert [a["description"] for a in item["open_actions"]] == [OPEN_ACTION]
    assert [f["code"] for f in item["flags"]] == ["wapenbezit"] and item["phase"]
    assert client.get(url, headers=setting.tokens["west"]).json["items"] == []
    supervisor = client.get(url, headers=setting.tokens["supervisor"]).json["items"]
    assert len(supervisor) == 2 and not any(i["content"] for i in supervisor)
    assert all(i["problem_analysis"] is None and i["goals"] == [] and i["decision"] is None for i in supervisor)
    assert supervisor[0]["open_action_count"] == 1 and supervisor[0]["flags"]
    chair = client.get(url, headers=setting.tokens["chair"]).json["items"]
    assert chair[1]["decision"] == PRIVATE_DECISION


def test_the_report_pdf_through_the_api(client, setting):
    url = f"/api/v1/meetings/{setting.ids['past']}/report.pdf"
    response = client.get(url, headers=setting.tokens["officer"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(all_text(read_pdf(response.data)).split())
    assert SUMMARY in text and setting.case("private").reference not in text and PRIVATE_DECISION not in text
    event = last_event("meeting.report.export", actor_user_id=setting.ids["officer"])
    assert event.details["cases"] == [setting.ids["shared"]]
