"""In-app notifications for handoffs: the sender learns of every decision and of expiry.

Kept as this module's vocabulary over the one notification table (``casebook.notifications``,
kind ``handoff_outcome``): a notice stores the event and references only, its text is built on
display, and the recipient's choices (off, in Casebook, also by e-mail) apply as to every kind.
"""

from __future__ import annotations

from collections.abc import Iterable

from casebook.auth.models import User
from casebook.handoffs.models import Handoff, TransferRequest
from casebook.notifications import kinds
from casebook.notifications import services as notices
from casebook.notifications.models import Notification

KIND = "handoff_outcome"
EVENT_TEXTS = {event: text for (kind, event), text in kinds.EVENT_TEXTS.items() if kind == KIND}


def notify(
    recipients: Iterable[User | None],
    event: str,
    *,
    handoff: Handoff | None = None,
    request: TransferRequest | None = None,
) -> list[Notification]:
    """Tell each recipient (once) of ``event``; the handoff is the reference when there is one."""
    assert event in EVENT_TEXTS, event
    target = handoff if handoff is not None else request
    assert target is not None
    object_type = "handoff" if handoff is not None else "transfer_request"
    key = f"outcome:{event}:{object_type}:{target.id}"
    return notices.create(
        notices.Notice(user.id, KIND, event, key, target.case_id, object_type, target.id)
        for user in recipients
        if user is not None
    )


def unread_for(user: User, limit: int = 20) -> list[Notification]:
    return notices.unread_for(user, kind=KIND, limit=limit)


def shown_to(user: User, limit: int = 20) -> list[notices.Shown]:
    """The unread notices as the inbox shows them (references only where the policy still allows)."""
    return notices.describe(user, unread_for(user, limit))


def unread_count(user: User) -> int:
    return notices.unread_count(user, kind=KIND)


def mark_all_read(user: User) -> int:
    """Only the user's own handoff notices; returns how many were marked."""
    return notices.mark_all_read(user, kind=KIND)
