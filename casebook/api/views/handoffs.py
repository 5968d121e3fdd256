"""Handoffs through the API: send (or draft), the inbox, and the receiver's and sender's decisions."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless, not_yours, refusals
from casebook.api.lookup import row_of
from casebook.api.registry import Reply
from casebook.api.schemas.handoffs import (
    AcceptIn,
    HandoffBoxQuery,
    HandoffCreate,
    HandoffList,
    HandoffOut,
    HandoffSummary,
    RejectIn,
)
from casebook.auth.models import User
from casebook.cases import services as cases
from casebook.cases.models import Involvement
from casebook.handoffs import inbox, services
from casebook.handoffs.errors import HandoffError
from casebook.handoffs.models import HandoffKind, HandoffStatus, LegalBasis
from casebook.handoffs.rules import receivers_allowed_for

FIELDS = {"receiver": "organisation", "sender_after": "previous_lead", "process_coordinator": "coordinator"}


@api.post("/cases/<id:case_id>/handoffs", body=HandoffCreate, response=HandoffOut, status=201, tags=["handoffs"])
def create_handoff(case_id: int, body: Callable[[], HandoffCreate]) -> Reply:
    """Hand the case over (transfer) or bring a partner in (referral); coordinators send, caseworkers draft."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.DRAFT_HANDOFF)
    body = body()  # type: ignore[assignment]
    receiver = next((o for o in receivers_allowed_for(case) if o.slug == body.organisation), None)
    basis = row_of(LegalBasis, LegalBasis.code, body.legal_basis)
    with refusals(fields=FIELDS):
        if receiver is None:  # the screens offer only allowed receivers: the service's own rule and text
            raise HandoffError("Deze organisatie mag dit type casus niet ontvangen.", field="receiver")
        if basis is None:
            raise HandoffError("Kies een geldige grondslag.", field="legal_basis")
        transfer = body.kind is HandoffKind.TRANSFER
        data = services.HandoffInput(
            kind=body.kind,
            receiver=receiver,
            summary=body.summary,
            legal_basis=basis,
            person_informed=body.person_informed,
            receiver_involvement=None if transfer else Involvement(body.receiver_involvement or "contributor"),
            sender_after=body.previous_lead if transfer else None,
        )
        sends = can(user, Action.SEND_HANDOFF, case)
        handoff = (services.send if sends else services.draft)(case, data, by=user)
    location = url_for("api.get_handoff", handoff_id=handoff.id, _external=True)
    return Reply(HandoffOut.of(handoff), headers={"Location": location})


@api.get("/handoffs", query=HandoffBoxQuery, response=HandoffList, tags=["handoffs"], errors=[403])
def list_handoffs(query: HandoffBoxQuery) -> HandoffList:
    """The inbox of the caller's organisation: incoming, outgoing or decided handoffs (metadata only)."""
    user = api_user()
    forbid_unless(user, Action.USE_HANDOFF_INBOX, lambda: inbox.may_use(user))
    box = inbox.inbox_for(user)
    return HandoffList(items=[HandoffSummary.of(h) for h in getattr(box, query.box)])


@api.get("/handoffs/<id:handoff_id>", response=HandoffOut, tags=["handoffs"])
def get_handoff(handoff_id: int) -> HandoffOut:
    """One handoff with its summary: pending ones for the receiver's coordinators, others for both parties."""
    return HandoffOut.of(services.load_for(api_user(), handoff_id))


@api.post("/handoffs/<id:handoff_id>/accept", body=AcceptIn, response=HandoffOut, tags=["handoffs"], errors=[409])
def accept_handoff(handoff_id: int, body: Callable[[], AcceptIn]) -> HandoffOut:
    """Accept (receiver's coordinators). A transfer needs `coordinator`: the new procesregisseur; it
    names `case_manager` (or none yet) and moves or withdraws the sender's open actions in the same step."""
    user = api_user()
    handoff = services.load_for(user, handoff_id)
    given = body()
    coordinator = row_of(User, User.username, given.coordinator)
    case_manager = row_of(User, User.username, given.case_manager)
    with not_yours(), refusals(fields=FIELDS):
        if given.case_manager and case_manager is None:  # an unknown username: the service's own refusal
            raise HandoffError(
                "Kies een medewerker van uw organisatie als casusregisseur, of nog niemand.", field="case_manager"
            )
        services.accept(
            handoff,
            by=user,
            process_coordinator=coordinator,
            case_manager=case_manager,
            sender_actions=given.sender_actions,
        )
    return HandoffOut.of(handoff)


@api.post("/handoffs/<id:handoff_id>/reject", body=RejectIn, response=HandoffOut, tags=["handoffs"], errors=[409])
def reject_handoff(handoff_id: int, body: Callable[[], RejectIn]) -> HandoffOut:
    """Reject with a reason (receiver's coordinators)."""
    user = api_user()
    handoff = services.load_for(user, handoff_id)
    reason = body().reason
    with not_yours(), refusals(fields=FIELDS):
        services.reject(handoff, by=user, reason=reason)
    return HandoffOut.of(handoff)


@api.post("/handoffs/<id:handoff_id>/cancel", response=HandoffOut, tags=["handoffs"], errors=[409])
def cancel_handoff(handoff_id: int) -> HandoffOut:
    """Withdraw a pending handoff or discard a draft (the sender)."""
    user = api_user()
    handoff = services.load_for(user, handoff_id)
    decided = handoff.status not in (HandoffStatus.DRAFT, HandoffStatus.PENDING)
    with not_yours(decided), refusals(fields=FIELDS):
        services.cancel(handoff, by=user)
    return HandoffOut.of(handoff)
