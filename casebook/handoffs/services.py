"""Handoff services: draft, send, cancel, accept, reject, complete, expire — each one transaction.

Every decision claims the handoff with a conditional UPDATE (``… WHERE id = ? AND status =
'pending'``) and checks the row count, so of two concurrent decisions exactly one wins; the
loser gets a ``HandoffConflict`` and changes nothing. Changes to the case go through the ORM's
version column (``Case.version``), so a case changed concurrently also ends in a conflict.
Services flush; the request or CLI wrapper commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.db import db, utcnow
from casebook.handoffs import items as shared_items
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.models import (
    Handoff,
    HandoffItem,
    HandoffKind,
    HandoffStatus,
    LegalBasis,
    RequestStatus,
    SenderAfterTransfer,
    TransferRequest,
)
from casebook.handoffs.notifications import notify
from casebook.handoffs.plan_link import plan_action_link
from casebook.handoffs.rules import may_process_bsn, receivers_allowed_for
from casebook.organisations.models import Organisation

WORK_ROLES = (Role.CASEWORKER, Role.COORDINATOR)
MAX_TEXT = 10_000

CONFLICT_TEXTS = {
    HandoffStatus.ACCEPTED: _l("Deze overdracht is intussen al geaccepteerd; uw besluit is niet verwerkt."),
    HandoffStatus.REJECTED: _l("Deze overdracht is intussen al afgewezen; uw besluit is niet verwerkt."),
    HandoffStatus.CANCELLED: _l("Deze overdracht is intussen ingetrokken door de verzender; er is niets gewijzigd."),
    HandoffStatus.EXPIRED: _l("Deze overdracht is verlopen; er is niets gewijzigd."),
    HandoffStatus.PENDING: _l("Deze overdracht is verlopen; er is niets gewijzigd."),
    HandoffStatus.DRAFT: _l("Deze overdracht is nog niet verstuurd."),
}


@dataclass(frozen=True)
class HandoffInput:
    kind: HandoffKind
    receiver: Organisation
    summary: str
    legal_basis: LegalBasis
    person_informed: bool
    receiver_involvement: Involvement | None = None  # referral: contributor or observer
    sender_after: SenderAfterTransfer | None = None  # transfer: observer or leave
    items: tuple[tuple[str, int], ...] = ()
    plan_action_id: int | None = None
    origin_request: TransferRequest | None = None


def expiry_days() -> int:
    return int(current_app.config.get("HANDOFF_EXPIRY_DAYS", 14))


# --- who may do what (pure checks; the callers audit) ------------------------------------------


def is_receiver_coordinator(user: User, handoff: Handoff) -> bool:
    return can(user, Action.DECIDE_HANDOFF) and user.organisation_id == handoff.receiver_organisation_id


def can_view(user: User, handoff: Handoff) -> bool:
    """Pending: the receiver's coordinators (summary and items only, never the case). Otherwise
    the sender's and receiver's workers who can see the case now; drafts stay with the sender."""
    if not can(user, Action.LIST_CASES) or not user.has_role(*WORK_ROLES):
        return False
    if handoff.is_pending and is_receiver_coordinator(user, handoff):
        return True
    if handoff.status is HandoffStatus.DRAFT:
        own = user.organisation_id == handoff.sender_organisation_id
        return own and (user.id == handoff.drafted_by_id or can(user, Action.SEND_HANDOFF, handoff.case))
    parties = (handoff.sender_organisation_id, handoff.receiver_organisation_id)
    return user.organisation_id in parties and can(user, Action.VIEW_CASE, handoff.case)


def can_send(user: User, handoff: Handoff) -> bool:
    return handoff.status is HandoffStatus.DRAFT and can(user, Action.SEND_HANDOFF, handoff.case)


def can_cancel(user: User, handoff: Handoff) -> bool:
    if handoff.status is HandoffStatus.DRAFT:
        return user.id == handoff.drafted_by_id or can(user, Action.SEND_HANDOFF, handoff.case)
    return handoff.is_pending and can(user, Action.SEND_HANDOFF, handoff.case)


def can_decide(user: User, handoff: Handoff) -> bool:
    return handoff.is_pending and is_receiver_coordinator(user, handoff)


def can_complete(user: User, handoff: Handoff) -> bool:
    return (
        handoff.kind is HandoffKind.REFERRAL
        and handoff.status is HandoffStatus.ACCEPTED
        and handoff.completed_at is None
        and user.organisation_id == handoff.receiver_organisation_id
        and user.has_role(*WORK_ROLES)
        and can(user, Action.VIEW_CASE, handoff.case)
    )


def load_for(user: User, handoff_id: int) -> Handoff:
    """The handoff if ``user`` may see it; else the denial is audited and a 404 raised.

    :raises AccessDenied:
    """
    handoff = db.session.scalar(
        select(Handoff)
        .where(Handoff.id == handoff_id)
        .options(selectinload(Handoff.items), selectinload(Handoff.case).selectinload(Case.participants))
    )
    if handoff is None or not can_view(user, handoff):
        audit.record(
            user,
            "handoff.view",
            case_id=handoff.case_id if handoff else None,
            outcome=Outcome.DENIED,
            details={"requested_id": str(handoff_id)},
        )
        raise AccessDenied()
    audit.record(user, "handoff.view", handoff)
    return handoff


def _deny(user: User, action: str, handoff: Handoff) -> AccessDenied:
    audit.record(user, action, handoff, outcome=Outcome.DENIED)
    return AccessDenied()


def rendered_items(user: User, handoff: Handoff) -> list[shared_items.RenderedItem]:
    context = shared_items.RenderContext(viewer=user, bsn_allowed=handoff.bsn_shared)
    rows = [(i.item_kind, i.item_id) for i in handoff.items]
    return shared_items.render_items(handoff.case, rows, context)


# --- drafting and sending -------------------------------------------------------------------------


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
    if case.closed_at is not None:
        raise HandoffError(_l("Een afgesloten casus kan niet worden overgedragen."), code="case_closed")
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
        .where(TransferRequest.id == request.id, TransferRequest.status == RequestStatus.PENDING)
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
    if not can(by, Action.SEND_HANDOFF, case) or handoff.sender_organisation_id != case.lead_organisation_id:
        raise _deny(by, "handoff.send", handoff)
    if handoff.status is not HandoffStatus.DRAFT:
        raise HandoffConflict(CONFLICT_TEXTS.get(handoff.status), status=str(handoff.status))
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
            _claim(handoff, HandoffStatus.PENDING, by=by, now=now, from_statuses=(from_status,), action="handoff.send")
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


# --- the claim: exactly one decision wins ---------------------------------------------------------


def _claim(
    handoff: Handoff,
    to_status: HandoffStatus,
    *,
    by: User | None,
    now: datetime,
    from_statuses: tuple[HandoffStatus, ...] = (HandoffStatus.PENDING,),
    action: str,
) -> None:
    """Move the handoff to ``to_status`` iff it is still in ``from_statuses`` (and not overdue).

    :raises HandoffConflict: another decision (or the expiry) came first; the loser's denial is audited.
    """
    conditions = [Handoff.id == handoff.id, Handoff.status.in_(from_statuses)]
    if HandoffStatus.PENDING in from_statuses and to_status is not HandoffStatus.EXPIRED:
        conditions.append(or_(Handoff.expires_at.is_(None), Handoff.expires_at > now))
    values: dict[str, object] = {"status": to_status}
    if to_status is not HandoffStatus.PENDING:
        values.update(decided_at=now, decided_by_id=by.id if by else None)
    result = db.session.execute(
        update(Handoff).where(*conditions).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(handoff)
        audit.record(by, action, handoff, outcome=Outcome.DENIED, details={"conflict": str(handoff.status)})
        raise HandoffConflict(CONFLICT_TEXTS.get(handoff.status, ""), status=str(handoff.status))
    for name, value in values.items():
        set_committed_value(handoff, name, value)


@contextmanager
def _case_changes(by: User, handoff: Handoff, action: str) -> Iterator[None]:
    """Run changes to the case under its version check; a concurrent change of the case is a conflict.

    The block bumps ``Case.version`` first, so any flush in it (also an autoflush) can find the case
    changed by someone else. Then the whole transaction is rolled back and the
    caller gets a ``HandoffConflict``; the denial is recorded in the fresh transaction.
    """
    handoff_id, case_id = handoff.id, handoff.case_id
    try:
        yield
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        audit.record(by, action, case_id=case_id, outcome=Outcome.DENIED, details={"conflict": "case_changed"})
        raise HandoffConflict(
            _l("De casus is intussen door iemand anders gewijzigd; er is niets verwerkt. Probeer het opnieuw."),
            status=f"case_changed:{handoff_id}",
        ) from None


# --- deciding -------------------------------------------------------------------------------------


def eligible_process_coordinators(handoff: Handoff) -> list[User]:
    from casebook.auth.models import UserRole

    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(
                User.organisation_id == handoff.receiver_organisation_id,
                User.active,
                UserRole.role == Role.COORDINATOR,
            )
            .order_by(User.display_name, User.id)
        )
    )


def accept(
    handoff: Handoff, *, by: User, process_coordinator: User | None = None, now: datetime | None = None
) -> Handoff:
    """Accept: a transfer makes the receiver lead (with ``process_coordinator`` as procesregisseur);
    a referral adds the receiver as participant. Handoff, case, participants and audit in one go.

    :raises AccessDenied: ``by`` is not a coordinator of the receiver.
    :raises HandoffError: no valid procesregisseur chosen.
    :raises HandoffConflict: someone decided first, or the case changed meanwhile.
    """
    now = now or utcnow()
    if not is_receiver_coordinator(by, handoff):
        raise _deny(by, "handoff.accept", handoff)
    transfer = handoff.kind is HandoffKind.TRANSFER
    if transfer and (
        process_coordinator is None
        or process_coordinator.id not in {u.id for u in eligible_process_coordinators(handoff)}
    ):
        raise HandoffError(
            _l("Kies een procesregisseur van uw organisatie."), field="process_coordinator", code="coordinator"
        )
    _claim(handoff, HandoffStatus.ACCEPTED, by=by, now=now, action="handoff.accept")
    case = handoff.case
    with _case_changes(by, handoff, "handoff.accept"):
        case.version += 1  # participants change even when no case column does: the case version says so
        if transfer:
            _transfer_regie(case, handoff, process_coordinator, by=by, now=now)
            handoff.new_process_coordinator = process_coordinator
        else:
            _join(case, handoff, by=by, now=now)
    audit.record(by, "handoff.accept", handoff, details={"kind": str(handoff.kind)})
    notify([handoff.sent_by, handoff.drafted_by], "accepted", handoff=handoff)
    return handoff


def _participation_event(by: User, case: Case, action: str, participant: CaseParticipant) -> None:
    audit.record(
        by,
        action,
        case,
        details={"organisation": participant.organisation.slug, "involvement": str(participant.involvement)},
    )


def _transfer_regie(case: Case, handoff: Handoff, coordinator: User, *, by: User, now: datetime) -> None:
    sender_id, receiver_id = handoff.sender_organisation_id, handoff.receiver_organisation_id
    if case.lead_organisation_id != sender_id:
        raise HandoffConflict(_l("De regie van deze casus is intussen al gewijzigd; er is niets verwerkt."))
    for participant in case.active_participants:
        if participant.organisation_id in (sender_id, receiver_id):
            participant.ended_at = now
            _participation_event(by, case, "participant.end", participant)
    added = [CaseParticipant(organisation=handoff.receiver_organisation, involvement=Involvement.LEAD, started_at=now)]
    if handoff.sender_after is SenderAfterTransfer.OBSERVER:
        added.append(
            CaseParticipant(organisation=handoff.sender_organisation, involvement=Involvement.OBSERVER, started_at=now)
        )
    for participant in added:
        case.participants.append(participant)
        _participation_event(by, case, "participant.add", participant)
    case.lead_organisation = handoff.receiver_organisation
    case.process_coordinator = coordinator
    audit.record(
        by,
        "case.lead.change",
        case,
        details={
            "from": handoff.sender_organisation.slug,
            "to": handoff.receiver_organisation.slug,
            "handoff": handoff.id,
            "sender_after": str(handoff.sender_after),
        },
    )


def _join(case: Case, handoff: Handoff, *, by: User, now: datetime) -> None:
    if any(p.organisation_id == handoff.receiver_organisation_id for p in case.active_participants):
        raise HandoffConflict(_l("Uw organisatie neemt intussen al deel aan deze casus."))
    participant = CaseParticipant(
        organisation=handoff.receiver_organisation,
        involvement=handoff.receiver_involvement or Involvement.CONTRIBUTOR,
        started_at=now,
    )
    case.participants.append(participant)
    _participation_event(by, case, "participant.add", participant)


def reject(handoff: Handoff, *, by: User, reason: str, now: datetime | None = None) -> Handoff:
    """Reject with a reason (stored encrypted). :raises AccessDenied, HandoffError, HandoffConflict:"""
    now = now or utcnow()
    if not is_receiver_coordinator(by, handoff):
        raise _deny(by, "handoff.reject", handoff)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise HandoffError(_l("Geef een reden voor de afwijzing."), field="reason", code="reason")
    _claim(handoff, HandoffStatus.REJECTED, by=by, now=now, action="handoff.reject")
    handoff.rejection_reason = reason
    _release_plan_action(handoff)
    db.session.flush()
    audit.record(by, "handoff.reject", handoff, details={"kind": str(handoff.kind)})
    notify([handoff.sent_by, handoff.drafted_by], "rejected", handoff=handoff)
    return handoff


def cancel(handoff: Handoff, *, by: User, now: datetime | None = None) -> Handoff:
    """The sender withdraws a pending handoff (or discards a draft)."""
    now = now or utcnow()
    if not can_cancel(by, handoff):
        raise _deny(by, "handoff.cancel", handoff)
    _claim(
        handoff,
        HandoffStatus.CANCELLED,
        by=by,
        now=now,
        from_statuses=(HandoffStatus.DRAFT, HandoffStatus.PENDING),
        action="handoff.cancel",
    )
    _release_plan_action(handoff)
    db.session.flush()
    audit.record(by, "handoff.cancel", handoff, details={"kind": str(handoff.kind)})
    return handoff


def complete(handoff: Handoff, *, by: User, now: datetime | None = None) -> Handoff:
    """The receiver of an accepted referral reports it done; a tied plan action is marked done."""
    now = now or utcnow()
    if not can_complete(by, handoff):
        raise _deny(by, "handoff.complete", handoff)
    result = db.session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.completed_at.is_(None))
        .values(completed_at=now, completed_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise HandoffConflict(_l("Deze verwijzing is al afgerond."))
    set_committed_value(handoff, "completed_at", now)
    set_committed_value(handoff, "completed_by_id", by.id)
    link = plan_action_link()
    if handoff.plan_action_id is not None and link is not None:
        link.done(handoff.case, handoff.plan_action_id, handoff)
    db.session.flush()
    audit.record(by, "handoff.complete", handoff)
    notify([handoff.sent_by, handoff.drafted_by], "completed", handoff=handoff)
    return handoff


def _release_plan_action(handoff: Handoff) -> None:
    link = plan_action_link()
    if handoff.plan_action_id is not None and link is not None and handoff.sent_at is not None:
        link.released(handoff.case, handoff.plan_action_id, handoff)


def expire_due(now: datetime | None = None) -> int:
    """Expire every pending handoff past its date; notify the senders. Idempotent, safe to schedule."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Handoff).where(Handoff.status == HandoffStatus.PENDING, Handoff.expires_at <= now).order_by(Handoff.id)
    ).all()
    expired = 0
    for handoff in due:
        try:
            _claim(handoff, HandoffStatus.EXPIRED, by=None, now=now, action="handoff.expire")
        except HandoffConflict:
            continue  # decided in the meantime
        _release_plan_action(handoff)
        audit.record(None, "handoff.expire", handoff, details={"kind": str(handoff.kind)})
        notify([handoff.sent_by, handoff.drafted_by], "expired", handoff=handoff)
        expired += 1
    db.session.flush()
    return expired
