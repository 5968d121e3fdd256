"""Rules for handoffs (overdrachten) and transfer requests (verzoeken tot overdracht).

Three things decide every handoff action:

1. **The case's type and confidentiality.** A handoff is about a case; a user who could never see
   a case of that type at that confidentiality (no authorisation covers it) does not see the
   handoff either — also while it is pending or a draft, also as its receiver or drafter.
2. **The relation.** Pending: the receiver's coordinators decide (summary and items only, never
   the case). Drafts stay with the sender (the drafter and the lead's coordinators). Otherwise
   the sender's and receiver's workers who can see the case now.
3. **Time.** A handoff or request past its expiry date is expired from that moment, for every
   reader and decider; the ``handoffs expire`` job only records it.

Domain objects are read by their attributes (``status``, ``expires_at``, ``case`` …): this
module imports no domain module. ``authorised_for_type`` is the SQL twin of check 1, composed
by the domain's lists and counts with their own columns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, or_

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.cases import (  # noqa: F401  (re-exported: the participation rule is the cases')
    PROCESS_COORDINATOR_ROLES,
    case_rule,
    could_see,
    may_coordinate_process,
    organisations_authorised_for,
    process_coordinator_clause,
    takes_part,
)
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import WORK_ROLES
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import utcnow

if TYPE_CHECKING:
    from casebook.handoffs.models import Handoff, TransferRequest

PENDING = "pending"
DRAFT = "draft"
ACCEPTED = "accepted"


# --- time -------------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def is_overdue(obj: Any, now: datetime | None = None) -> bool:
    """Pending in the database but past its expiry date: expired for everyone from that moment."""
    expires = getattr(obj, "expires_at", None)
    return obj.status == PENDING and expires is not None and _aware(expires) <= (now or utcnow())


def is_live_pending(obj: Any, now: datetime | None = None) -> bool:
    """Pending and not past its expiry date: the only state in which it can be decided."""
    return obj.status == PENDING and not is_overdue(obj, now)


def live_pending_clause(status_column: Any, expires_column: Any, now: datetime | None = None) -> ColumnElement[bool]:
    """SQL twin of ``is_live_pending`` for the domain's columns."""
    return and_(status_column == PENDING, or_(expires_column.is_(None), expires_column > (now or utcnow())))


def overdue_clause(status_column: Any, expires_column: Any, now: datetime | None = None) -> ColumnElement[bool]:
    """SQL twin of ``is_overdue``: pending rows that are expired for every reader."""
    return and_(status_column == PENDING, expires_column.is_not(None), expires_column <= (now or utcnow()))


# --- the case's type and confidentiality --------------------------------------------------------


def may_see_case_kind(user: User, case: Case) -> bool:
    """Could ``user`` see a case of this type at this confidentiality (whatever their relation)?"""
    return could_see(user, case.case_type_id, case.confidentiality)


# --- handoffs -----------------------------------------------------------------------------------


def is_receiver_coordinator(user: User, handoff: Handoff) -> bool:
    """A coordinator of the receiving organisation who may see cases of the handoff's kind."""
    return (
        roles_allow(user, Action.DECIDE_HANDOFF)
        and user.organisation_id == handoff.receiver_organisation_id
        and may_see_case_kind(user, handoff.case)
    )


def _is_handoff(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "receiver_organisation_id") and hasattr(obj, "drafted_by_id")


@rule(Action.USE_HANDOFF_INBOX)
def inbox_rule(user: User, action: Action, obj: Any) -> bool:
    """The inbox is for caseworkers and coordinators (supervisors and admins have no handoffs)."""
    return obj is None and user.has_role(*WORK_ROLES)


@rule(Action.VIEW_HANDOFF)
def view_handoff(user: User, action: Action, handoff: Any) -> bool:
    if not _is_handoff(handoff) or not user.has_role(*WORK_ROLES):
        return False
    case = handoff.case
    if not may_see_case_kind(user, case):
        return False
    if is_live_pending(handoff) and is_receiver_coordinator(user, handoff):
        return True
    if handoff.status == DRAFT:
        own = user.organisation_id == handoff.sender_organisation_id
        return own and (user.id == handoff.drafted_by_id or case_rule(user, Action.SEND_HANDOFF, case))
    parties = (handoff.sender_organisation_id, handoff.receiver_organisation_id)
    return user.organisation_id in parties and case_rule(user, Action.VIEW_CASE, case)


@rule(Action.DECIDE_HANDOFF)
def decide_handoff(user: User, action: Action, handoff: Any) -> bool:
    """Without an object: may the user decide handoffs at all (the header, My work)."""
    if handoff is None:
        return roles_allow(user, action)
    return _is_handoff(handoff) and is_live_pending(handoff) and is_receiver_coordinator(user, handoff)


@rule(Action.SEND_HANDOFF_DRAFT)
def send_draft_rule(user: User, action: Action, handoff: Any) -> bool:
    if not _is_handoff(handoff) or handoff.status != DRAFT:
        return False
    case = handoff.case
    return handoff.sender_organisation_id == case.lead_organisation_id and case_rule(user, Action.SEND_HANDOFF, case)


@rule(Action.CANCEL_HANDOFF)
def cancel_handoff(user: User, action: Action, handoff: Any) -> bool:
    if not _is_handoff(handoff) or not user.has_role(*WORK_ROLES) or not may_see_case_kind(user, handoff.case):
        return False
    if handoff.status == DRAFT:
        drafter = user.id == handoff.drafted_by_id and user.organisation_id == handoff.sender_organisation_id
        return drafter or case_rule(user, Action.SEND_HANDOFF, handoff.case)
    return is_live_pending(handoff) and case_rule(user, Action.SEND_HANDOFF, handoff.case)


@rule(Action.COMPLETE_HANDOFF)
def complete_handoff(user: User, action: Action, handoff: Any) -> bool:
    return (
        _is_handoff(handoff)
        and handoff.kind == "referral"
        and handoff.status == ACCEPTED
        and handoff.completed_at is None
        and user.organisation_id == handoff.receiver_organisation_id
        and user.has_role(*WORK_ROLES)
        and takes_part(user, handoff.case)  # a change: break-the-glass (read only) never completes
        and case_rule(user, Action.VIEW_CASE, handoff.case)
    )


# --- transfer requests --------------------------------------------------------------------------


def _is_request(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "requesting_organisation_id")


def is_requester(user: User, request: TransferRequest) -> bool:
    return (
        roles_allow(user, Action.REQUEST_TRANSFER)
        and user.organisation_id == request.requesting_organisation_id
        and may_see_case_kind(user, request.case)
    )


def is_lead_coordinator(user: User, request: TransferRequest) -> bool:
    case = request.case
    return request.lead_organisation_id == case.lead_organisation_id and case_rule(user, Action.SEND_HANDOFF, case)


@rule(Action.REQUEST_TRANSFER)
def request_transfer(user: User, action: Action, case: Any) -> bool:
    """Ask the lead of ``case`` for regie: only an organisation taking part in the case (or whose
    user may see it) and that does not lead it. Every other reference is, to the requester, a
    reference that does not exist (the service gives both the same answer)."""
    if not roles_allow(user, action):
        return False
    if case is None:
        return True
    if not isinstance(case, Case) or case.lead_organisation_id == user.organisation_id:
        return False
    return case_rule(user, Action.VIEW_CASE, case)


@rule(Action.VIEW_TRANSFER_REQUEST)
def view_request(user: User, action: Action, request: Any) -> bool:
    return _is_request(request) and (is_requester(user, request) or is_lead_coordinator(user, request))


@rule(Action.ANSWER_TRANSFER_REQUEST)
def answer_request(user: User, action: Action, request: Any) -> bool:
    return _is_request(request) and is_live_pending(request) and is_lead_coordinator(user, request)


@rule(Action.WITHDRAW_TRANSFER_REQUEST)
def withdraw_request(user: User, action: Action, request: Any) -> bool:
    return _is_request(request) and is_live_pending(request) and is_requester(user, request)
