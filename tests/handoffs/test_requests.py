"""Requests for a case: ask, answer with a transfer, decline, withdraw, expire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.handoffs import notifications, requests, services
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.models import HandoffStatus, RequestStatus
from casebook.organisations.models import OrganisationKind
from tests.factories import make_case, make_case_type, make_org, make_user
from tests.helpers import last_event


@pytest.fixture
def case(shared_case):
    """Requests are asked by an organisation that takes part in the case (here as observer)."""
    return shared_case


def test_request_then_the_lead_answers_with_a_transfer(case, west, west_coord, zvh_coord, make_input):
    asked = requests.create(case.reference, "Besproken in casusoverleg; wij nemen graag de regie.", by=west_coord)
    assert asked.status is RequestStatus.PENDING and asked.lead_organisation_id == case.lead_organisation_id
    assert last_event("handoff.request.create").details == {"lead": "zvh-test"}
    assert not can(west_coord, Action.SEND_HANDOFF, case)
    assert can(zvh_coord, Action.ANSWER_TRANSFER_REQUEST, asked) and not can(
        west_coord, Action.ANSWER_TRANSFER_REQUEST, asked
    )
    handoff = services.send(case, make_input(west, origin_request=asked), by=zvh_coord)
    assert asked.status is RequestStatus.ACCEPTED and handoff.origin_request_id == asked.id
    assert last_event("handoff.request.accept").details == {"handoff": handoff.id}
    assert [n.event for n in notifications.unread_for(west_coord)] == ["request_accepted"]
    services.accept(handoff, by=west_coord, process_coordinator=west_coord)
    assert handoff.status is HandoffStatus.ACCEPTED


def test_answer_must_go_to_the_requester(case, west, west_coord, zvh_coord, make_input):
    asked = requests.create(case.reference, "graag", by=west_coord)
    other = make_org("noord-x", kind=OrganisationKind.WIJKTEAM)
    with pytest.raises(HandoffError):
        services.send(case, make_input(other, origin_request=asked), by=zvh_coord)


def test_the_same_refusal_for_every_reason(zvh, west, west_coord, case):
    closed = make_case(lead=zvh)
    closed.closed_at = closed.opened_at
    make_case_type("domestic_violence", restricted=True)
    restricted = make_case(lead=zvh, type="domestic_violence")
    own = make_case(lead=west)
    for reference in ("PGA-1999-00001", closed.reference, restricted.reference, own.reference):
        with pytest.raises(HandoffError) as refused:
            requests.create(reference, "graag", by=west_coord)
        assert refused.value.message is requests.NOT_POSSIBLE and refused.value.field == "reference"
        assert last_event("handoff.request.create").outcome is Outcome.DENIED
    requests.create(case.reference.lower(), "graag", by=west_coord)
    with pytest.raises(HandoffError):
        requests.create(case.reference, "nog een keer", by=west_coord)


def test_only_coordinators_request(case, west_worker):
    with pytest.raises(AccessDenied):
        requests.create(case.reference, "graag", by=west_worker)


def test_decline_withdraw_and_expire(case, west_coord, zvh_coord, zvh_worker):
    asked = requests.create(case.reference, "graag", by=west_coord)
    with pytest.raises(AccessDenied):
        requests.decline(asked, by=zvh_worker, reason="nee")
    with pytest.raises(AccessDenied):
        requests.decline(asked, by=west_coord, reason="nee")
    with pytest.raises(HandoffError):
        requests.decline(asked, by=zvh_coord, reason="")
    requests.decline(asked, by=zvh_coord, reason="De regie blijft bij het ZVH")
    assert asked.status is RequestStatus.DECLINED and asked.decline_reason == "De regie blijft bij het ZVH"
    assert last_event("handoff.request.decline").actor_user_id == zvh_coord.id
    assert [n.event for n in notifications.unread_for(west_coord)] == ["request_declined"]
    with pytest.raises(HandoffConflict):
        requests.withdraw(asked, by=west_coord)

    again = requests.create(case.reference, "opnieuw", by=west_coord)
    with pytest.raises(AccessDenied):
        requests.withdraw(again, by=zvh_coord)
    requests.withdraw(again, by=west_coord)
    assert again.status is RequestStatus.WITHDRAWN

    third = requests.create(case.reference, "derde keer", by=west_coord)
    later = third.expires_at + timedelta(minutes=1)
    assert requests.expire_due(now=later) == 1
    assert requests.expire_due(now=later) == 0
    assert third.status is RequestStatus.EXPIRED
    assert last_event("handoff.request.expire").actor_user_id is None


def test_request_view_rights(case, west_coord, zvh_coord, zvh_worker):
    asked = requests.create(case.reference, "graag", by=west_coord)
    assert requests.load_for(west_coord, asked.id) is asked
    assert requests.load_for(zvh_coord, asked.id) is asked
    for outsider in (zvh_worker, make_user(org=make_org("derde-r"), roles=[Role.COORDINATOR])):
        with pytest.raises(AccessDenied):
            requests.load_for(outsider, asked.id)
        assert last_event("handoff.request.view", actor_user_id=outsider.id).outcome is Outcome.DENIED
