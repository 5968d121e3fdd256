"""Regression tests for the handoff leaks: requests for unrelated cases, handoffs of types the
reader may not see, expiry from the moment it is due, boxes and counts equal to what is visible,
and a case conflict that keeps the request's earlier durable events."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Case, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.handoffs import inbox, requests, services
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.models import HandoffStatus, RequestStatus
from casebook.organisations.models import OrganisationKind
from tests.factories import authorise_roles, login_as, make_case, make_case_type, make_org, make_user
from tests.helpers import audit_events, last_event

# --- leak 5: a request for a case the requester has no relation to ----------------------------


def _refusal_for(reference: str, by) -> HandoffError:
    with pytest.raises(HandoffError) as refused:
        requests.create(reference, "Wij willen graag de regie.", by=by)
    return refused.value


def test_an_unrelated_organisation_gets_the_answer_of_an_unknown_reference(case, west_coord):
    """Today's leak: any coordinator could ask for any sequential reference and learn its lead."""
    unknown = _refusal_for("PGA-1999-99999", west_coord)
    existing = _refusal_for(case.reference, west_coord)
    assert (existing.message, existing.field, existing.code) == (unknown.message, unknown.field, unknown.code)
    assert existing.code == "unknown"
    denied = last_event("handoff.request.create", actor_user_id=west_coord.id)
    assert denied.outcome is Outcome.DENIED and denied.case_id is None
    assert denied.details == {"refused": "unknown"}
    assert not can(west_coord, Action.REQUEST_TRANSFER, case)


def test_a_participant_or_a_user_who_sees_the_case_may_ask(shared_case, case, zvh, west_coord):
    assert can(west_coord, Action.REQUEST_TRANSFER, shared_case)
    asked = requests.create(shared_case.reference, "Wij willen graag de regie.", by=west_coord)
    assert asked.status is RequestStatus.PENDING
    named = make_user(org=make_org("noord-named", kind=OrganisationKind.WIJKTEAM), roles=[Role.COORDINATOR])
    case.participants.append(_named_participant(named))
    db.session.flush()
    assert can(named, Action.REQUEST_TRANSFER, case)
    zvh_coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    assert not can(zvh_coordinator, Action.REQUEST_TRANSFER, case)  # the lead does not ask itself


def _named_participant(user):
    from casebook.cases.models import CaseParticipant

    return CaseParticipant(organisation=user.organisation, user=user, involvement=Involvement.OBSERVER)


def test_over_http_an_unrelated_reference_renders_like_an_unknown_one(client, case, west_coord):
    login_as(client, west_coord)
    unknown = client.post("/handoffs/requests/new", data={"reference": "PGA-1999-99999", "motivation": "Graag"})
    existing = client.post("/handoffs/requests/new", data={"reference": case.reference, "motivation": "Graag"})
    assert unknown.status_code == existing.status_code == 422
    # the CSRF token carries its issue time: it differs when a second passes between the two answers
    same = re.compile(r'name="csrf_token"[^>]*?value="[^"]*"')
    existing_page = same.sub("", existing.get_data(as_text=True))
    assert existing_page.replace(case.reference, "PGA-1999-99999") == same.sub("", unknown.get_data(as_text=True))
    assert case.lead_organisation.name not in existing.get_data(as_text=True)
    assert last_event("handoff.request.create", actor_user_id=west_coord.id).outcome is Outcome.DENIED


# --- handoffs of a type the reader may not see -----------------------------------------------------


@pytest.fixture
def restricted_case(zvh, west):
    """A domestic-violence case; the ZVH coordinators are authorised for it, nobody else."""
    case_type = make_case_type("domestic_violence", restricted=True, confidentiality=Confidentiality.GEHEIM)
    authorise_roles(case_type, roles=[Role.COORDINATOR], organisation=zvh, max_confidentiality=Confidentiality.GEHEIM)
    return make_case(lead=zvh, type="domestic_violence")


def _pending_to(case, receiver, sender, make_input):
    """A pending handoff of ``case`` to ``receiver``, written directly (the policy refuses sending it
    today, but an authorisation can be revoked after sending)."""
    handoff = services.send(case, make_input(receiver), by=sender)
    return handoff


def test_a_receiver_not_authorised_for_the_type_sees_no_pending_handoff(
    client, restricted_case, zvh, zvh_coord, west, west_coord, make_input
):
    grant = authorise_roles(
        restricted_case.case_type,
        roles=[Role.COORDINATOR],
        organisation=west,
        max_confidentiality=Confidentiality.GEHEIM,
    )
    handoff = _pending_to(restricted_case, west, zvh_coord, make_input)
    assert can(west_coord, Action.VIEW_HANDOFF, handoff) and inbox.incoming_count(west_coord) == 1
    for row in grant:
        row.revoked_at = utcnow()
    db.session.flush()
    assert not can(west_coord, Action.VIEW_HANDOFF, handoff)
    assert not can(west_coord, Action.DECIDE_HANDOFF, handoff)
    assert inbox.incoming_count(west_coord) == 0
    assert inbox.inbox_for(west_coord).incoming == []
    with pytest.raises(AccessDenied):
        services.accept(handoff, by=west_coord, process_coordinator=west_coord)
    assert last_event("handoff.accept", actor_user_id=west_coord.id).outcome is Outcome.DENIED
    login_as(client, west_coord)
    assert client.get(f"/handoffs/{handoff.id}").status_code == 404
    assert client.get(f"/api/v1/handoffs/{handoff.id}").status_code in (401, 404)
    assert restricted_case.reference not in client.get("/handoffs").get_data(as_text=True)


def test_a_drafter_who_may_not_see_the_type_loses_the_draft(restricted_case, zvh, west, west_coord, make_input):
    drafter = make_user(org=zvh, roles=[Role.CASEWORKER])
    grant = authorise_roles(
        restricted_case.case_type, roles=[Role.CASEWORKER], organisation=zvh, max_confidentiality=Confidentiality.GEHEIM
    )
    authorise_roles(
        restricted_case.case_type,
        roles=[Role.COORDINATOR],
        organisation=west,
        max_confidentiality=Confidentiality.GEHEIM,
    )
    draft = services.draft(restricted_case, make_input(west), by=drafter)
    assert can(drafter, Action.VIEW_HANDOFF, draft) and can(drafter, Action.CANCEL_HANDOFF, draft)
    for row in grant:
        row.revoked_at = utcnow()
    db.session.flush()
    assert not can(drafter, Action.VIEW_HANDOFF, draft) and not can(drafter, Action.CANCEL_HANDOFF, draft)
    with pytest.raises(AccessDenied):
        services.load_for(drafter, draft.id)
    assert inbox.inbox_for(drafter).outgoing == []


# --- expired from the moment it is due ----------------------------------------------------------------


def _overdue(obj) -> None:
    obj.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()


def test_a_handoff_past_its_date_is_expired_before_the_job_runs(client, transfer, west_coord, zvh_coord):
    _overdue(transfer)
    assert transfer.status is HandoffStatus.PENDING  # the job has not run
    assert transfer.shown_status is HandoffStatus.EXPIRED and not transfer.is_pending
    assert not can(west_coord, Action.DECIDE_HANDOFF, transfer)
    assert not can(west_coord, Action.VIEW_HANDOFF, transfer)  # the receiver's view ends with it
    assert not can(zvh_coord, Action.CANCEL_HANDOFF, transfer)
    assert inbox.incoming_count(west_coord) == 0
    box = inbox.inbox_for(zvh_coord)
    assert transfer not in box.outgoing and transfer in box.decided
    with pytest.raises(HandoffConflict):
        services.cancel(transfer, by=zvh_coord)
    login_as(client, west_coord)
    assert client.get(f"/handoffs/{transfer.id}").status_code == 404
    assert (
        client.post(f"/handoffs/{transfer.id}/accept", data={"process_coordinator": str(west_coord.id)}).status_code
        == 404
    )
    client.post("/logout")
    login_as(client, zvh_coord)
    html = client.get(f"/handoffs/{transfer.id}").get_data(as_text=True)
    assert "Verlopen" in html or "verlopen" in html
    db.session.expire_all()
    assert services.expire_due() == 1  # the job only records it


def test_a_request_past_its_date_is_expired_before_the_job_runs(shared_case, west_coord, zvh_coord):
    asked = requests.create(shared_case.reference, "graag", by=west_coord)
    _overdue(asked)
    assert asked.shown_status is RequestStatus.EXPIRED
    assert not can(zvh_coord, Action.ANSWER_TRANSFER_REQUEST, asked)
    assert not can(west_coord, Action.WITHDRAW_TRANSFER_REQUEST, asked)
    assert inbox.incoming_count(zvh_coord) == 0
    assert asked not in inbox.inbox_for(west_coord).outgoing_requests
    with pytest.raises(HandoffConflict):
        requests.withdraw(asked, by=west_coord)
    with pytest.raises(HandoffConflict):
        requests.decline(asked, by=zvh_coord, reason="nee")


# --- counts equal the lists -----------------------------------------------------------------------------


def test_the_header_count_equals_the_incoming_box(
    client, case, restricted_case, zvh_coord, west, west_coord, make_input
):
    services.send(case, make_input(west), by=zvh_coord)
    overdue = services.send(make_case(lead=case.lead_organisation), make_input(west), by=zvh_coord)
    _overdue(overdue)
    box = inbox.inbox_for(west_coord)
    assert inbox.incoming_count(west_coord) == len(box.incoming) + len(box.incoming_requests) == 1
    login_as(client, west_coord)
    assert "Binnenkomend (1)" in client.get("/handoffs").get_data(as_text=True)


# --- a case conflict keeps the request's earlier durable events ----------------------------------------------


def test_a_case_conflict_rolls_back_only_the_decision(transfer, case, west_coord):
    loaded = services.load_for(west_coord, transfer.id)  # a durable read event of this request
    viewed = len(audit_events("handoff.view", actor_user_id=west_coord.id))
    db.session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(version=Case.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(HandoffConflict):
        services.accept(loaded, by=west_coord, process_coordinator=west_coord)
    assert len(audit_events("handoff.view", actor_user_id=west_coord.id)) == viewed == 1
    assert last_event("handoff.accept").details == {"conflict": "case_changed"}
    db.session.expire_all()
    assert db.session.get(type(transfer), transfer.id).status is HandoffStatus.PENDING


def test_the_inbox_offers_a_request_by_the_policy_not_by_a_role(client, west_worker, west_coord):
    link = "/handoffs/requests/new"
    login_as(client, west_worker)
    assert link not in client.get("/handoffs").get_data(as_text=True)
    client.post("/logout")
    login_as(client, west_coord)
    assert link in client.get("/handoffs").get_data(as_text=True)
