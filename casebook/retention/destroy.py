"""Carrying out approved destruction lists: crypto-shredding, deleting, and a trace without content.

Per item, in one transaction of its own (so an interrupted run leaves every item either fully
destroyed or untouched, and a rerun picks up where it stopped):

- **document**: its rows go (document, versions); the storage keys of its blobs are kept on the
  item and the files removed right after the commit — files are not transactional, so a run that
  dies between the two removes them on the next run;
- **case**: its documents as above, its notifications, its subject links and "mogelijk bekend"
  matches go; the signals it came from are destroyed with it; then its data key is shredded, so
  notes, plans, interventions, decisions and every backup of them become unreadable. The case row
  stays as a tombstone (reference, type, dates: no content) because the audit trail names it;
- **signal**: the same, under the signal's own data key;
- **person**: their blind-index entries, household memberships and matches go and their data key is
  shredded — unless they are in a case or signal again that stays: then the item is withheld
  (``in_use``) and reported.

The audit trail is never touched: each item adds a ``retention.destroy`` event with the list, the
kind and the reference (no personal data), so ``casebook audit verify`` still verifies. On SQLite
the run switches ``secure_delete`` on, so freed pages are zeroed rather than left in the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, exists, select, text

from casebook import audit
from casebook.cases.models import Case, CaseSubject
from casebook.crypto.store import shred
from casebook.db import db, utcnow
from casebook.documents.models import Document, DocumentVersion
from casebook.notifications.models import Notification
from casebook.people.models import HouseholdMember, Person, PersonMatch, PersonSearchIndex
from casebook.retention.models import DestructionItem, DestructionList, ItemKind, ItemStatus, ListStatus, WithholdReason
from casebook.signals.models import Signal, SignalPerson

log = logging.getLogger(__name__)

REASON = "retention_expired"
# documents before their case, cases and signals before the persons they leave behind
_ORDER = {ItemKind.DOCUMENT: 0, ItemKind.CASE: 1, ItemKind.SIGNAL: 2, ItemKind.PERSON: 3}


@dataclass
class RunReport:
    dry_run: bool = False
    destroyed: list[str] = field(default_factory=list)  # "case PGA-2019-00042 (list 7)"
    skipped: list[str] = field(default_factory=list)  # "case PGA-2019-00043 (list 7): legal_hold"
    completed_lists: list[int] = field(default_factory=list)


def _storage():
    from casebook.documents.storage import storage_for

    return storage_for(current_app._get_current_object())  # type: ignore[attr-defined]


def _secure_delete() -> None:
    if db.dialect == "sqlite":
        db.session.execute(text("PRAGMA secure_delete = ON"))


def _delete_documents(where) -> list[str]:
    """Delete the documents matching ``where`` (versions cascade); return their blobs' storage keys."""
    ids = list(db.session.scalars(select(Document.id).where(where)))
    if not ids:
        return []
    keys = list(db.session.scalars(select(DocumentVersion.storage_key).where(DocumentVersion.document_id.in_(ids))))
    db.session.execute(delete(DocumentVersion).where(DocumentVersion.document_id.in_(ids)))
    db.session.execute(delete(Document).where(Document.id.in_(ids)))
    return keys


def _destroy_signal(signal: Signal, details: dict) -> None:
    db.session.execute(delete(SignalPerson).where(SignalPerson.signal_id == signal.id))
    db.session.execute(
        delete(Notification).where(Notification.object_type == "signal", Notification.object_id == signal.id)
    )
    db.session.execute(delete(PersonMatch).where(PersonMatch.signal_id == signal.id))
    shred(db.session, signal, reason=REASON)
    audit.record(
        None, "retention.destroy", signal, details={**details, "kind": "signal", "reference": signal.reference}
    )


def _destroy_case(case: Case, details: dict) -> list[str]:
    blobs = _delete_documents(Document.case_id == case.id)
    db.session.execute(delete(Notification).where(Notification.case_id == case.id))
    db.session.execute(delete(CaseSubject).where(CaseSubject.case_id == case.id))
    db.session.execute(delete(PersonMatch).where(PersonMatch.case_id == case.id))
    for signal in db.session.scalars(select(Signal).where(Signal.case_id == case.id)):
        _destroy_signal(signal, details)
    shred(db.session, case, reason=REASON)
    db.session.expire(case, ["subjects"])
    audit.record(None, "retention.destroy", case, details={**details, "kind": "case", "reference": case.reference})
    return blobs


def person_in_use(person_id: int) -> bool:
    """Is the person still in a case or a signal (one not destroyed: destroyed ones have no links left)?"""
    return bool(
        db.session.scalar(select(exists().where(CaseSubject.person_id == person_id)))
        or db.session.scalar(select(exists().where(SignalPerson.person_id == person_id)))
    )


def _destroy_person(person: Person, details: dict) -> None:
    db.session.execute(delete(HouseholdMember).where(HouseholdMember.person_id == person.id))
    db.session.execute(
        delete(PersonMatch).where((PersonMatch.person_id == person.id) | (PersonMatch.matched_person_id == person.id))
    )
    db.session.execute(delete(PersonSearchIndex).where(PersonSearchIndex.person_id == person.id))
    shred(db.session, person, reason=REASON)
    db.session.expire(person, ["memberships"])
    audit.record(None, "retention.destroy", person, details={**details, "kind": "person"})


def _destroy_item(item: DestructionItem) -> list[str]:
    """Destroy one item in the current transaction; return storage keys to remove after the commit."""
    details = {"list_id": item.list_id, "item_id": item.id}
    blobs: list[str] = []
    if item.kind is ItemKind.DOCUMENT:
        blobs = _delete_documents(Document.id == item.object_id)
        audit.record(
            None, "retention.destroy", None, details={**details, "kind": "document", "reference": item.reference}
        )
    elif item.kind is ItemKind.CASE:
        case = db.session.get(Case, item.object_id)
        if case is not None:
            blobs = _destroy_case(case, details)
    elif item.kind is ItemKind.SIGNAL:
        signal = db.session.get(Signal, item.object_id)
        if signal is not None:
            _destroy_signal(signal, details)
    elif item.kind is ItemKind.PERSON:
        person = db.session.get(Person, item.object_id)
        if person is not None:
            _destroy_person(person, details)
    item.status = ItemStatus.DESTROYED
    item.destroyed_at = utcnow()
    item.pending_blobs = blobs
    return blobs


def _remove_blobs(item: DestructionItem) -> None:
    storage = _storage()
    for key in item.pending_blobs:
        storage.delete(key)
    item.pending_blobs = []
    db.session.commit()


def _skip_reason(item: DestructionItem) -> str | None:
    if item.status is ItemStatus.WITHHELD:
        return str(item.withheld_reason or "withheld")
    return None


def _finish(listing: DestructionList) -> None:
    listing.status = ListStatus.DESTROYED
    listing.destroyed_at = utcnow()
    counts = {
        str(s): sum(1 for i in listing.items if i.status is s) for s in (ItemStatus.DESTROYED, ItemStatus.WITHHELD)
    }
    audit.record(None, "destruction_list.destroyed", listing, details=counts)
    db.session.commit()


def run(
    *, list_id: int | None = None, dry_run: bool = False, after_item: Callable[[DestructionItem], None] | None = None
) -> RunReport:
    """Destroy what the approved lists (or the one ``list_id``) hold; idempotent and resumable.

    Commits once per item (the caller must not hold a transaction open for it). ``dry_run`` reports
    what would happen and changes nothing. ``after_item`` is called after each item's commit.
    """
    report = RunReport(dry_run=dry_run)
    query = select(DestructionList).where(DestructionList.status.in_([ListStatus.APPROVED, ListStatus.DESTROYED]))
    if list_id is not None:
        query = query.where(DestructionList.id == list_id)
    lists = list(db.session.scalars(query.order_by(DestructionList.id)))
    if not dry_run:
        _secure_delete()
    for listing in lists:
        items = sorted(listing.items, key=lambda i: (_ORDER[i.kind], i.id))
        for item in items:
            label = f"{item.kind} {item.reference} (list {listing.id})"
            if item.status is ItemStatus.DESTROYED:
                if item.pending_blobs and not dry_run:
                    _remove_blobs(item)
                continue
            reason = _skip_reason(item)
            if reason is not None:
                if listing.status is ListStatus.APPROVED:
                    report.skipped.append(f"{label}: {reason}")
                continue
            if item.kind is ItemKind.PERSON and person_in_use(item.object_id) and not _leaves_with_run(item):
                report.skipped.append(f"{label}: {WithholdReason.IN_USE}")
                if not dry_run:
                    item.status = ItemStatus.WITHHELD
                    item.withheld_reason = WithholdReason.IN_USE
                    item.withheld_at = utcnow()
                    db.session.commit()
                continue
            report.destroyed.append(label)
            if dry_run:
                continue
            try:
                _destroy_item(item)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            if item.pending_blobs:
                _remove_blobs(item)
            if after_item is not None:
                after_item(item)
        if listing.status is ListStatus.APPROVED:
            if not dry_run:
                _finish(listing)
            report.completed_lists.append(listing.id)
    return report


def _leaves_with_run(item: DestructionItem) -> bool:
    """In a dry run the person's case is not destroyed yet: they count as free when every remaining
    link is to a case or signal listed (not withheld) on the same list."""
    listed = {
        (i.kind, i.object_id)
        for i in item.destruction_list.items
        if i.status is ItemStatus.LISTED and i.kind in (ItemKind.CASE, ItemKind.SIGNAL)
    }
    cases = db.session.scalars(select(CaseSubject.case_id).where(CaseSubject.person_id == item.object_id))
    signals = db.session.scalars(select(SignalPerson.signal_id).where(SignalPerson.person_id == item.object_id))
    return all((ItemKind.CASE, c) in listed for c in cases) and all((ItemKind.SIGNAL, s) in listed for s in signals)
