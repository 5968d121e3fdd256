"""In-app notifications for handoffs: the sender learns of every decision and of expiry.

A notification stores the event and references only; its text is built on display, so no
personal data is copied. E-mail is not sent: user accounts carry no address yet (see README).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from casebook.auth.models import User
from casebook.db import db, utcnow
from casebook.handoffs.models import Handoff, HandoffNotification, TransferRequest

EVENT_TEXTS = {
    "accepted": _l("Uw overdracht is geaccepteerd"),
    "rejected": _l("Uw overdracht is afgewezen"),
    "expired": _l("Uw overdracht is verlopen zonder besluit"),
    "completed": _l("Uw verwijzing is afgerond door de ontvanger"),
    "request_accepted": _l("Uw verzoek tot overdracht is gehonoreerd: er staat een overdracht voor u klaar"),
    "request_declined": _l("Uw verzoek tot overdracht is afgewezen"),
    "request_expired": _l("Uw verzoek tot overdracht is verlopen zonder besluit"),
}


def notify(
    recipients: Iterable[User | None],
    event: str,
    *,
    handoff: Handoff | None = None,
    request: TransferRequest | None = None,
) -> list[HandoffNotification]:
    assert event in EVENT_TEXTS, event
    created = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        note = HandoffNotification(recipient_id=user.id, event=event, handoff=handoff, request=request)
        db.session.add(note)
        created.append(note)
    return created


def unread_for(user: User, limit: int = 20) -> list[HandoffNotification]:
    return list(
        db.session.scalars(
            select(HandoffNotification)
            .where(HandoffNotification.recipient_id == user.id, HandoffNotification.read_at.is_(None))
            .order_by(HandoffNotification.created_at.desc(), HandoffNotification.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(HandoffNotification.id)).where(
            HandoffNotification.recipient_id == user.id, HandoffNotification.read_at.is_(None)
        )
    )


def mark_all_read(user: User) -> int:
    """Only the user's own notifications; returns how many were marked."""
    result = db.session.execute(
        update(HandoffNotification)
        .where(HandoffNotification.recipient_id == user.id, HandoffNotification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def text_of(note: HandoffNotification) -> str:
    return str(EVENT_TEXTS.get(note.event, note.event))
