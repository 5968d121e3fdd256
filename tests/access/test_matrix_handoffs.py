"""The authorisation matrix for handoffs and transfer requests, as a table:
role × relation × state × the case's level against the user's maximum × action → allowed?

Each cell is checked against the policy (``can``), the loader (outcome and audit event) and the
screen (status, and the API for handoffs). Objects are written directly, so the policy judges
states the services would never produce for that user.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.cases.models import Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.handoffs import requests, services
from casebook.handoffs.errors import HandoffError
from casebook.handoffs.models import Handoff, HandoffKind, HandoffStatus, LegalBasis, RequestStatus, TransferRequest
from tests.access.helpers import add_participant
from tests.factories import (
    authorise_roles,
    bearer,
    login_as,
    make_api_token,
    make_case,
    make_case_type,
    make_org,
    make_user,
)
from tests.helpers import last_event

ROLES = ("caseworker", "coordinator", "supervisor", "admin")
LEVELS = ("within_max", "above_max")
MATRIX_MAX = Confidentiality.VERTROUWELIJK
LEVEL_CONFIDENTIALITY = {"within_max": Confidentiality.ZAAKVERTROUWELIJK, "above_max": Confidentiality.GEHEIM}
WORK = {"caseworker", "coordinator"}

# --- handoffs -----------------------------------------------------------------------------------

H_RELATIONS = ("receiver", "sender", "drafter", "other")
H_STATES = ("draft", "pending", "overdue", "accepted")
H_ACTIONS = (
    Action.VIEW_HANDOFF,
    Action.DECIDE_HANDOFF,
    Action.CANCEL_HANDOFF,
    Action.SEND_HANDOFF_DRAFT,
    Action.COMPLETE_HANDOFF,
)


def handoff_expected(role: str, relation: str, state: str, level: str, action: Action) -> bool:
    """The rules, written out as a table (independently of their code)."""
    if level == "above_max" or role not in WORK:
        return False
    coordinator = role == "coordinator"
    if action is Action.VIEW_HANDOFF:
        if relation == "receiver":
            return (state == "pending" and coordinator) or state == "accepted"
        if relation == "sender":
            return state != "draft" or coordinator
        return relation == "drafter"  # a draft, or sent since: the lead sees it
    if action is Action.DECIDE_HANDOFF:
        return relation == "receiver" and state == "pending" and coordinator
    if action is Action.SEND_HANDOFF_DRAFT:
        return state == "draft" and coordinator and relation in ("sender", "drafter")
    if action is Action.COMPLETE_HANDOFF:  # the receiver of an accepted referral reports it done
        return state == "accepted" and relation == "receiver"
    # cancel: the drafter discards a draft; the lead's coordinators withdraw a draft or a live pending one
    if relation == "drafter":
        return state == "draft" or (state == "pending" and coordinator)
    return relation == "sender" and coordinator and state in ("draft", "pending")


H_CELLS = list(itertools.product(ROLES, H_RELATIONS, H_STATES, LEVELS))


def _organisations_and_type(role: str, level: str):
    lead, receiver, outside = make_org(), make_org(), make_org()
    case_type = make_case_type("matrix-h", authorise=False)
    for org in (lead, receiver, outside):
        authorise_roles(case_type, roles=[role, "coordinator"], max_confidentiality=MATRIX_MAX, organisation=org)
    case = make_case(lead=lead, type="matrix-h", confidentiality=LEVEL_CONFIDENTIALITY[level])
    return lead, receiver, outside, case


def build_handoff(role: str, relation: str, state: str, level: str):
    lead, receiver, outside, case = _organisations_and_type(role, level)
    home = {"receiver": receiver, "sender": lead, "drafter": lead, "other": outside}[relation]
    user = make_user(org=home, roles=[role])
    drafter = user if relation == "drafter" else make_user(org=lead, roles=["caseworker"])
    now = utcnow()
    handoff = Handoff(
        case=case,
        kind=HandoffKind.REFERRAL,
        status=HandoffStatus.DRAFT if state == "draft" else HandoffStatus.PENDING,
        sender_organisation_id=lead.id,
        receiver_organisation=receiver,
        receiver_involvement=Involvement.CONTRIBUTOR,
        legal_basis=db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant")),
        person_informed=True,
        bsn_shared=False,
        drafted_by=drafter,
        sent_at=None if state == "draft" else now - timedelta(days=1),
        expires_at=None if state == "draft" else now + timedelta(days=(-1 if state == "overdue" else 13)),
        rejection_reason_ciphertext=None,
    )
    handoff.summary = "Samenvatting voor de ontvanger."
    if state == "accepted":
        handoff.status, handoff.decided_at = HandoffStatus.ACCEPTED, now
        add_participant(case, receiver, Involvement.CONTRIBUTOR)
    db.session.add(handoff)
    db.session.flush()
    return user, handoff


def test_the_handoff_matrix_is_complete():
    assert len(H_CELLS) == 4 * 4 * 4 * 2


@pytest.mark.parametrize(("role", "relation", "state", "level"), H_CELLS)
def test_handoff_cell(client, role, relation, state, level):
    user, handoff = build_handoff(role, relation, state, level)
    for action in H_ACTIONS:
        assert can(user, action, handoff) is handoff_expected(role, relation, state, level, action), action
    visible = handoff_expected(role, relation, state, level, Action.VIEW_HANDOFF)
    if visible:
        assert services.load_for(user, handoff.id) is handoff
    else:
        with pytest.raises(AccessDenied):
            services.load_for(user, handoff.id)
    event = last_event("handoff.view", actor_user_id=user.id)
    assert event.outcome is (Outcome.ALLOWED if visible else Outcome.DENIED)
    handoff_id = handoff.id
    login_as(client, user)
    assert client.get(f"/handoffs/{handoff_id}").status_code == (200 if visible else 404)


API_CELLS = [c for c in H_CELLS if c[0] in ("caseworker", "coordinator") and c[2] in ("pending", "overdue")]


@pytest.mark.parametrize(("role", "relation", "state", "level"), API_CELLS)
def test_handoff_api_cell(client, role, relation, state, level):
    user, handoff = build_handoff(role, relation, state, level)
    visible = handoff_expected(role, relation, state, level, Action.VIEW_HANDOFF)
    headers = bearer(make_api_token(user))
    response = client.get(f"/api/v1/handoffs/{handoff.id}", headers=headers)
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response.json["status"] == ("expired" if state == "overdue" else "pending")


# --- transfer requests --------------------------------------------------------------------------

R_RELATIONS = ("requester", "lead", "other")
R_STATES = ("pending", "overdue", "declined")
R_ACTIONS = (Action.VIEW_TRANSFER_REQUEST, Action.ANSWER_TRANSFER_REQUEST, Action.WITHDRAW_TRANSFER_REQUEST)


def request_expected(role: str, relation: str, state: str, level: str, action: Action) -> bool:
    if level == "above_max" or role != "coordinator" or relation == "other":
        return False
    if action is Action.VIEW_TRANSFER_REQUEST:
        return True
    if action is Action.ANSWER_TRANSFER_REQUEST:
        return relation == "lead" and state == "pending"
    return relation == "requester" and state == "pending"


R_CELLS = list(itertools.product(ROLES, R_RELATIONS, R_STATES, LEVELS))


def build_request(role: str, relation: str, state: str, level: str):
    lead, requester_org, outside, case = _organisations_and_type(role, level)
    add_participant(case, requester_org, Involvement.OBSERVER)
    home = {"requester": requester_org, "lead": lead, "other": outside}[relation]
    user = make_user(org=home, roles=[role])
    now = utcnow()
    request = TransferRequest(
        case=case,
        status=RequestStatus.DECLINED if state == "declined" else RequestStatus.PENDING,
        requesting_organisation_id=requester_org.id,
        lead_organisation_id=lead.id,
        requested_by=make_user(org=requester_org, roles=["coordinator"]),
        created_at=now - timedelta(days=2),
        expires_at=now + timedelta(days=(-1 if state == "overdue" else 12)),
        decline_reason_ciphertext=None,
    )
    request.motivation = "Wij nemen de regie graag over."
    db.session.add(request)
    db.session.flush()
    return user, request


@pytest.mark.parametrize(("role", "relation", "state", "level"), R_CELLS)
def test_request_cell(client, role, relation, state, level):
    user, request = build_request(role, relation, state, level)
    for action in R_ACTIONS:
        assert can(user, action, request) is request_expected(role, relation, state, level, action), action
    visible = request_expected(role, relation, state, level, Action.VIEW_TRANSFER_REQUEST)
    if visible:
        assert requests.load_for(user, request.id) is request
    else:
        with pytest.raises(AccessDenied):
            requests.load_for(user, request.id)
    event = last_event("handoff.request.view", actor_user_id=user.id)
    assert event.outcome is (Outcome.ALLOWED if visible else Outcome.DENIED)
    request_id = request.id
    login_as(client, user)
    assert client.get(f"/handoffs/requests/{request_id}").status_code == (200 if visible else 404)


# Asking for a case: role × relation of the requester's organisation to the case × level.
ASK_RELATIONS = ("participant", "named_user", "lead", "unrelated")


@pytest.mark.parametrize(("role", "relation", "level"), list(itertools.product(ROLES, ASK_RELATIONS, LEVELS)))
def test_request_transfer_cell(role, relation, level):
    lead, home, _outside, case = _organisations_and_type(role, level)
    user = make_user(org=lead if relation == "lead" else home, roles=[role])
    if relation == "participant":
        add_participant(case, home, Involvement.OBSERVER)
    elif relation == "named_user":
        add_participant(case, home, Involvement.OBSERVER, user=user)
    allowed = role == "coordinator" and level == "within_max" and relation in ("participant", "named_user")
    assert can(user, Action.REQUEST_TRANSFER, case) is allowed
    if role != "coordinator":
        return
    if allowed:
        assert requests.create(case.reference, "Graag de regie.", by=user).case_id == case.id
    else:
        with pytest.raises(HandoffError) as refused:
            requests.create(case.reference, "Graag de regie.", by=user)
        assert refused.value.message is requests.NOT_POSSIBLE
        assert last_event("handoff.request.create", actor_user_id=user.id).outcome is Outcome.DENIED
