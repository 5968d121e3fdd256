"""The handoffs' place on the case page: a section (entry points and the case's handoffs) and
timeline entries, registered through ``casebook.cases.extensions``.

Both are called for a viewer the case page has already authorised for the case; they show the
handoffs the viewer may open, and timeline titles without personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.extensions import CaseSection, TimelineEntry, read_once, register_section, register_timeline_source
from casebook.cases.lifecycle import accepts_changes
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs.models import (
    Handoff,
    HandoffKind,
    HandoffStatus,
    RequestStatus,
    SenderActions,
    SenderAfterTransfer,
    TransferRequest,
)


def _handoffs_of(user: User, case: Case) -> list[Handoff]:
    """The case's handoffs, read once for the section and the timeline (``read_once``): one
    statement, the people and organisations named joined in (their roles are not shown)."""

    def read() -> list[Handoff]:
        return list(
            db.session.scalars(
                select(Handoff)
                .where(Handoff.case_id == case.id)
                .options(
                    joinedload(Handoff.sent_by).lazyload(User.role_rows),
                    joinedload(Handoff.decided_by).lazyload(User.role_rows),
                )
                .order_by(Handoff.created_at.desc(), Handoff.id.desc())
            )
        )

    return read_once("handoffs", user, case, read)


def _visible(user: User, case: Case) -> bool:
    return can(user, Action.USE_HANDOFF_INBOX)


def section(user: User, case: Case) -> dict[str, Any] | None:
    """The Overdrachten tab; drafting and sending are offered only while the case takes changes."""
    if not _visible(user, case):
        return None
    open_case = accepts_changes(case)
    context: dict[str, Any] = {
        "handoffs": [h for h in _handoffs_of(user, case) if can(user, Action.VIEW_HANDOFF, h)],
        "can_draft": open_case and can(user, Action.DRAFT_HANDOFF, case),
        "can_send": open_case and can(user, Action.SEND_HANDOFF, case),
        "can_request": can(user, Action.REQUEST_TRANSFER, case),
        "requests": [],
    }
    if context["can_send"]:
        context["requests"] = [
            r
            for r in db.session.scalars(
                select(TransferRequest).where(
                    TransferRequest.case_id == case.id, TransferRequest.status == RequestStatus.PENDING
                )
            )
            if can(user, Action.ANSWER_TRANSFER_REQUEST, r)
        ]
    return context


def summary(user: User, case: Case) -> dict[str, Any] | None:
    """The Overzicht's line: the handoffs still waiting for the receiver's decision."""
    if not _visible(user, case):
        return None
    handoffs = [h for h in _handoffs_of(user, case) if can(user, Action.VIEW_HANDOFF, h)]
    pending = [h for h in handoffs if h.sent_at is not None and h.shown_status is HandoffStatus.PENDING]
    return {"count": len(handoffs), "pending": pending}


SENT_TITLES = {
    HandoffKind.TRANSFER: lambda h: _("Overdracht van regie aan %(org)s verstuurd", org=h.receiver_organisation.name),
    HandoffKind.REFERRAL: lambda h: _("%(org)s ingeschakeld (verwijzing verstuurd)", org=h.receiver_organisation.name),
}
DECIDED_TITLES = {
    HandoffStatus.ACCEPTED: lambda h: _("%(org)s heeft de overdracht geaccepteerd", org=h.receiver_organisation.name),
    HandoffStatus.REJECTED: lambda h: _("%(org)s heeft de overdracht afgewezen", org=h.receiver_organisation.name),
    HandoffStatus.CANCELLED: lambda h: _("Overdracht aan %(org)s ingetrokken", org=h.receiver_organisation.name),
    HandoffStatus.EXPIRED: lambda h: _("Overdracht aan %(org)s verlopen", org=h.receiver_organisation.name),
}


def transfer_accepted_title(handoff: Handoff) -> str:
    """What an accepted transfer did, in one line: who leads now, what became of the sender, the
    casusregisseur and the sender's open actions."""
    receiver, sender = handoff.receiver_organisation.name, handoff.sender_organisation.name
    parts = [_("%(org)s heeft de overdracht geaccepteerd en is nu regiehouder", org=receiver)]
    if handoff.sender_after is SenderAfterTransfer.OBSERVER:
        parts.append(_("%(org)s blijft meelezen", org=sender))
    elif handoff.sender_after is SenderAfterTransfer.LEAVE:
        parts.append(_("%(org)s neemt niet meer deel", org=sender))
    if handoff.new_case_manager is not None:
        parts.append(_("casusregisseur: %(who)s", who=handoff.new_case_manager.display_name))
    elif handoff.sender_actions is not None:  # decided with this choice: none was named
        parts.append(_("nog geen casusregisseur"))
    if handoff.sender_actions is SenderActions.REASSIGN:
        parts.append(_("open acties van %(sender)s naar %(receiver)s", sender=sender, receiver=receiver))
    elif handoff.sender_actions is SenderActions.WITHDRAW:
        parts.append(_("open acties van %(sender)s vervallen", sender=sender))
    return "; ".join(parts)


def timeline(user: User, case: Case) -> Iterable[TimelineEntry]:
    for handoff in _handoffs_of(user, case):
        if handoff.sent_at is None:
            continue  # drafts never were on record outside the sender
        url = url_for("handoffs.detail", handoff_id=handoff.id) if can(user, Action.VIEW_HANDOFF, handoff) else None
        common = {
            "kind": "handoff",
            "url": url,
            "extra": {"handoff_id": handoff.id, "status": str(handoff.shown_status)},
        }
        yield TimelineEntry(
            at=handoff.sent_at,
            title=SENT_TITLES[handoff.kind](handoff),
            actor=handoff.sent_by.display_name if handoff.sent_by else None,
            organisation=handoff.sender_organisation.name,
            **common,
        )
        if handoff.decided_at is not None and handoff.status in DECIDED_TITLES:
            decider = handoff.decided_by
            transferred = handoff.kind is HandoffKind.TRANSFER and handoff.status is HandoffStatus.ACCEPTED
            yield TimelineEntry(
                at=handoff.decided_at,
                title=transfer_accepted_title(handoff) if transferred else DECIDED_TITLES[handoff.status](handoff),
                actor=decider.display_name if decider else None,
                organisation=decider.organisation.name if decider else None,
                **common,
            )
        if handoff.completed_at is not None:
            yield TimelineEntry(
                at=handoff.completed_at,
                title=_("%(org)s heeft de verwijzing afgerond", org=handoff.receiver_organisation.name),
                organisation=handoff.receiver_organisation.name,
                **common,
            )


def register(app: Flask) -> None:
    """Add the handoffs section and timeline source to ``app`` (from ``casebook.handoffs.init_app``)."""
    register_section(
        app,
        CaseSection(
            key="handoffs",
            template="handoffs/_case_section.html",
            load=section,
            order=80,
            label=_l("Overdrachten"),
            path="handoffs",
            visible=_visible,
            summary=summary,
            summary_template="handoffs/_case_summary.html",
        ),
    )
    register_timeline_source(app, "handoff", timeline)
