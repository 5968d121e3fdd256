"""The inbox: incoming (to decide), outgoing (drafts and pending), decided — scoped in SQL.

Rows carry metadata only (reference, organisations, kind, status, dates); the summary is on the
detail page, behind the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from casebook import audit
from casebook.access import AccessDenied, Action, can, case_scope
from casebook.audit import Outcome
from casebook.auth.models import Role, User
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs import notifications, services
from casebook.handoffs.models import (
    Handoff,
    HandoffNotification,
    HandoffStatus,
    RequestStatus,
    TransferRequest,
)

DECIDED_LIMIT = 50
DECIDED = (HandoffStatus.ACCEPTED, HandoffStatus.REJECTED, HandoffStatus.CANCELLED, HandoffStatus.EXPIRED)


@dataclass
class Inbox:
    incoming: list[Handoff] = field(default_factory=list)
    incoming_requests: list[TransferRequest] = field(default_factory=list)
    outgoing: list[Handoff] = field(default_factory=list)
    outgoing_requests: list[TransferRequest] = field(default_factory=list)
    decided: list[Handoff] = field(default_factory=list)
    decided_requests: list[TransferRequest] = field(default_factory=list)
    notifications: list[HandoffNotification] = field(default_factory=list)
    viewable: set[int] = field(default_factory=set)  # handoff ids the user may open


def may_use(user: User) -> bool:
    return can(user, Action.LIST_CASES) and user.has_role(Role.CASEWORKER, Role.COORDINATOR)


def _lead_request_scope(user: User):
    """Requests addressed to the user's organisation while it still leads the case."""
    return and_(
        TransferRequest.lead_organisation_id == user.organisation_id,
        TransferRequest.case.has(Case.lead_organisation_id == user.organisation_id),
    )


def incoming_count(user: User) -> int:
    """Pending handoffs and requests the user's organisation must decide (for the header). Not audited:
    a number without any case data."""
    if not getattr(user, "is_authenticated", False) or not can(user, Action.DECIDE_HANDOFF):
        return 0
    handoffs = db.session.scalar(
        select(func.count(Handoff.id)).where(
            Handoff.receiver_organisation_id == user.organisation_id, Handoff.status == HandoffStatus.PENDING
        )
    )
    asked = db.session.scalar(
        select(func.count(TransferRequest.id)).where(
            _lead_request_scope(user), TransferRequest.status == RequestStatus.PENDING
        )
    )
    return int(handoffs or 0) + int(asked or 0)


def inbox_for(user: User) -> Inbox:
    """Everything the user's inbox shows. Audited as one list read. :raises AccessDenied:"""
    if not may_use(user):
        audit.record(user, "handoff.list", outcome=Outcome.DENIED)
        raise AccessDenied()
    inbox = Inbox()
    options = (selectinload(Handoff.case).selectinload(Case.participants),)
    newest = (Handoff.created_at.desc(), Handoff.id.desc())
    coordinator = can(user, Action.DECIDE_HANDOFF)
    if coordinator:
        inbox.incoming = _scalars(
            select(Handoff)
            .where(Handoff.receiver_organisation_id == user.organisation_id, Handoff.status == HandoffStatus.PENDING)
            .options(*options)
            .order_by(Handoff.sent_at.asc(), Handoff.id)
        )
        inbox.incoming_requests = _scalars(
            select(TransferRequest)
            .where(_lead_request_scope(user), TransferRequest.status == RequestStatus.PENDING)
            .order_by(TransferRequest.created_at)
        )
        mine = TransferRequest.requesting_organisation_id == user.organisation_id
        inbox.outgoing_requests = _scalars(
            select(TransferRequest)
            .where(mine, TransferRequest.status == RequestStatus.PENDING)
            .order_by(TransferRequest.created_at.desc())
        )
        inbox.decided_requests = _scalars(
            select(TransferRequest)
            .where(or_(mine, _lead_request_scope(user)), TransferRequest.status != RequestStatus.PENDING)
            .order_by(TransferRequest.decided_at.desc())
            .limit(DECIDED_LIMIT)
        )
    own_case = Handoff.case.has(case_scope(user))
    outgoing = select(Handoff).where(
        Handoff.sender_organisation_id == user.organisation_id,
        Handoff.status.in_((HandoffStatus.DRAFT, HandoffStatus.PENDING)),
        own_case,
    )
    inbox.outgoing = [h for h in _scalars(outgoing.options(*options).order_by(*newest)) if services.can_view(user, h)]
    inbox.decided = _scalars(
        select(Handoff)
        .where(
            or_(
                Handoff.sender_organisation_id == user.organisation_id,
                and_(Handoff.receiver_organisation_id == user.organisation_id, Handoff.sent_at.is_not(None)),
            ),
            Handoff.status.in_(DECIDED),
        )
        .options(*options)
        .order_by(Handoff.decided_at.desc(), Handoff.id.desc())
        .limit(DECIDED_LIMIT)
    )
    inbox.viewable = {h.id for h in (*inbox.incoming, *inbox.outgoing, *inbox.decided) if services.can_view(user, h)}
    inbox.notifications = notifications.unread_for(user)
    audit.record(
        user,
        "handoff.list",
        details={"incoming": len(inbox.incoming), "outgoing": len(inbox.outgoing), "decided": len(inbox.decided)},
    )
    return inbox


def _scalars(query) -> list:
    return list(db.session.scalars(query))
