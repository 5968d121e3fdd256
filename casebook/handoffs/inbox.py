"""The inbox: incoming (to decide), outgoing (drafts and pending), decided — scoped in SQL.

Rows carry metadata only (reference, organisations, kind, status, dates); the summary is on the
detail page, behind the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from casebook import audit
from casebook.access import Action, can, case_scope, case_visibility, deny
from casebook.access.rules import handoffs as handoff_rules
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db, utcnow
from casebook.handoffs import notifications
from casebook.handoffs.models import (
    Handoff,
    HandoffStatus,
    RequestStatus,
    TransferRequest,
)

DECIDED_LIMIT = 50
DECIDED = (HandoffStatus.ACCEPTED, HandoffStatus.REJECTED, HandoffStatus.CANCELLED, HandoffStatus.EXPIRED)
DECIDED_REQUESTS = (RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN, RequestStatus.EXPIRED)


@dataclass
class Inbox:
    incoming: list[Handoff] = field(default_factory=list)
    incoming_requests: list[TransferRequest] = field(default_factory=list)
    outgoing: list[Handoff] = field(default_factory=list)
    outgoing_requests: list[TransferRequest] = field(default_factory=list)
    decided: list[Handoff] = field(default_factory=list)
    decided_requests: list[TransferRequest] = field(default_factory=list)
    notifications: list[Any] = field(default_factory=list)  # notifications.Shown, the unread handoff notices
    viewable: set[int] = field(default_factory=set)  # handoff ids the user may open


def may_use(user: User) -> bool:
    return can(user, Action.USE_HANDOFF_INBOX)


# --- the boxes in SQL: the twins of the policy's handoff rules (casebook.access.rules.handoffs) ----


def _case_kind_visible(user: User) -> ColumnElement[bool]:
    """The handoff's case is of a type and confidentiality the user may see."""
    return Handoff.case.has(case_visibility(user))


def _request_kind_visible(user: User) -> ColumnElement[bool]:
    return TransferRequest.case.has(case_visibility(user))


def _lead_request_scope(user: User) -> ColumnElement[bool]:
    """Requests addressed to the user's organisation while it still leads the case (and may see it)."""
    return and_(
        TransferRequest.lead_organisation_id == user.organisation_id,
        TransferRequest.case.has(and_(Case.lead_organisation_id == user.organisation_id, case_scope(user))),
    )


def _incoming_handoffs(user: User, now: datetime) -> ColumnElement[bool]:
    """Handoffs the user decides: the twin of ``Action.DECIDE_HANDOFF`` on a handoff."""
    if not can(user, Action.DECIDE_HANDOFF):
        return false()
    return and_(
        Handoff.receiver_organisation_id == user.organisation_id,
        handoff_rules.live_pending_clause(Handoff.status, Handoff.expires_at, now),
        _case_kind_visible(user),
    )


def _incoming_requests(user: User, now: datetime) -> ColumnElement[bool]:
    """Requests the user answers: the twin of ``Action.ANSWER_TRANSFER_REQUEST``."""
    if not can(user, Action.DECIDE_HANDOFF):
        return false()
    return and_(
        _lead_request_scope(user),
        handoff_rules.live_pending_clause(TransferRequest.status, TransferRequest.expires_at, now),
    )


def _own_requests(user: User) -> ColumnElement[bool]:
    """Requests of the user's organisation, for coordinators who may see cases of their kind."""
    if not can(user, Action.REQUEST_TRANSFER):
        return false()
    return and_(TransferRequest.requesting_organisation_id == user.organisation_id, _request_kind_visible(user))


def _decided(status_column: Any, expires_column: Any, decided: tuple, now: datetime) -> ColumnElement[bool]:
    """Decided, or pending past the expiry date (expired for every reader from that moment)."""
    return or_(status_column.in_(decided), handoff_rules.overdue_clause(status_column, expires_column, now))


def incoming_count(user: User, now: datetime | None = None) -> int:
    """Handoffs and requests the user's organisation must decide (My work): the same clauses as the
    incoming box, so the number equals the list. Not audited: a number only."""
    expression = incoming_count_expression(user, now)
    return expression if isinstance(expression, int) else int(db.session.scalar(select(expression)) or 0)


def incoming_count_expression(user: User, now: datetime | None = None) -> Any:
    """``incoming_count`` as a scalar SQL expression (0 when the user decides nothing), for the
    header, which evaluates every entry's count in one statement."""
    if not getattr(user, "is_authenticated", False) or not can(user, Action.DECIDE_HANDOFF):
        return 0
    now = now or utcnow()
    handoffs = select(func.count(Handoff.id)).where(_incoming_handoffs(user, now)).scalar_subquery()
    asked = select(func.count(TransferRequest.id)).where(_incoming_requests(user, now)).scalar_subquery()
    return handoffs + asked


def inbox_for(user: User, now: datetime | None = None) -> Inbox:
    """Everything the user's inbox shows, each box selected by the twin of the rule of the objects
    it names. Audited as one list read. :raises Refused:"""
    if not may_use(user):
        raise deny(user, Action.USE_HANDOFF_INBOX)
    now = now or utcnow()
    inbox = Inbox()
    options = (selectinload(Handoff.case).selectinload(Case.participants),)
    newest = (Handoff.created_at.desc(), Handoff.id.desc())
    inbox.incoming = _scalars(
        select(Handoff)
        .where(_incoming_handoffs(user, now))
        .options(*options)
        .order_by(Handoff.sent_at.asc(), Handoff.id)
    )
    inbox.incoming_requests = _scalars(
        select(TransferRequest).where(_incoming_requests(user, now)).order_by(TransferRequest.created_at)
    )
    inbox.outgoing_requests = _scalars(
        select(TransferRequest)
        .where(
            _own_requests(user),
            handoff_rules.live_pending_clause(TransferRequest.status, TransferRequest.expires_at, now),
        )
        .order_by(TransferRequest.created_at.desc())
    )
    if can(user, Action.DECIDE_HANDOFF) or can(user, Action.REQUEST_TRANSFER):
        inbox.decided_requests = _scalars(
            select(TransferRequest)
            .where(
                or_(_own_requests(user), _lead_request_scope(user)),
                _decided(TransferRequest.status, TransferRequest.expires_at, DECIDED_REQUESTS, now),
            )
            .order_by(TransferRequest.decided_at.desc(), TransferRequest.expires_at.desc())
            .limit(DECIDED_LIMIT)
        )
    outgoing = select(Handoff).where(
        Handoff.sender_organisation_id == user.organisation_id,
        or_(
            Handoff.status == HandoffStatus.DRAFT,
            handoff_rules.live_pending_clause(Handoff.status, Handoff.expires_at, now),
        ),
        Handoff.case.has(case_scope(user)),
    )
    inbox.outgoing = [
        h for h in _scalars(outgoing.options(*options).order_by(*newest)) if can(user, Action.VIEW_HANDOFF, h)
    ]
    inbox.decided = _scalars(
        select(Handoff)
        .where(
            or_(
                Handoff.sender_organisation_id == user.organisation_id,
                and_(Handoff.receiver_organisation_id == user.organisation_id, Handoff.sent_at.is_not(None)),
            ),
            _decided(Handoff.status, Handoff.expires_at, DECIDED, now),
            Handoff.case.has(case_scope(user)),
        )
        .options(*options)
        .order_by(Handoff.decided_at.desc(), Handoff.expires_at.desc(), Handoff.id.desc())
        .limit(DECIDED_LIMIT)
    )
    inbox.viewable = {
        h.id for h in (*inbox.incoming, *inbox.outgoing, *inbox.decided) if can(user, Action.VIEW_HANDOFF, h)
    }
    inbox.notifications = notifications.shown_to(user)
    audit.record(
        user,
        "handoff.list",
        details={"incoming": len(inbox.incoming), "outgoing": len(inbox.outgoing), "decided": len(inbox.decided)},
    )
    return inbox


def _scalars(query) -> list:
    return list(db.session.scalars(query))
