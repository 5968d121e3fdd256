"""Destruction lists through the API: the same services, the same four eyes, the same 404s."""

from __future__ import annotations

from casebook.db import db
from casebook.retention import destroy, plan
from casebook.retention.models import DestructionList, ItemKind, ListStatus
from tests.api.support import assert_problem
from tests.factories import bearer, make_api_token, make_person, make_user
from tests.retention.support import AS_OF, closed_case, privacy_officer, supervisor


def _listing():
    closed_case(subjects=[make_person("Kok")])
    return plan.draw_up(AS_OF)


def test_two_people_approve_through_the_api_with_if_match(client):
    listing = _listing()
    list_id = listing.id
    officer = bearer(make_api_token(privacy_officer()))
    boss = bearer(make_api_token(supervisor()))
    got = client.get(f"/api/v1/destruction-lists/{list_id}", headers=officer)
    assert got.status_code == 200 and got.json["status"] == "awaiting_approval"
    assert "Kok" not in got.get_data(as_text=True)
    etag = got.headers["ETag"]
    assert client.post(f"/api/v1/destruction-lists/{list_id}/approval", headers=officer).status_code == 428
    first = client.post(f"/api/v1/destruction-lists/{list_id}/approval", headers={**officer, "If-Match": etag})
    assert first.status_code == 200 and first.json["privacy_approved_by"]
    assert_problem(
        client.post(f"/api/v1/destruction-lists/{list_id}/approval", headers={**boss, "If-Match": etag}), 412
    )
    again = client.post(
        f"/api/v1/destruction-lists/{list_id}/approval", headers={**officer, "If-Match": first.headers["ETag"]}
    )
    assert_problem(again, 409)
    done = client.post(
        f"/api/v1/destruction-lists/{list_id}/approval", headers={**boss, "If-Match": first.headers["ETag"]}
    )
    assert done.status_code == 200 and done.json["status"] == "approved"
    assert client.get("/api/v1/destruction-lists", headers=boss).json["items"][0]["id"] == list_id


def test_withhold_and_certificate_through_the_api(client):
    listing = _listing()
    list_id = listing.id
    case_item = next(i for i in listing.items if i.kind is ItemKind.CASE)
    item_id = case_item.id
    officer = bearer(make_api_token(privacy_officer()))
    etag = client.get(f"/api/v1/destruction-lists/{list_id}", headers=officer).headers["ETag"]
    url = f"/api/v1/destruction-lists/{list_id}/items/{item_id}/withhold"
    assert_problem(client.post(url, headers={**officer, "If-Match": etag}, json={"reason": "omdat"}), 422)
    held = client.post(url, headers={**officer, "If-Match": etag}, json={"reason": "legal_hold"})
    assert held.status_code == 200
    assert {i["status"] for i in held.json["items"] if i["id"] == item_id} == {"withheld"}
    assert_problem(client.get(f"/api/v1/destruction-lists/{list_id}/certificate", headers=officer), 409)
    listing = db.session.get(DestructionList, list_id)
    listing.status = ListStatus.APPROVED
    db.session.flush()
    destroy.run()
    pdf = client.get(f"/api/v1/destruction-lists/{list_id}/certificate", headers=officer)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_everyone_else_gets_404(client):
    listing = _listing()
    list_id = listing.id
    headers = bearer(make_api_token(make_user(roles=["coordinator", "supervisor"])))
    assert_problem(client.get("/api/v1/destruction-lists", headers=headers), 404)
    assert_problem(client.get(f"/api/v1/destruction-lists/{list_id}", headers=headers), 404)
    response = client.post(f"/api/v1/destruction-lists/{list_id}/approval", headers={**headers, "If-Match": '"1"'})
    assert_problem(response, 404)
    assert db.session.get(DestructionList, list_id).approvers == set()


def test_drawing_up_through_the_api(client):
    case = closed_case(subjects=[make_person("Kok")])
    reference = case.reference
    officer = bearer(make_api_token(privacy_officer()))
    assert_problem(client.post("/api/v1/destruction-lists", headers=officer, json={"as_of": "gisteren"}), 422)
    made = client.post("/api/v1/destruction-lists", headers=officer, json={"as_of": AS_OF.isoformat()})
    assert made.status_code == 200 and reference in {i["reference"] for i in made.json["list"]["items"]}
    again = client.post("/api/v1/destruction-lists", headers=officer, json={"as_of": AS_OF.isoformat()})
    assert again.status_code == 200 and again.json["list"] is None
