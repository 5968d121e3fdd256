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
from sqlalchemy import or_, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import Action, can, deny, load_or_404
from casebook.access.rules import handoffs as handoff_rules
from casebook.audit import Outcome
from casebook.auth.models import User
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
    return int(current_app.config["HANDOFF_EXPIRY_DAYS"])


# --- who may do what: the policy (casebook.access.rules.handoffs) -------------------------------


def load_for(user: User, handoff_id: int | str) -> Handoff:
    """The handoff if ``user`` may see it (``Action.VIEW_HANDOFF``); else an audited 404.

    :raises Refused:
    """
    options = (selectinload(Handoff.items), selectinload(Handoff.case).selectinload(Case.participants))
    return load_or_404(user, Handoff, handoff_id, Action.VIEW_HANDOFF, options=options)


def authorise_decision(by: User, handoff: Handoff, action: Action, audited_as: str | None = None) -> None:
    """Raise the audited 404 unless ``by`` may do ``action`` on ``handoff``.

    A decider who is refused only because the handoff is no longer open (decided meanwhile, or
    past its expiry date) passes, so that the claim answers the conflict with a clear message.
    """
    if can(by, action, handoff):
        return
    if not handoff_rules.is_live_pending(handoff) and _would_decide_if_open(by, handoff, action):
        return
    raise deny(by, audited_as or action, handoff)


def _would_decide_if_open(by: User, handoff: Handoff, action: Action) -> bool:
    if action is Action.DECIDE_HANDOFF:
        return handoff_rules.is_receiver_coordinator(by, handoff) and handoff.status != HandoffStatus.DRAFT
    if action is Action.CANCEL_HANDOFF:
        return can(by, Action.SEND_HANDOFF, handoff.case) and handoff_rules.may_see_case_kind(by, handoff.case)
    return False


def rendered_items(user: User, handoff: Handoff) -> list[shared_items.RenderedItem]:
    context = shared_items.RenderContext(viewer=user, bsn_allowed=handoff.bsn_shared, handoff=handoff)
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
    """Run a decision and its changes to the case under a savepoint and the case's version check.

    The block claims the handoff and bumps ``Case.version``, so any flush in it (also an
    autoflush) can find the case changed by someone else. Then only the savepoint is rolled back
    — the claim and the case changes, nothing the request did before (its reads and their audit
    events stay) — and the caller gets a ``HandoffConflict``; the denial is recorded after it.
    """
    handoff_id, case_id = handoff.id, handoff.case_id
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    except StaleDataError:
        savepoint.rollback()
        audit.record(by, action, case_id=case_id, outcome=Outcome.DENIED, details={"conflict": "case_changed"})
        raise HandoffConflict(
            _l("De casus is intussen door iemand anders gewijzigd; er is niets verwerkt. Probeer het opnieuw."),
            status=f"case_changed:{handoff_id}",
        ) from None
    except BaseException:
        # a refusal or a lost claim: keep what the block recorded (its denial) for the caller's
        # transaction, which decides about it as it would without the savepoint
        if savepoint.is_active:
            savepoint.commit()
        raise
    else:
        savepoint.commit()
