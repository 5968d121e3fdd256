"""Requests for a case (verzoek tot overdracht): another organisation asks the lead for regie.

The requester knows the case by its reference (e.g. from a casusoverleg) but cannot see it.
A reference that does not exist, a closed case, or a case the requester may not receive all get
the same refusal, so the form reveals nothing about cases. The lead answers by sending a transfer
(``services.send`` with ``origin_request``) or declines with a reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from casebook import audit
from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db, utcnow
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.models import Handoff, HandoffKind, HandoffStatus, RequestStatus, TransferRequest
from casebook.handoffs.notifications import notify
from casebook.handoffs.rules import receivers_allowed_for
from casebook.handoffs.services import MAX_TEXT, expiry_days

NOT_POSSIBLE = _l("Voor dit kenmerk kan uw organisatie geen verzoek tot overdracht doen.")


def is_lead_coordinator(user: User, request: TransferRequest) -> bool:
    case = request.case
    return request.lead_organisation_id == case.lead_organisation_id and can(user, Action.SEND_HANDOFF, case)


def is_requester(user: User, request: TransferRequest) -> bool:
    return can(user, Action.REQUEST_TRANSFER) and user.organisation_id == request.requesting_organisation_id


def can_view(user: User, request: TransferRequest) -> bool:
    return is_requester(user, request) or is_lead_coordinator(user, request)


def can_answer(user: User, request: TransferRequest) -> bool:
    open_ = request.status is RequestStatus.PENDING and request.expires_at > utcnow()
    return open_ and is_lead_coordinator(user, request)


def can_withdraw(user: User, request: TransferRequest) -> bool:
    return request.status is RequestStatus.PENDING and is_requester(user, request)


def load_for(user: User, request_id: int) -> TransferRequest:
    """The request if ``user`` is a coordinator of the requester or of the lead. :raises AccessDenied:"""
    request = db.session.get(TransferRequest, request_id)
    if request is None or not can_view(user, request):
        audit.record(
            user,
            "handoff.request.view",
            case_id=request.case_id if request else None,
            outcome=Outcome.DENIED,
            details={"requested_id": str(request_id)},
        )
        raise AccessDenied()
    audit.record(user, "handoff.request.view", request)
    return request


def create(reference: str, motivation: str, *, by: User, now: datetime | None = None) -> TransferRequest:
    """A coordinator of another organisation asks the lead of case ``reference`` for regie.

    :raises AccessDenied: ``by`` is not a coordinator.
    :raises HandoffError: the same refusal for every reason that would reveal something about the case.
    """
    now = now or utcnow()
    if not can(by, Action.REQUEST_TRANSFER):
        audit.record(by, "handoff.request.create", outcome=Outcome.DENIED)
        raise AccessDenied()
    motivation = (motivation or "").strip()
    if not motivation or len(motivation) > MAX_TEXT:
        raise HandoffError(_l("Licht uw verzoek toe."), field="motivation", code="motivation")
    case = db.session.scalar(select(Case).where(Case.reference == (reference or "").strip().upper()))
    refusal = _refusal(case, by)
    if refusal:
        audit.record(by, "handoff.request.create", outcome=Outcome.DENIED, details={"refused": refusal})
        raise HandoffError(NOT_POSSIBLE, field="reference", code=refusal)
    assert case is not None
    request = TransferRequest(
        case=case,
        status=RequestStatus.PENDING,
        requesting_organisation_id=by.organisation_id,
        lead_organisation_id=case.lead_organisation_id,
        requested_by=by,
        created_at=now,
        expires_at=now + timedelta(days=expiry_days()),
        decline_reason_ciphertext=None,  # present in the state, so a later decline can be flagged
    )
    request.motivation = motivation
    db.session.add(request)
    db.session.flush()
    audit.record(by, "handoff.request.create", request, details={"lead": case.lead_organisation.slug})
    return request


def _refusal(case: Case | None, by: User) -> str | None:
    if case is None:
        return "unknown"
    if case.closed_at is not None:
        return "closed"
    if case.lead_organisation_id == by.organisation_id:
        return "already_lead"
    if by.organisation_id not in {org.id for org in receivers_allowed_for(case)}:
        return "not_authorised"
    pending_request = select(TransferRequest.id).where(
        TransferRequest.case_id == case.id,
        TransferRequest.requesting_organisation_id == by.organisation_id,
        TransferRequest.status == RequestStatus.PENDING,
    )
    pending_transfer = select(Handoff.id).where(
        Handoff.case_id == case.id, Handoff.kind == HandoffKind.TRANSFER, Handoff.status == HandoffStatus.PENDING
    )
    if db.session.scalar(pending_request) or db.session.scalar(pending_transfer):
        return "pending"
    return None


def _close(request: TransferRequest, to: RequestStatus, *, by: User | None, now: datetime, action: str) -> None:
    """Conditional UPDATE: only a pending, not overdue request changes. :raises HandoffConflict:"""
    conditions = [TransferRequest.id == request.id, TransferRequest.status == RequestStatus.PENDING]
    if to is not RequestStatus.EXPIRED:
        conditions.append(TransferRequest.expires_at > now)
    values = {"status": to, "decided_at": now, "decided_by_id": by.id if by else None}
    result = db.session.execute(
        update(TransferRequest).where(*conditions).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(request)
        audit.record(by, action, request, outcome=Outcome.DENIED, details={"conflict": str(request.status)})
        raise HandoffConflict(_l("Dit verzoek is intussen al afgehandeld of verlopen."), status=str(request.status))
    for name, value in values.items():
        set_committed_value(request, name, value)


def decline(request: TransferRequest, *, by: User, reason: str, now: datetime | None = None) -> TransferRequest:
    now = now or utcnow()
    if not is_lead_coordinator(by, request):
        audit.record(by, "handoff.request.decline", request, outcome=Outcome.DENIED)
        raise AccessDenied()
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise HandoffError(_l("Geef een reden voor de afwijzing."), field="reason", code="reason")
    _close(request, RequestStatus.DECLINED, by=by, now=now, action="handoff.request.decline")
    request.decline_reason = reason
    db.session.flush()
    audit.record(by, "handoff.request.decline", request)
    notify([request.requested_by], "request_declined", request=request)
    return request


def withdraw(request: TransferRequest, *, by: User, now: datetime | None = None) -> TransferRequest:
    now = now or utcnow()
    if not is_requester(by, request):
        audit.record(by, "handoff.request.withdraw", request, outcome=Outcome.DENIED)
        raise AccessDenied()
    _close(request, RequestStatus.WITHDRAWN, by=by, now=now, action="handoff.request.withdraw")
    db.session.flush()
    audit.record(by, "handoff.request.withdraw", request)
    return request


def expire_due(now: datetime | None = None) -> int:
    now = now or utcnow()
    due = db.session.scalars(
        select(TransferRequest)
        .where(TransferRequest.status == RequestStatus.PENDING, TransferRequest.expires_at <= now)
        .order_by(TransferRequest.id)
    ).all()
    expired = 0
    for request in due:
        try:
            _close(request, RequestStatus.EXPIRED, by=None, now=now, action="handoff.request.expire")
        except HandoffConflict:
            continue
        audit.record(None, "handoff.request.expire", request)
        notify([request.requested_by], "request_expired", request=request)
        expired += 1
    db.session.flush()
    return expired
