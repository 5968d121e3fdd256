"""Handoff screens over HTTP: every route, 422 with the input kept, 404 for out-of-reach ids, 409 on a lost race."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.handoffs import requests, services
from casebook.handoffs.models import Handoff, HandoffKind, HandoffStatus, RequestStatus, SenderAfterTransfer
from tests.factories import login_as, make_case, make_org, make_user
from tests.helpers import last_event


def _form(receiver, **values):
    data = {
        "kind": "transfer",
        "receiver": str(receiver.id),
        "sender_after": "observer",
        "receiver_involvement": "contributor",
        "summary": "Zorgvragen overheersen; het wijkteam past beter.",
        "legal_basis": "zvh_convenant",
        "person_informed": "yes",
    }
    data.update(values)
    return data


def test_inbox_and_nav_count(client, transfer, west_coord, zvh_coord):
    login_as(client, west_coord)
    html = client.get("/handoffs").get_data(as_text=True)
    assert transfer.case.reference in html and "Binnenkomend (1)" in html
    assert 'class="cb-badge">1' in html
    assert last_event("handoff.list", actor_user_id=west_coord.id).outcome is Outcome.ALLOWED
    client.post("/logout")
    login_as(client, zvh_coord)
    html = client.get("/handoffs").get_data(as_text=True)
    assert "Uitgaand (1)" in html and "cb-badge" not in html


def test_inbox_is_not_for_supervisors_or_admins(client, zvh):
    for roles in ([Role.SUPERVISOR], [Role.ADMIN]):
        user = make_user(org=zvh, roles=roles)
        login_as(client, user)
        assert client.get("/handoffs").status_code == 404
        assert "Overdrachten" not in client.get("/cases").get_data(as_text=True)
        client.post("/logout")


def test_new_handoff_form_offers_only_allowed_receivers(client, case, west, zvh_coord):
    login_as(client, zvh_coord)
    html = client.get(f"/cases/{case.id}/handoffs/new").get_data(as_text=True)
    assert "Wijkteam West Test" in html and "ZVH Test</option>" not in html
    assert "Privacyconvenant Zorg- en Veiligheidshuis" in html


def test_send_via_http_then_receiver_sees_summary_but_not_the_case(client, case, west, zvh_coord, west_coord):
    login_as(client, zvh_coord)
    response = client.post(f"/cases/{case.id}/handoffs/new", data=_form(west))
    assert response.status_code == 302
    handoff = db.session.scalar(select(Handoff).where(Handoff.case_id == case.id))
    assert handoff.status is HandoffStatus.PENDING and response.headers["Location"] == f"/handoffs/{handoff.id}"
    client.post("/logout")
    login_as(client, west_coord)
    html = client.get(f"/handoffs/{handoff.id}").get_data(as_text=True)
    assert "Zorgvragen overheersen" in html and "Accepteren" in html
    assert client.get(f"/cases/{case.id}").status_code == 404


def test_invalid_form_is_422_with_the_input_kept(client, case, west, housing, zvh_coord):
    login_as(client, zvh_coord)
    response = client.post(f"/cases/{case.id}/handoffs/new", data=_form(west, legal_basis="", summary="Mijn tekst"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Mijn tekst" in html and "Kies een grondslag." in html
    response = client.post(f"/cases/{case.id}/handoffs/new", data=_form(housing, summary="BSN 999990019 hier"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "BSN 999990019 hier" in html and "mag geen BSN verwerken" in html
    assert db.session.scalar(select(Handoff.id)) is None
    assert last_event("handoff.send").details == {"refused": "bsn_forbidden"}  # durable: survives the rollback


def test_caseworker_saves_a_draft_that_a_coordinator_sends(client, case, west, zvh_worker, zvh_coord):
    login_as(client, zvh_worker)
    assert client.post(f"/cases/{case.id}/handoffs/new", data=_form(west)).status_code == 302
    draft = db.session.scalar(select(Handoff).where(Handoff.case_id == case.id))
    draft_id = draft.id
    assert draft.status is HandoffStatus.DRAFT
    assert client.post(f"/handoffs/{draft_id}/send").status_code == 404
    client.post("/logout")
    login_as(client, zvh_coord)
    assert client.post(f"/handoffs/{draft_id}/send").status_code == 302
    db.session.expire_all()
    assert db.session.get(Handoff, draft_id).status is HandoffStatus.PENDING


def test_accept_via_http_where_the_sender_leaves_revokes_access_on_the_next_request(
    app, case, west, zvh_coord, zvh_worker, west_coord, make_input
):
    handoff = services.send(case, make_input(west, sender_after=SenderAfterTransfer.LEAVE), by=zvh_coord)
    sender_client, receiver_client = app.test_client(), app.test_client()
    login_as(sender_client, zvh_worker)
    login_as(receiver_client, west_coord)
    assert sender_client.get(f"/cases/{case.id}").status_code == 200
    assert receiver_client.get(f"/cases/{case.id}").status_code == 404
    response = receiver_client.post(f"/handoffs/{handoff.id}/accept", data={"process_coordinator": str(west_coord.id)})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    assert sender_client.get(f"/cases/{case.id}").status_code == 404  # the very next request
    assert sender_client.get(f"/handoffs/{handoff.id}").status_code == 404
    assert receiver_client.get(f"/cases/{case.id}").status_code == 200
    assert db.session.get(Case, case.id).lead_organisation_id == west.id


def test_accept_without_a_coordinator_is_422(client, transfer, west_coord):
    login_as(client, west_coord)
    response = client.post(f"/handoffs/{transfer.id}/accept", data={"process_coordinator": ""})
    assert response.status_code == 422
    assert "Kies een procesregisseur" in response.get_data(as_text=True)


def test_reject_via_http_needs_a_reason_and_keeps_it(client, transfer, west_coord, zvh_coord):
    login_as(client, west_coord)
    response = client.post(f"/handoffs/{transfer.id}/reject", data={"reason": ""})
    assert response.status_code == 422
    assert client.post(f"/handoffs/{transfer.id}/reject", data={"reason": "Geen capaciteit"}).status_code == 302
    client.post("/logout")
    login_as(client, zvh_coord)
    html = client.get(f"/handoffs/{transfer.id}").get_data(as_text=True)
    assert "Geen capaciteit" in html and "afgewezen" in html
    assert "Uw overdracht is afgewezen" in client.get("/handoffs").get_data(as_text=True)
    assert client.post("/handoffs/notifications/read").status_code == 302
    assert "Uw overdracht is afgewezen" not in client.get("/handoffs").get_data(as_text=True)


def test_deciding_twice_over_http_is_409_with_a_message(client, transfer, west_coord):
    login_as(client, west_coord)
    assert client.post(f"/handoffs/{transfer.id}/reject", data={"reason": "nee"}).status_code == 302
    second = make_user(org=west_coord.organisation, roles=[Role.COORDINATOR])
    client.post("/logout")
    login_as(client, second)
    # after the rejection the receiver no longer sees the handoff at all
    assert (
        client.post(f"/handoffs/{transfer.id}/accept", data={"process_coordinator": str(second.id)}).status_code == 404
    )


def test_lost_race_renders_409(client, transfer, west_coord, zvh_coord, monkeypatch):
    """The sender cancels between the receiver loading the page and posting: the accept loses."""
    login_as(client, west_coord)
    original = services.accept

    def cancel_first(handoff, **kwargs):
        db.session.execute(
            Handoff.__table__.update().where(Handoff.id == handoff.id).values(status=HandoffStatus.CANCELLED.value)
        )
        return original(handoff, **kwargs)

    monkeypatch.setattr(services, "accept", cancel_first)
    response = client.post(f"/handoffs/{transfer.id}/accept", data={"process_coordinator": str(west_coord.id)})
    assert response.status_code == 409
    assert "ingetrokken door de verzender" in response.get_data(as_text=True)
    assert last_event("handoff.accept", actor_user_id=west_coord.id).details == {"conflict": "cancelled"}


def test_cancel_and_complete_via_http(client, case, west, zvh_coord, west_coord, west_worker, transfer):
    login_as(client, zvh_coord)
    assert client.post(f"/handoffs/{transfer.id}/cancel").status_code == 302
    referral = services.send(
        case, services.HandoffInput(**{**transfer_input(transfer), "kind": HandoffKind.REFERRAL}), by=zvh_coord
    )
    services.accept(referral, by=west_coord)
    client.post("/logout")
    login_as(client, west_worker)
    assert client.post(f"/handoffs/{referral.id}/complete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Handoff, referral.id).completed_at is not None


def transfer_input(handoff: Handoff) -> dict:
    from casebook.cases.models import Involvement

    return {
        "kind": handoff.kind,
        "receiver": handoff.receiver_organisation,
        "summary": "verwijzing",
        "legal_basis": handoff.legal_basis,
        "person_informed": True,
        "receiver_involvement": Involvement.CONTRIBUTOR,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/handoffs/{h}"),
        ("post", "/handoffs/{h}/accept"),
        ("post", "/handoffs/{h}/reject"),
        ("post", "/handoffs/{h}/cancel"),
        ("post", "/handoffs/{h}/send"),
        ("post", "/handoffs/{h}/complete"),
        ("get", "/cases/{c}/handoffs/new"),
        ("post", "/cases/{c}/handoffs/new"),
        ("get", "/handoffs/requests/{r}"),
        ("post", "/handoffs/requests/{r}/decline"),
        ("post", "/handoffs/requests/{r}/withdraw"),
    ],
)
def test_idor_is_404_for_an_outsider(client, case, transfer, west_coord, method, path):
    outsider = make_user(org=make_org("buiten"), roles=[Role.COORDINATOR])
    asked_for = make_case(lead=case.lead_organisation, participants=[(west_coord.organisation, Involvement.OBSERVER)])
    asked = requests.create(asked_for.reference, "graag", by=west_coord)
    login_as(client, outsider)
    url = path.format(h=transfer.id, c=case.id, r=asked.id)
    response = getattr(client, method)(url, data={"reason": "x", "process_coordinator": str(outsider.id)})
    assert response.status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Handoff, transfer.id).status is HandoffStatus.PENDING


def test_nonexistent_ids_are_404(client, west_coord):
    login_as(client, west_coord)
    assert client.get("/handoffs/999999").status_code == 404
    assert client.get("/handoffs/requests/999999").status_code == 404
    assert last_event("handoff.view", actor_user_id=west_coord.id).outcome is Outcome.DENIED


def test_request_a_case_over_http(client, shared_case, west_coord, zvh_coord):
    case = shared_case
    login_as(client, west_coord)
    assert case.reference in client.get(f"/handoffs/requests/new?reference={case.reference}").get_data(as_text=True)
    response = client.post("/handoffs/requests/new", data={"reference": "PGA-1999-00001", "motivation": "Mijn uitleg"})
    assert response.status_code == 422
    assert "Mijn uitleg" in response.get_data(as_text=True)
    response = client.post("/handoffs/requests/new", data={"reference": case.reference, "motivation": "Overname"})
    assert response.status_code == 302
    asked = db.session.scalar(select(requests.TransferRequest).where(requests.TransferRequest.case_id == case.id))
    client.post("/logout")
    login_as(client, zvh_coord)
    assert "Verzoeken tot overdracht aan uw organisatie" in client.get("/handoffs").get_data(as_text=True)
    form = client.get(f"/cases/{case.id}/handoffs/new?request={asked.id}").get_data(as_text=True)
    assert "U beantwoordt het verzoek" in form
    assert client.post(f"/handoffs/requests/{asked.id}/decline", data={"reason": ""}).status_code == 422
    assert client.post(f"/handoffs/requests/{asked.id}/decline", data={"reason": "Blijft bij ons"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(requests.TransferRequest, asked.id).status is RequestStatus.DECLINED


def test_answering_a_request_over_http_sends_the_transfer(client, shared_case, west, west_coord, zvh_coord):
    case = shared_case
    asked = requests.create(case.reference, "graag", by=west_coord)
    login_as(client, zvh_coord)
    response = client.post(f"/cases/{case.id}/handoffs/new", data={**_form(west), "request": str(asked.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(requests.TransferRequest, asked.id).status is RequestStatus.ACCEPTED
    client.post("/logout")
    login_as(client, west_coord)
    assert client.post(f"/handoffs/requests/{asked.id}/withdraw").status_code == 409


def test_caseworker_cannot_request_a_case(client, west_worker):
    login_as(client, west_worker)
    assert client.get("/handoffs/requests/new").status_code == 404
