"""The privacy officer's screens: register by BSN, deadline and extension, export downloads,
rectification and restriction forms; everyone else gets a 404 on every page."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.cases.models import Case
from casebook.db import db
from casebook.people.models import Person
from casebook.subject_requests import services
from casebook.subject_requests.models import ProcessingRestriction, RequestKind, SubjectRequest
from tests.factories import login_as
from tests.subject_requests.conftest import BSN, UNKNOWN_BSN

TODAY = date.today()


def _request(world, bsn=BSN):
    request = services.register(world.officer, services.NewRequest(kind=RequestKind.ACCESS, received_on=TODAY, bsn=bsn))
    db.session.commit()
    return request


def test_register_by_bsn_shows_the_deadline_and_downloads_the_export(client, world):
    login_as(client, world.officer)
    assert client.get("/subject-requests/new").status_code == 200
    response = client.post(
        "/subject-requests/new",
        data={"kind": "inzage", "received_on": TODAY.isoformat(), "bsn": BSN, "description": "Wat weet u van mij?"},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    deadline = services.add_months(TODAY, 1)
    assert "Visser" in page and deadline.strftime("%Y") in page
    request = db.session.query(SubjectRequest).one()
    exported = client.get(f"/subject-requests/{request.id}/export.json")
    assert exported.status_code == 200 and exported.headers["Cache-Control"] == "no-store"
    body = json.loads(exported.data)
    assert body["known"] is True and body["person"]["bsn"] == BSN
    pdf = client.get(f"/subject-requests/{request.id}/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_bad_input_re_renders_with_the_message_and_input_kept(client, world):
    login_as(client, world.officer)
    response = client.post(
        "/subject-requests/new", data={"kind": "inzage", "received_on": TODAY.isoformat(), "family_name": "Visser"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Geef een geldig BSN" in page and 'value="Visser"' in page


def test_an_unknown_bsn_gives_an_export_that_says_so(client, world):
    login_as(client, world.officer)
    request = _request(world, UNKNOWN_BSN)
    assert "Niet in het register" in client.get(f"/subject-requests/{request.id}").get_data(as_text=True)
    body = json.loads(client.get(f"/subject-requests/{request.id}/export.json").data)
    assert body["known"] is False and body["cases"] == [] and "geen gegevens gevonden" in body["statement"]
    assert client.get(f"/subject-requests/{request.id}/export.pdf").status_code == 200


def test_extension_through_the_form(client, world):
    login_as(client, world.officer)
    request = _request(world)
    request_id, version, due_on = request.id, request.version, request.due_on
    response = client.post(f"/subject-requests/{request_id}/extend", data={"version": version, "reason": ""})
    assert response.status_code == 422 and "Geef de reden" in response.get_data(as_text=True)
    response = client.post(
        f"/subject-requests/{request_id}/extend", data={"version": version, "reason": "Vijf partners"}
    )
    assert response.status_code == 303
    assert db.session.get(SubjectRequest, request_id).extended_due_on == services.add_months(due_on, 2)
    stale = client.post(
        f"/subject-requests/{request_id}/complete",
        data={"version": version, "decision": "completed", "outcome": "Klaar"},
    )
    assert stale.status_code == 409  # the version moved with the extension


def test_rectify_and_restrict_through_the_forms(client, world):
    login_as(client, world.officer)
    request_id, person_id = _request(world).id, world.person.id
    case_id, other_case_id = world.case.id, world.other_case.id
    base = f"/subject-requests/{request_id}"
    response = client.post(f"{base}/rectify", data={"field": "address", "value": "Voorstraat 1", "reason": "Verhuisd"})
    assert response.status_code == 303 and db.session.get(Person, person_id).address == "Voorstraat 1"
    assert "Verhuisd" in client.get(base).get_data(as_text=True)
    response = client.post(f"{base}/rectify", data={"field": "bsn", "value": "123", "reason": "Fout"})
    assert response.status_code == 422 and 'value="123"' in response.get_data(as_text=True)

    response = client.post(f"{base}/restrict", data={"target": str(case_id), "reason": "Betwist"})
    assert response.status_code == 303 and db.session.get(Case, case_id).processing_restricted_at is not None
    response = client.post(f"{base}/restrict", data={"target": str(other_case_id), "reason": "x"})
    assert response.status_code == 422  # not a choice: another person's case
    restriction_id = db.session.scalar(select(ProcessingRestriction.id).where(ProcessingRestriction.case_id == case_id))
    response = client.post(f"{base}/restrictions/{restriction_id}/lift", data={"reason": ""})
    assert response.status_code == 422
    response = client.post(f"{base}/restrictions/{restriction_id}/lift", data={"reason": "Juist"})
    assert response.status_code == 303 and db.session.get(Case, case_id).processing_restricted_at is None


PATHS = [
    ("get", "/subject-requests/"),
    ("get", "/subject-requests/new"),
    ("post", "/subject-requests/new"),
    ("get", "/subject-requests/{id}"),
    ("post", "/subject-requests/{id}/extend"),
    ("post", "/subject-requests/{id}/complete"),
    ("post", "/subject-requests/{id}/rectify"),
    ("post", "/subject-requests/{id}/restrict"),
    ("post", "/subject-requests/{id}/restrictions/1/lift"),
    ("get", "/subject-requests/{id}/export.json"),
    ("get", "/subject-requests/{id}/export.pdf"),
]


@pytest.mark.parametrize(("method", "path"), PATHS)
@pytest.mark.parametrize("who", ["coordinator", "supervisor", "police_worker"])
def test_everyone_but_the_privacy_officer_gets_a_404(client, world, method, path, who):
    request_id = _request(world).id
    login_as(client, getattr(world, who))
    data = {"kind": "inzage", "received_on": TODAY.isoformat(), "bsn": BSN, "reason": "x", "version": 1}
    response = getattr(client, method)(path.format(id=request_id), data=data)
    assert response.status_code == 404
    assert "Visser" not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["officer", "coordinator", "supervisor"])
def test_the_navigation_shows_requests_to_the_privacy_officer_only(client, world, who):
    login_as(client, getattr(world, who))
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert ('href="/subject-requests/"' in page) is (who == "officer")


def test_an_overdue_request_says_so(client, world):
    request = services.register(
        world.officer,
        services.NewRequest(kind=RequestKind.ACCESS, received_on=TODAY - timedelta(days=45), bsn=BSN),
    )
    db.session.commit()
    login_as(client, world.officer)
    assert "over de termijn" in client.get(f"/subject-requests/{request.id}").get_data(as_text=True)
