"""The reviewers' side of destruction lists: read them, take items off, approve (four eyes).

Every function checks the policy itself and audits; the screens, the JSON API and the
``casebook retention approve`` command share them. A list is approved by a supervisor of the
municipality *and* the privacy officer — two different people: one user cannot fill both
approvals, and approving twice is refused. Items can be taken off only while the list awaits
approval; what two people approved is what the run destroys.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from casebook import audit
from casebook.access import Action, can, load_or_404, require_audited
from casebook.access.rules.retention import approval_slot
from casebook.auth.models import Role, User
from casebook.db import db, utcnow
from casebook.errors import Conflict, RuleViolation
from casebook.retention import plan
from casebook.retention.models import (
    REVIEWER_REASONS,
    DestructionItem,
    DestructionList,
    ItemKind,
    ItemStatus,
    ListStatus,
    WithholdReason,
)


class AlreadyApproved(Conflict):
    """This person approved the list already, or the list needs no more approvals (409)."""


def lists_for(user: User) -> list[DestructionList]:
    """Every destruction list, newest first (a few a month). Audited as ``destruction_list.list``."""
    require_audited(user, Action.VIEW_DESTRUCTION_LISTS)
    lists = list(db.session.scalars(select(DestructionList).order_by(DestructionList.id.desc())))
    audit.record(user, "destruction_list.list", details={"count": len(lists)})
    return lists


def item_counts(lists: list[DestructionList]) -> dict[int, int]:
    if not lists:
        return {}
    rows = db.session.execute(
        select(DestructionItem.list_id, func.count())
        .where(DestructionItem.list_id.in_([entry.id for entry in lists]))
        .group_by(DestructionItem.list_id)
    )
    return {list_id: count for list_id, count in rows}


def load_list(user: User, list_id: object, action: Action = Action.VIEW_DESTRUCTION_LISTS) -> DestructionList:
    """The list, or an audited 404 for a user who may not review lists (or a list that does not exist)."""
    return load_or_404(user, DestructionList, list_id, action)


def may_approve(user: User, listing: DestructionList) -> bool:
    return (
        listing.status is ListStatus.AWAITING_APPROVAL
        and can(user, Action.APPROVE_DESTRUCTION_LIST, listing)
        and user.id not in listing.approvers
        and _open_slot(user, listing) is not None
    )


def _open_slot(user: User, listing: DestructionList) -> Role | None:
    """The approval ``user`` can give on ``listing`` (the policy's ``approval_slot``)."""
    return approval_slot(
        user,
        privacy_open=listing.privacy_approved_by_id is None,
        supervisor_open=listing.supervisor_approved_by_id is None,
    )


def approve(listing: DestructionList, *, by: User, version: int | None = None) -> DestructionList:
    """Give ``by``'s approval. The second approval (of the other role, by another person) makes the list approved.

    :raises Refused: ``by`` may not approve lists (audited, 404).
    :raises AlreadyApproved: ``by`` approved it already, its approval is given, or it is no longer awaiting approval.
    :raises Conflict: ``version`` is not the list's current version (someone changed it meanwhile).
    """
    require_audited(by, Action.APPROVE_DESTRUCTION_LIST, listing)
    _check_version(listing, version)
    if listing.status is not ListStatus.AWAITING_APPROVAL:
        raise AlreadyApproved("list is not awaiting approval")
    if by.id in listing.approvers:
        audit.record(
            by, "destruction_list.approve", listing, outcome=audit.Outcome.DENIED, details={"why": "same_person"}
        )
        raise AlreadyApproved("already approved by this person")
    slot = _open_slot(by, listing)
    if slot is None:
        raise AlreadyApproved("the approval of this role is given")
    now = utcnow()
    if slot is Role.PRIVACY_OFFICER:
        listing.privacy_approved_by_id, listing.privacy_approved_at = by.id, now
    else:
        listing.supervisor_approved_by_id, listing.supervisor_approved_at = by.id, now
    if listing.privacy_approved_by_id is not None and listing.supervisor_approved_by_id is not None:
        listing.status = ListStatus.APPROVED
    db.session.flush()
    audit.record(by, "destruction_list.approve", listing, details={"as": str(slot), "status": str(listing.status)})
    return listing


def load_item(user: User, listing: DestructionList, item_id: object) -> DestructionItem:
    item = load_or_404(user, DestructionItem, item_id, Action.WITHHOLD_DESTRUCTION_ITEM, audit_read=False)
    if item.list_id != listing.id:
        from casebook.access import deny

        raise deny(user, Action.WITHHOLD_DESTRUCTION_ITEM, requested_id=item_id)
    return item


def withhold(item: DestructionItem, *, by: User, reason: str, version: int | None = None) -> DestructionItem:
    """Take an item off its list (legal hold, pending request); its documents and persons come off with it.

    :raises RuleViolation: not a reviewer's reason code (field ``reason``).
    :raises Conflict: the list is approved or destroyed already, or ``version`` is stale.
    """
    listing = item.destruction_list
    require_audited(by, Action.WITHHOLD_DESTRUCTION_ITEM, listing)
    _check_version(listing, version)
    try:
        code = WithholdReason(reason)
    except ValueError:
        code = None
    if code not in REVIEWER_REASONS:
        raise RuleViolation(_l("Kies een reden."), field="reason")
    if listing.status is not ListStatus.AWAITING_APPROVAL:
        raise Conflict("list is not awaiting approval")
    if item.status is not ItemStatus.LISTED:
        raise Conflict("item is not listed")
    if item.kind is ItemKind.DOCUMENT:  # a document is the case's content: it goes or stays with its case
        raise RuleViolation(_l("Een document gaat mee met zijn casus; haal de casus van de lijst."), field="item_id")
    now = utcnow()
    for entry in (item, *item.children):
        if entry.status is ItemStatus.LISTED:
            entry.status, entry.withheld_reason, entry.withheld_by_id, entry.withheld_at = (
                ItemStatus.WITHHELD,
                code,
                by.id,
                now,
            )
    db.session.flush()
    _bump(listing)
    audit.record(
        by,
        "destruction_list.withhold",
        listing,
        details={"item_id": item.id, "kind": str(item.kind), "reference": item.reference, "reason": str(code)},
    )
    return item


def _bump(listing: DestructionList) -> None:
    """An item's change is a change of the list: approvers approve the list as they saw it."""
    from sqlalchemy.orm.attributes import flag_modified

    flag_modified(listing, "as_of")
    db.session.flush()


def _check_version(listing: DestructionList, version: int | None) -> None:
    if version is not None and int(version) != listing.version:
        raise Conflict("the list changed meanwhile")


def draw_up(as_of: date, *, by: User | None = None) -> DestructionList | None:
    """Draw up a list of what is due on ``as_of`` (None: nothing is due). ``by=None`` is the scheduled
    job (the command); a user needs ``DRAW_UP_DESTRUCTION_LIST`` (audited 404 otherwise)."""
    if by is not None:
        require_audited(by, Action.DRAW_UP_DESTRUCTION_LIST)
    return plan.draw_up(as_of, by=by)
