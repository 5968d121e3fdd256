"""Drafting and sending handoffs, with every rule checked (and each refusal audited)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from casebook import audit
from casebook.access import AccessDenied, Action, can, deny, may_process_bsn
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case, Involvement
from casebook.db import db, utcnow
from casebook.handoffs import items as shared_items
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.models import (
    Handoff,
    HandoffItem,
    HandoffKind,
    HandoffStatus,
    RequestStatus,
    TransferRequest,
)
from casebook.handoffs.notifications import notify
from casebook.handoffs.plan_link import plan_action_link
from casebook.handoffs.rules import receivers_allowed_for
from casebook.handoffs.services.common import CONFLICT_TEXTS, MAX_TEXT, HandoffInput, claim, expiry_days


def _refuse(by: User, case: Case, exc: HandoffError) -> HandoffError:
    audit.record(by, "handoff.send", case, outcome=Outcome.DENIED, details={"refused": exc.code})
    return exc


def _check(case: Case, data: HandoffInput, *, by: User, exclude_id: int | None = None) -> None:
    """Every rule of a handoff request. :raises HandoffError: (the refusal is audited)."""
    try:
        _check_rules(case, data, exclude_id=exclude_id)
    except HandoffError as exc:
        raise _refuse(by, case, exc) from None


def _check_rules(case: Case, data: HandoffInput, *, exclude_id: int | None) -> None:
    require_open(case)
    if data.receiver.id not in {org.id for org in receivers_allowed_for(case)}:
        raise HandoffError(
            _l("Deze organisatie mag dit type casus niet ontvangen."), field="receiver", code="receiver_not_authorised"
        )
    summary = (data.summary or "").strip()
    if not summary or len(summary) > MAX_TEXT:
        raise HandoffError(_l("Schrijf een samenvatting voor de ontvanger."), field="summary", code="summary")
    if not may_process_bsn(data.receiver) and shared_items.find_bsns(summary):
        raise HandoffError(
            _l("De samenvatting bevat een BSN; deze ontvanger mag geen BSN verwerken. Laat het BSN weg."),
            field="summary",
            code="bsn_forbidden",
        )
    if not data.legal_basis.active:
        raise HandoffError(_l("Kies een geldige grondslag."), field="legal_basis", code="legal_basis")
    open_same = select(Handoff.id).where(
        Handoff.case_id == case.id, Handoff.status == HandoffStatus.PENDING, Handoff.id != (exclude_id or 0)
    )
    if data.kind is HandoffKind.TRANSFER:
        if data.sender_after is None:
            raise HandoffError(_l("Kies wat uw organisatie na de overdracht doet."), field="sender_after", code="form")
        if db.session.scalar(open_same.where(Handoff.kind == HandoffKind.TRANSFER)):
            raise HandoffError(
                _l("Voor deze casus loopt al een overdracht van regie."), field="kind", code="transfer_pending"
            )
    else:
        if data.receiver_involvement not in (Involvement.CONTRIBUTOR, Involvement.OBSERVER):
            raise HandoffError(_l("Kies hoe de ontvanger deelneemt."), field="receiver_involvement", code="form")
        if any(p.organisation_id == data.receiver.id for p in case.active_participants):
            raise HandoffError(
                _l("Deze organisatie neemt al deel aan de casus."), field="receiver", code="already_participant"
            )
        if db.session.scalar(open_same.where(Handoff.receiver_organisation_id == data.receiver.id)):
            raise HandoffError(
                _l("Er loopt al een verwijzing naar deze organisatie."), field="receiver", code="referral_pending"
            )
    for kind, item_id in data.items:
        try:
            shared_items.validate(case, kind, item_id)
        except shared_items.ItemRefused:
            raise HandoffError(
                _l("Een gekozen onderdeel kan niet worden gedeeld (intern of niet van deze casus)."),
                field="items",
                code="item_refused",
            ) from None
    if data.plan_action_id is not None:
        link = plan_action_link()
        if data.kind is not HandoffKind.REFERRAL or link is None or not link.exists(case, data.plan_action_id):
            raise HandoffError(_l("Kies een actie uit het plan van deze casus."), field="plan_action", code="plan")
    request = data.origin_request
    if request is not None and (
        request.case_id != case.id
        or request.status is not RequestStatus.PENDING
        or data.kind is not HandoffKind.TRANSFER
        or request.requesting_organisation_id != data.receiver.id
    ):
        raise HandoffError(_l("Dit verzoek tot overdracht is niet meer open."), code="request_closed")


def _build(case: Case, data: HandoffInput, *, by: User, status: HandoffStatus) -> Handoff:
    transfer = data.kind is HandoffKind.TRANSFER
    handoff = Handoff(
        case=case,
        kind=data.kind,
        status=status,
        sender_organisation_id=case.lead_organisation_id,
        receiver_organisation=data.receiver,
        receiver_involvement=None if transfer else data.receiver_involvement,
        sender_after=data.sender_after if transfer else None,
        legal_basis=data.legal_basis,
        person_informed=data.person_informed,
        bsn_shared=may_process_bsn(data.receiver),
        plan_action_id=None if transfer else data.plan_action_id,
        drafted_by=by,
        items=[HandoffItem(item_kind=k, item_id=i) for k, i in dict.fromkeys(data.items)],
        # present in the state, so EncryptedText can flag a later write within the same session
        rejection_reason_ciphertext=None,
    )
    handoff.summary = data.summary.strip()
    db.session.add(handoff)
    return handoff


def draft(case: Case, data: HandoffInput, *, by: User) -> Handoff:
    """A caseworker (or coordinator) of the lead writes a handoff for a coordinator to send."""
    if not can(by, Action.DRAFT_HANDOFF, case):
        audit.record(by, "handoff.draft", case, outcome=Outcome.DENIED)
        raise AccessDenied()
    _check(case, data, by=by)
    handoff = _build(case, data, by=by, status=HandoffStatus.DRAFT)
    db.session.flush()
    audit.record(by, "handoff.draft", handoff, details=_facts(handoff))
    return handoff


def send(case: Case, data: HandoffInput, *, by: User, now: datetime | None = None) -> Handoff:
    """A coordinator of the lead sends a new handoff (or the transfer answering a request)."""
    if not can(by, Action.SEND_HANDOFF, case):
        audit.record(by, "handoff.send", case, outcome=Outcome.DENIED)
        raise AccessDenied()
    _check(case, data, by=by)
    now = now or utcnow()
    handoff = _build(case, data, by=by, status=HandoffStatus.DRAFT)
    db.session.flush()
    _mark_sent(handoff, by=by, now=now)
    if data.origin_request is not None:
        _answer_request(data.origin_request, handoff, by=by, now=now)
    return handoff


def _answer_request(request: TransferRequest, handoff: Handoff, *, by: User, now: datetime) -> None:
    """The lead honours a request for the case: the request is closed by the transfer just sent."""
    result = db.session.execute(
        update(TransferRequest)
        .where(
            TransferRequest.id == request.id,
            TransferRequest.status == RequestStatus.PENDING,
            TransferRequest.expires_at > now,  # overdue even when the expiry run has not come by yet
        )
        .values(status=RequestStatus.ACCEPTED, decided_at=now, decided_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise HandoffConflict(_l("Dit verzoek tot overdracht is intussen al afgehandeld."))
    for name, value in {"status": RequestStatus.ACCEPTED, "decided_at": now, "decided_by_id": by.id}.items():
        set_committed_value(request, name, value)
    handoff.origin_request = request
    db.session.flush()
    audit.record(by, "handoff.request.accept", request, details={"handoff": handoff.id})
    notify([request.requested_by], "request_accepted", request=request, handoff=handoff)


def send_draft(handoff: Handoff, *, by: User, now: datetime | None = None) -> Handoff:
    """A coordinator of the lead sends a draft; every rule is checked again."""
    case = handoff.case
    if handoff.status is not HandoffStatus.DRAFT and can(by, Action.SEND_HANDOFF, case):
        raise HandoffConflict(CONFLICT_TEXTS.get(handoff.status), status=str(handoff.status))
    if not can(by, Action.SEND_HANDOFF_DRAFT, handoff):
        raise deny(by, "handoff.send", handoff)
    data = HandoffInput(
        kind=handoff.kind,
        receiver=handoff.receiver_organisation,
        summary=handoff.summary or "",
        legal_basis=handoff.legal_basis,
        person_informed=handoff.person_informed,
        receiver_involvement=handoff.receiver_involvement,
        sender_after=handoff.sender_after,
        items=tuple((i.item_kind, i.item_id) for i in handoff.items),
        plan_action_id=handoff.plan_action_id,
    )
    _check(case, data, by=by, exclude_id=handoff.id)
    _mark_sent(handoff, by=by, now=now or utcnow(), from_status=HandoffStatus.DRAFT)
    return handoff


def _mark_sent(handoff: Handoff, *, by: User, now: datetime, from_status: HandoffStatus = HandoffStatus.DRAFT) -> None:
    try:
        with db.session.begin_nested():  # the one-pending-transfer index may refuse a concurrent second one
            claim(handoff, HandoffStatus.PENDING, by=by, now=now, from_statuses=(from_status,), action="handoff.send")
    except IntegrityError:
        audit.record(by, "handoff.send", handoff.case, outcome=Outcome.DENIED, details={"refused": "transfer_pending"})
        raise HandoffError(
            _l("Voor deze casus loopt al een overdracht van regie."), field="kind", code="transfer_pending"
        ) from None
    handoff.sent_by = by
    handoff.sent_at = now
    handoff.expires_at = now + timedelta(days=expiry_days())
    handoff.bsn_shared = may_process_bsn(handoff.receiver_organisation)
    link = plan_action_link()
    if handoff.plan_action_id is not None and link is not None:
        link.referred(handoff.case, handoff.plan_action_id, handoff)
    db.session.flush()
    audit.record(by, "handoff.send", handoff, details=_facts(handoff))


def _facts(handoff: Handoff) -> dict[str, object]:
    """Audit details: kinds and organisation slugs only, never the summary."""
    return {
        "kind": str(handoff.kind),
        "sender": handoff.sender_organisation.slug if handoff.sender_organisation else None,
        "receiver": handoff.receiver_organisation.slug,
        "legal_basis": handoff.legal_basis.code,
        "person_informed": handoff.person_informed,
        "bsn_shared": handoff.bsn_shared,
        "items": [f"{i.item_kind}:{i.item_id}" for i in handoff.items],
        "involvement": str(handoff.receiver_involvement) if handoff.receiver_involvement else None,
        "sender_after": str(handoff.sender_after) if handoff.sender_after else None,
    }
