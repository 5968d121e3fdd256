"""Requests for a case (verzoek tot overdracht): another organisation asks the lead for regie.

The requester knows the case by its reference (e.g. from a casusoverleg) but cannot see it.
Only an organisation taking part in the case (or whose user may see it) can ask
(``Action.REQUEST_TRANSFER`` on the case): any other reference, a closed case, or a case the
requester may not receive all get the same refusal as a reference that does not exist, so the
form reveals nothing about cases — not that one exists, nor who leads it. The lead answers by sending a transfer
(``services.send`` with ``origin_request``) or declines with a reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from casebook import audit
from casebook.access import Action, can, deny, load_or_404
from casebook.access.rules import handoffs as handoff_rules
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


def load_for(user: User, request_id: int | str) -> TransferRequest:
    """The request if ``user`` is a coordinator of the requester or of the lead
    (``Action.VIEW_TRANSFER_REQUEST``); else an audited 404. :raises Refused:"""
    return load_or_404(user, TransferRequest, request_id, Action.VIEW_TRANSFER_REQUEST)


def create(reference: str, motivation: str, *, by: User, now: datetime | None = None) -> TransferRequest:
    """A coordinator of another organisation asks the lead of case ``reference`` for regie.

    :raises AccessDenied: ``by`` is not a coordinator.
    :raises HandoffError: the same refusal for every reason that would reveal something about the case.
    """
    now = now or utcnow()
    if not can(by, Action.REQUEST_TRANSFER):
        raise deny(by, "handoff.request.create")
    motivation = (motivation or "").strip()
    if not motivation or len(motivation) > MAX_TEXT:
        raise HandoffError(_l("Licht uw verzoek toe."), field="motivation", code="motivation")
    case = db.session.scalar(select(Case).where(Case.reference == (reference or "").strip().upper()))
    refusal = _refusal(case, by)
    if refusal:
        # no case id in the denial for "unknown": the trail of that case must not show the probe
        # as a visit of its own, and the event says no more than for a reference that does not exist
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
    """Why ``by`` cannot ask for ``case``; a case their organisation has no relation to is, to
    them, a reference that does not exist (same code, same message, same form)."""
    if case is None or not can(by, Action.REQUEST_TRANSFER, case):
        if case is not None and case.lead_organisation_id == by.organisation_id:
            return "already_lead"
        return "unknown"
    if case.closed_at is not None:
        return "closed"
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


def _authorise(by: User, request: TransferRequest, action: Action, audited_as: str) -> None:
    """The audited 404 unless ``by`` may do ``action``; one who may only not because the request is
    no longer open (answered, or past its expiry date) passes on to the conflict of ``_close``."""
    if can(by, action, request):
        return
    who = handoff_rules.is_lead_coordinator if action is Action.ANSWER_TRANSFER_REQUEST else handoff_rules.is_requester
    if not handoff_rules.is_live_pending(request) and who(by, request):
        return
    raise deny(by, audited_as, request)


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
    _authorise(by, request, Action.ANSWER_TRANSFER_REQUEST, "handoff.request.decline")
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
    _authorise(by, request, Action.WITHDRAW_TRANSFER_REQUEST, "handoff.request.withdraw")
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
