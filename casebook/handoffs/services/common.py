"""Shared by the handoff services: who may see and do what, the loader, and the claim that lets
exactly one decision win.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role, User
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.handoffs import items as shared_items
from casebook.handoffs.errors import HandoffConflict
from casebook.handoffs.models import (
    Handoff,
    HandoffKind,
    HandoffStatus,
    LegalBasis,
    SenderAfterTransfer,
    TransferRequest,
)
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


def deny(user: User, action: str, handoff: Handoff) -> AccessDenied:
    audit.record(user, action, handoff, outcome=Outcome.DENIED)
    return AccessDenied()


def rendered_items(user: User, handoff: Handoff) -> list[shared_items.RenderedItem]:
    context = shared_items.RenderContext(viewer=user, bsn_allowed=handoff.bsn_shared)
    rows = [(i.item_kind, i.item_id) for i in handoff.items]
    return shared_items.render_items(handoff.case, rows, context)


# --- the claim: exactly one decision wins ---------------------------------------------------------


def claim(
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
def case_changes(by: User, handoff: Handoff, action: str) -> Iterator[None]:
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
