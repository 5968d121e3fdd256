"""The requests' API: the privacy officer's operations, with the screens' rules, locking and 404s."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.db import db
from tests.api.support import assert_problem
from tests.factories import bearer, make_api_token
from tests.subject_requests.conftest import BSN, UNKNOWN_BSN

TODAY = date.today().isoformat()


@pytest.fixture
def officer(world):
    headers = bearer(make_api_token(world.officer))
    db.session.commit()
    return headers


def _create(client, headers, **body):
    return client.post(
        "/api/v1/subject-requests", json={"kind": "inzage", "received_on": TODAY, **body}, headers=headers
    )


def test_create_by_bsn_then_read_list_and_export(client, world, officer):
    response = _create(client, officer, bsn=BSN, description="Wat weet u van mij?")
    assert response.status_code == 201 and response.headers["ETag"] == '"1"'
    created = response.json
    assert created["known"] is True and created["status"] == "open" and created["days_left"] >= 28
    assert response.headers["Location"].endswith(f"/api/v1/subject-requests/{created['id']}")
    assert client.get(f"/api/v1/subject-requests/{created['id']}", headers=officer).json == created
    assert [r["id"] for r in client.get("/api/v1/subject-requests", headers=officer).json["items"]] == [created["id"]]
    export = client.get(f"/api/v1/subject-requests/{created['id']}/export", headers=officer).json
    assert export["known"] is True and export["person"]["bsn"] == BSN
    assert [c["reference"] for c in export["cases"]] == [world.case.reference]
    assert "Bakker" not in str(export)


def test_an_unknown_bsn_is_registered_and_its_export_says_so(client, officer):
    created = _create(client, officer, bsn=UNKNOWN_BSN).json
    assert created["known"] is False
    export = client.get(f"/api/v1/subject-requests/{created['id']}/export", headers=officer).json
    assert export["known"] is False and export["cases"] == [] and "geen gegevens gevonden" in export["statement"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bsn": "123456789"}, "bsn"),
        ({"family_name": "Visser"}, "bsn"),
        ({"bsn": BSN, "received_on": "2999-01-01"}, "received_on"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, officer, body, field):
    problem = assert_problem(_create(client, officer, **body), 422)
    assert problem["errors"][0]["field"] == field


def test_extension_and_completion_need_if_match(client, officer):
    created = _create(client, officer, bsn=BSN).json
    path = f"/api/v1/subject-requests/{created['id']}"
    assert_problem(client.post(f"{path}/extension", json={"reason": "Veel partners"}, headers=officer), 428)
    stale = {**officer, "If-Match": '"7"'}
    assert_problem(client.post(f"{path}/extension", json={"reason": "Veel partners"}, headers=stale), 412)
    response = client.post(
        f"{path}/extension", json={"reason": "Veel partners"}, headers={**officer, "If-Match": '"1"'}
    )
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    assert response.json["extended_due_on"] and response.json["deadline"] == response.json["extended_due_on"]
    again = client.post(f"{path}/extension", json={"reason": "Nog eens"}, headers={**officer, "If-Match": '"2"'})
    assert_problem(again, 422)
    done = client.post(f"{path}/completion", json={"outcome": "Verstuurd"}, headers={**officer, "If-Match": '"2"'})
    assert done.status_code == 200 and done.json["status"] == "completed"


def test_rectification_and_its_history(client, world, officer):
    created = _create(client, officer, bsn=BSN, kind="rectificatie").json
    path = f"/api/v1/subject-requests/{created['id']}/rectifications"
    body = {"field": "family_name", "value": "Visser-Jansen", "reason": "Huwelijk"}
    response = client.post(path, json=body, headers=officer)
    assert response.status_code == 201 and response.json["old_value"] == "Visser"
    assert_problem(client.post(path, json={**body, "field": "birth_date", "value": "4 maart"}, headers=officer), 422)
    history = client.get(path, headers=officer).json["items"]
    assert [(h["field"], h["old_value"], h["reason"], h["by"]) for h in history] == [
        ("family_name", "Visser", "Huwelijk", "privacy-sr")
    ]


def test_restriction_freezes_the_case_in_the_api_and_lifting_unfreezes(client, world, officer):
    created = _create(client, officer, bsn=BSN, kind="beperking").json
    path = f"/api/v1/subject-requests/{created['id']}/restrictions"
    restricted = client.post(path, json={"case": world.case.reference, "reason": "Betwist"}, headers=officer)
    assert restricted.status_code == 201 and restricted.json["target"] == "case"
    other = client.post(path, json={"case": world.other_case.reference, "reason": "Nee"}, headers=officer)
    assert_problem(other, 404)  # another person's case does not exist for this request
    worker = bearer(make_api_token(world.coordinator))
    note = {"body": "Gesprek", "visibility": "shared"}
    assert_problem(client.post(f"/api/v1/cases/{world.case.id}/notes", json=note, headers=worker), 409)
    lifted = client.post(f"{path}/{restricted.json['id']}/lift", json={"reason": "Juist"}, headers=officer)
    assert lifted.status_code == 200 and lifted.json["lifted_at"]
    assert client.post(f"/api/v1/cases/{world.case.id}/notes", json=note, headers=worker).status_code == 201
    assert [r["lifted_at"] is not None for r in client.get(path, headers=officer).json["items"]] == [True]


@pytest.mark.parametrize("who", ["coordinator", "supervisor", "police_worker"])
def test_everyone_but_the_privacy_officer_gets_404_on_every_operation(client, world, officer, who):
    created = _create(client, officer, bsn=BSN).json
    headers = bearer(make_api_token(getattr(world, who)))
    base = f"/api/v1/subject-requests/{created['id']}"
    calls = [
        ("GET", "/api/v1/subject-requests", None),
        ("POST", "/api/v1/subject-requests", {"kind": "inzage", "received_on": TODAY, "bsn": BSN}),
        ("GET", base, None),
        ("GET", f"{base}/export", None),
        ("GET", f"{base}/rectifications", None),
        ("POST", f"{base}/rectifications", {"field": "phone", "value": "06", "reason": "x"}),
        ("GET", f"{base}/restrictions", None),
        ("POST", f"{base}/restrictions", {"reason": "x"}),
        ("POST", f"{base}/extension", {"reason": "x"}),
        ("POST", f"{base}/completion", {"outcome": "x"}),
        ("POST", f"{base}/restrictions/1/lift", {"reason": "x"}),
    ]
    for method, path, body in calls:
        response = client.open(path, method=method, json=body, headers={**headers, "If-Match": '"1"'})
        assert_problem(response, 404)
        assert "Visser" not in response.get_data(as_text=True)
