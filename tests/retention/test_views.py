"""The destruction-list screens: the lists, one list, approving, taking an item off, the certificate."""

from __future__ import annotations

from casebook.db import db
from casebook.retention import destroy, plan
from casebook.retention.models import DestructionList, ItemKind, ItemStatus, ListStatus
from tests.factories import login_as, make_person
from tests.helpers import last_event
from tests.printing.support import all_text, read_pdf
from tests.retention.support import AS_OF, approved, closed_case, privacy_officer, supervisor


def _listing():
    case = closed_case(subjects=[make_person("Kok")])
    return plan.draw_up(AS_OF), case.reference


def test_the_list_page_shows_references_rules_and_no_content(client):
    listing, reference = _listing()
    login_as(client, privacy_officer())
    index = client.get("/retention")
    assert index.status_code == 200 and f"/retention/{listing.id}" in index.get_data(as_text=True)
    page = client.get(f"/retention/{listing.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert reference in html and "case_type:youth P5Y" in html and "ter goedkeuring" in html
    assert "Kok" not in html
    assert 'id="approve-form"' in html


def test_approving_twice_on_the_screen_is_refused_with_409(client):
    listing, _reference = _listing()
    list_id, version = listing.id, listing.version
    login_as(client, privacy_officer())
    assert client.post(f"/retention/{list_id}/approve", data={"version": version}).status_code == 302
    again = client.post(f"/retention/{list_id}/approve", data={"version": version + 1})
    assert again.status_code == 409
    assert "twee verschillende personen" in again.get_data(as_text=True)
    listing = db.session.get(DestructionList, list_id)
    assert listing.supervisor_approved_by_id is None and listing.status is ListStatus.AWAITING_APPROVAL


def test_a_stale_form_is_a_409_and_a_missing_version_a_422(client):
    listing, _reference = _listing()
    list_id, version = listing.id, listing.version
    login_as(client, supervisor())
    assert client.post(f"/retention/{list_id}/approve", data={"version": version + 5}).status_code == 409
    assert client.post(f"/retention/{list_id}/approve", data={}).status_code == 422
    assert db.session.get(DestructionList, list_id).approvers == set()


def test_taking_an_item_off_needs_a_reason(client):
    listing, _reference = _listing()
    item = next(i for i in listing.items if i.kind is ItemKind.CASE)
    list_id, item_id, version = listing.id, item.id, listing.version
    login_as(client, supervisor())
    missing = client.post(f"/retention/{list_id}/withhold", data={"item_id": item_id, "version": version})
    assert missing.status_code == 422 and "Kies een reden" in missing.get_data(as_text=True)
    done = client.post(
        f"/retention/{list_id}/withhold", data={"item_id": item_id, "version": version, "reason": "legal_hold"}
    )
    assert done.status_code == 302
    item = db.session.get(type(item), item_id)
    assert item.status is ItemStatus.WITHHELD and item.withheld_reason == "legal_hold"
    assert (
        client.post(
            f"/retention/{list_id}/withhold", data={"item_id": 999999, "version": version + 1, "reason": "legal_hold"}
        ).status_code
        == 404
    )


def test_the_certificate_is_offered_after_the_run_only(client):
    listing, reference = _listing()
    list_id = listing.id
    login_as(client, supervisor())
    assert client.get(f"/retention/{list_id}/verklaring.pdf").status_code == 409
    approved(db.session.get(DestructionList, list_id))
    destroy.run()
    page = client.get(f"/retention/{list_id}")
    assert "verklaring.pdf" in page.get_data(as_text=True)
    pdf = client.get(f"/retention/{list_id}/verklaring.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert reference in all_text(read_pdf(pdf.data)).replace(" ", "")


def test_reading_the_lists_is_audited(client):
    listing, _reference = _listing()
    list_id = listing.id
    officer = privacy_officer()
    login_as(client, officer)
    client.get("/retention")
    client.get(f"/retention/{list_id}")
    assert last_event("destruction_list.list").actor_user_id == officer.id
    viewed = last_event("destruction_list.view")
    assert viewed.actor_user_id == officer.id and viewed.object_id == str(list_id)


def test_drawing_up_a_list_on_the_screen(client):
    case = closed_case(subjects=[make_person("Kok")])
    reference = case.reference
    login_as(client, supervisor())
    bad = client.post("/retention/plan", data={"as_of": "1 december"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Controleer de invoer" in html and 'value="1 december"' in html
    made = client.post("/retention/plan", data={"as_of": AS_OF.isoformat()})
    assert made.status_code == 302
    page = client.get(made.headers["Location"])
    assert reference in page.get_data(as_text=True)
    assert last_event("destruction_list.draw_up").actor_user_id is not None
    again = client.post("/retention/plan", data={"as_of": AS_OF.isoformat()}, follow_redirects=True)
    assert "Niets is de bewaartermijn voorbij" in again.get_data(as_text=True)
