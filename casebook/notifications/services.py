"""Notifications of one user: create (deduplicated), count, list with the policy, mark read; preferences.

Creating a notice for someone else is not a read of personal data (it copies none): it is not
audited. Listing them shows case references only for objects the reader may still see — the
rest is shown generically — and is audited as a list (counts only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.orm import selectinload

from casebook import audit
from casebook.access import Action, can, case_scope, load_or_404
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db, utcnow
from casebook.notifications import kinds
from casebook.notifications.models import DEFAULT_CHANNEL, Channel, Notification, NotificationPreference
from casebook.pagination import Order, Page, PageRequest, paginate

PAGE_ORDER = Order("notifications", (Notification.created_at, Notification.id), descending=True)
HANDOFF_KINDS = ("handoff", "handoff_outcome")


@dataclass(frozen=True)
class Notice:
    """What should be said to whom: the input of ``create``."""

    recipient_id: int
    kind: str
    event: str
    dedupe_key: str
    case_id: int | None = None
    object_type: str | None = None
    object_id: int | None = None


# --- preferences ---------------------------------------------------------------------------------


def channels_for(user_ids: Iterable[int]) -> dict[tuple[int, str], Channel]:
    """The stored choices of these users, (user id, kind) → channel; absent means ``DEFAULT_CHANNEL``."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.kind, NotificationPreference.channel).where(
            NotificationPreference.user_id.in_(ids)
        )
    )
    return {(user_id, kind): Channel(channel) for user_id, kind, channel in rows}


def preferences_of(user: User) -> dict[str, Channel]:
    stored = channels_for([user.id])
    return {k.key: stored.get((user.id, k.key), DEFAULT_CHANNEL) for k in kinds.KINDS}


def save_preferences(user: User, *, email: str | None, channels: dict[str, Channel]) -> None:
    """The user's own address and choices (the form validated both). Audited without the address."""
    address = (email or "").strip() or None
    changed_address = address != user.email
    user.email = address
    existing = {
        p.kind: p
        for p in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    for kind in kinds.KIND_KEYS:
        channel = Channel(channels.get(kind, DEFAULT_CHANNEL))
        row = existing.get(kind)
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel))
        else:
            row.channel = channel
    db.session.flush()
    audit.record(
        user,
        "notification.preferences.update",
        user,
        details={
            "email_changed": changed_address,
            "email_kinds": sorted(k for k, c in channels.items() if c is Channel.EMAIL),
        },
    )


# --- creating ------------------------------------------------------------------------------------


def create(notices: Iterable[Notice]) -> list[Notification]:
    """Add the notices not created before (per recipient and ``dedupe_key``) and wanted by their recipient.

    Safe to call again with the same notices: nothing new is added. Flushes; the caller's transaction
    commits (a handoff decision, the send command).
    """
    wanted: dict[tuple[int, str], Notice] = {}
    for notice in notices:
        assert notice.kind in kinds.KIND_KEYS, notice.kind
        wanted.setdefault((notice.recipient_id, notice.dedupe_key), notice)
    if not wanted:
        return []
    existing: set[tuple[int, str]] = set()
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = db.session.execute(
            select(Notification.recipient_id, Notification.dedupe_key).where(
                tuple_(Notification.recipient_id, Notification.dedupe_key).in_(chunk)
            )
        )
        existing.update((recipient_id, key) for recipient_id, key in rows)
    choices = channels_for(user_id for user_id, _key in keys)
    created = []
    for key, notice in wanted.items():
        if key in existing or choices.get((notice.recipient_id, notice.kind), DEFAULT_CHANNEL) is Channel.OFF:
            continue
        row = Notification(
            recipient_id=notice.recipient_id,
            kind=notice.kind,
            event=notice.event,
            dedupe_key=notice.dedupe_key,
            case_id=notice.case_id,
            object_type=notice.object_type,
            object_id=notice.object_id,
        )
        db.session.add(row)
        created.append(row)
    db.session.flush()
    return created


# --- reading -------------------------------------------------------------------------------------


def unread_count(user: Any, *, kind: str | None = None) -> int:
    """The number of unread notifications: one COUNT on (recipient, read_at). Not audited: a number only."""
    expression = unread_count_expression(user, kind=kind)
    return expression if isinstance(expression, int) else int(db.session.scalar(select(expression)) or 0)


def unread_count_expression(user: Any, *, kind: str | None = None) -> Any:
    """The bell's count as a scalar SQL expression (0 for nobody signed in): the header evaluates it
    together with the other entries' counts in one statement."""
    if not getattr(user, "is_authenticated", False):
        return 0
    query = select(func.count(Notification.id)).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)
    )
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return query.scalar_subquery()


def unread_for(user: User, *, kind: str | None = None, limit: int = 20) -> list[Notification]:
    query = select(Notification).where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Shown:
    """One line of the notifications page: the text, and a reference and link only when still visible."""

    id: int
    text: str
    created_at: datetime
    read: bool
    reference: str | None = None
    url: str | None = None


def describe(user: User, rows: list[Notification]) -> list[Shown]:
    """Build the lines of ``rows`` for ``user``: a fixed number of statements for any number of rows.

    Cases count as visible when in ``case_scope(user)`` (the policy's SQL); handoffs and requests
    when the policy lets the user view them (a receiver sees the handoff, not the case). The link
    target applies the policy again when followed.
    """
    from casebook.handoffs.models import Handoff, TransferRequest
    from casebook.meetings.models import AgendaItem

    case_ids = {r.case_id for r in rows if r.case_id is not None and r.kind not in HANDOFF_KINDS}
    visible: dict[int, str] = {}
    if case_ids:
        visible = dict(
            db.session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids), case_scope(user))).all()
        )
    handoffs = _by_id(Handoff, {r.object_id for r in rows if r.object_type == "handoff"})
    asked = _by_id(TransferRequest, {r.object_id for r in rows if r.object_type == "transfer_request"})
    subject_requests = _subject_requests_by_id({r.object_id for r in rows if r.object_type == "subject_request"})
    item_ids = {r.object_id for r in rows if r.object_type == "meeting_agenda_item" and r.case_id in visible}
    meeting_of = (
        dict(db.session.execute(select(AgendaItem.id, AgendaItem.meeting_id).where(AgendaItem.id.in_(item_ids))).all())
        if item_ids
        else {}
    )

    shown = []
    for row in rows:
        base = {"id": row.id, "created_at": row.created_at, "read": row.read_at is not None}
        reference, url = None, None
        if row.object_type == "handoff":
            handoff = handoffs.get(row.object_id)
            if handoff is not None and can(user, Action.VIEW_HANDOFF, handoff):
                reference, url = handoff.case.reference, url_for("handoffs.detail", handoff_id=handoff.id)
        elif row.object_type == "transfer_request":
            request = asked.get(row.object_id)
            if request is not None and can(user, Action.VIEW_TRANSFER_REQUEST, request):
                reference, url = request.case.reference, url_for("handoffs.request_detail", request_id=request.id)
        elif row.object_type == "subject_request":
            subject_request = subject_requests.get(row.object_id)
            if subject_request is not None and can(user, Action.MANAGE_SUBJECT_REQUESTS, subject_request):
                reference = subject_request.reference
                url = url_for("subject_requests.detail", request_id=subject_request.id)
        elif row.case_id in visible:
            reference = visible[row.case_id]
            if row.object_type == "plan_action":
                url = url_for("cases.section", case_id=row.case_id, path="plan", _anchor=f"action-{row.object_id}")
            elif row.object_type == "meeting_agenda_item" and row.object_id in meeting_of:
                url = url_for("meetings.item", meeting_id=meeting_of[row.object_id], item_id=row.object_id)
            else:
                url = url_for("cases.detail", case_id=row.case_id)
        if reference is None and row.kind != "handoff_outcome":
            shown.append(Shown(text=str(kinds.HIDDEN_TEXT), **base))  # nothing about what it was
        else:
            shown.append(Shown(text=kinds.text_of(row.kind, row.event), reference=reference, url=url, **base))
    return shown


def _subject_requests_by_id(ids: set[int | None]) -> dict[int, Any]:
    from casebook.subject_requests.models import SubjectRequest

    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(SubjectRequest).where(SubjectRequest.id.in_(ids)))}


def _by_id(model: Any, ids: set[int | None]) -> dict[int, Any]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    # the policy reads the case and its participants of each handoff or request: loaded with them
    query = select(model).where(model.id.in_(ids)).options(selectinload(model.case).selectinload(Case.participants))
    return {row.id: row for row in db.session.scalars(query)}


def page_for(user: User, asked: PageRequest) -> Page[Shown]:
    """The user's notifications, newest first, described for them; audited as a list (counts only)."""
    query = select(Notification).where(Notification.recipient_id == user.id)
    page = paginate(db.session, query, PAGE_ORDER, asked)
    described = describe(user, page.items)
    audit.record(
        user,
        "notification.list",
        details={**asked.audit_details(), "shown": sum(1 for s in described if s.reference), "rows": len(described)},
    )
    return replace(page, items=described)


# --- marking read --------------------------------------------------------------------------------


def mark_read(user: User, notification_id: Any) -> Notification:
    """One of the user's own notifications; anyone else's is a 404 (audited by the loader).

    :raises Refused: not the user's, or no such notification.
    """
    row = load_or_404(user, Notification, notification_id, Action.READ_OWN_NOTIFICATION, audit_read=False)
    if row.read_at is None:
        row.read_at = utcnow()
    return row


def mark_all_read(user: User, *, kind: str | None = None) -> int:
    """Only the user's own notifications (of ``kind``, if given); returns how many were marked."""
    query = update(Notification).where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    result = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount
