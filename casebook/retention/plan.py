"""Drawing up a destruction list: what has passed its retention on a given date.

The rules, in one place:

- a **case** when it is closed and its archive action date (archiefactiedatum: end date + its case
  type's retention period, set at closing) is on or before the date;
- a **signal that never became a case** when it was triaged (a decision other than opening a case)
  ``SIGNAL_RETENTION_PERIOD`` or longer ago — an untriaged signal is in the weegtafel's queue and is
  never destroyed;
- a **document** together with its case (an item of its own, so the certificate names it);
- a **person** together with the listed cases and signals when they are in nothing else (no other
  case, signal or household with a case that stays), or on their own when they are in no case,
  signal or household at all and were registered ``PERSON_RETENTION_PERIOD`` or longer ago.

An object already on a list (listed or destroyed) is not listed again; a withheld item may come
back on a later list, where the reviewers decide again. Nothing here reads content.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import exists, or_, select

from casebook import audit
from casebook.cases.durations import parse_duration
from casebook.cases.models import Case, CaseSubject
from casebook.crypto.models import DataKey
from casebook.db import db
from casebook.documents.models import Document
from casebook.people.models import HouseholdMember, Person
from casebook.retention.models import DestructionItem, DestructionList, ItemKind, ItemStatus, ListStatus
from casebook.signals.models import Signal, SignalPerson, TriageDecision


def _taken(kind: ItemKind):
    """Objects of ``kind`` already listed or destroyed by some list."""
    return select(DestructionItem.object_id).where(
        DestructionItem.kind == kind, DestructionItem.status.in_([ItemStatus.LISTED, ItemStatus.DESTROYED])
    )


def due_cases(as_of: date) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case)
            .where(
                Case.closed_at.is_not(None),
                Case.archive_action_on.is_not(None),
                Case.archive_action_on <= as_of,
                Case.id.not_in(_taken(ItemKind.CASE)),
            )
            .order_by(Case.archive_action_on, Case.id)
        )
    )


def due_signals(as_of: date) -> list[tuple[Signal, date]]:
    period = parse_duration(current_app.config["SIGNAL_RETENTION_PERIOD"])
    found = db.session.scalars(
        select(Signal)
        .where(
            Signal.triaged_at.is_not(None),
            Signal.case_id.is_(None),
            or_(Signal.decision.is_(None), Signal.decision != TriageDecision.OPEN_CASE),
            Signal.id.not_in(_taken(ItemKind.SIGNAL)),
        )
        .order_by(Signal.triaged_at, Signal.id)
    )
    due = []
    for signal in found:
        until = period.after(signal.triaged_at.date())
        if until <= as_of:
            due.append((signal, until))
    return due


def _live_key(owner_type: str, ref_column):
    return exists().where(
        DataKey.owner_type == owner_type, DataKey.owner_ref == ref_column, DataKey.wrapped.is_not(None)
    )


def orphan_persons(as_of: date) -> list[tuple[Person, date]]:
    """Persons in no case, signal or household, registered at least the person retention ago."""
    period = parse_duration(current_app.config["PERSON_RETENTION_PERIOD"])
    found = db.session.scalars(
        select(Person)
        .where(
            ~exists().where(CaseSubject.person_id == Person.id),
            ~exists().where(SignalPerson.person_id == Person.id),
            ~exists().where(HouseholdMember.person_id == Person.id),
            _live_key("person", Person.uuid),
            Person.id.not_in(_taken(ItemKind.PERSON)),
        )
        .order_by(Person.id)
    )
    return [(p, period.after(p.created_at.date())) for p in found if period.after(p.created_at.date()) <= as_of]


def persons_left_behind(case_ids: set[int], signal_ids: set[int]) -> dict[int, tuple[str, int]]:
    """Persons in the given cases/signals only: ``person id → (kind, id)`` of the first that names them.

    A person stays when they are in another case or signal, or in a household that has a case
    outside ``case_ids`` (their household is still being worked with).
    """
    links: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for person_id, case_id in db.session.execute(select(CaseSubject.person_id, CaseSubject.case_id)):
        links[person_id].append(("case", case_id))
    for person_id, signal_id in db.session.execute(select(SignalPerson.person_id, SignalPerson.signal_id)):
        links[person_id].append(("signal", signal_id))
    kept_households = set(
        db.session.scalars(
            select(Case.household_id).where(Case.household_id.is_not(None), Case.id.not_in(case_ids or {0}))
        )
    )
    in_kept_household = set(
        db.session.scalars(
            select(HouseholdMember.person_id).where(HouseholdMember.household_id.in_(kept_households or {0}))
        )
    )
    left: dict[int, tuple[str, int]] = {}
    for person_id, refs in links.items():
        if person_id in in_kept_household:
            continue
        going = [r for r in refs if (r[0] == "case" and r[1] in case_ids) or (r[0] == "signal" and r[1] in signal_ids)]
        if going and len(going) == len(refs):
            left[person_id] = sorted(going)[0]
    return left


def _person_reference(person_id: int) -> str:
    return f"P-{person_id:06d}"


def draw_up(as_of: date, *, by: Any = None) -> DestructionList | None:
    """Draw up a list of everything due on ``as_of`` that is not on a list yet; None when nothing is due.

    The list awaits the approval of a supervisor and a privacy officer; nothing is destroyed here.
    """
    cases = due_cases(as_of)
    signals = due_signals(as_of)
    orphans = orphan_persons(as_of)
    if not (cases or signals or orphans):
        return None
    listing = DestructionList(status=ListStatus.AWAITING_APPROVAL, as_of=as_of)
    db.session.add(listing)
    parents: dict[tuple[str, int], DestructionItem] = {}
    for case in cases:
        item = DestructionItem(
            kind=ItemKind.CASE,
            object_id=case.id,
            reference=case.reference,
            type_code=case.case_type.code,
            closed_on=case.closed_at.date() if case.closed_at else None,
            due_on=case.archive_action_on,
            rule=f"case_type:{case.case_type.code} {case.case_type.retention_period}",
        )
        listing.items.append(item)
        parents[("case", case.id)] = item
    documents = db.session.scalars(
        select(Document).where(Document.case_id.in_([c.id for c in cases] or [0])).order_by(Document.id)
    )
    for document in documents:
        parent = parents[("case", document.case_id)]
        listing.items.append(
            DestructionItem(
                kind=ItemKind.DOCUMENT,
                object_id=document.id,
                reference=f"D-{document.id:06d}",
                type_code=document.type.code,
                closed_on=parent.closed_on,
                due_on=parent.due_on,
                rule=f"with_case:{parent.reference}",
            )
        )
        listing.items[-1].parent_item = parent
    period = current_app.config["SIGNAL_RETENTION_PERIOD"]
    for signal, until in signals:
        item = DestructionItem(
            kind=ItemKind.SIGNAL,
            object_id=signal.id,
            reference=signal.reference,
            type_code=signal.case_type.code,
            closed_on=signal.triaged_at.date(),
            due_on=until,
            rule=f"setting:SIGNAL_RETENTION_PERIOD {period}",
        )
        listing.items.append(item)
        parents[("signal", signal.id)] = item
    case_ids = {c.id for c in cases}
    # the signals a listed case came from are destroyed with it: their persons may be left behind too
    of_cases = set(db.session.scalars(select(Signal.id).where(Signal.case_id.in_(case_ids or {0}))))
    left = persons_left_behind(case_ids, {s.id for s, _ in signals} | of_cases)
    case_of_signal = {
        signal_id: case_id
        for signal_id, case_id in db.session.execute(
            select(Signal.id, Signal.case_id).where(Signal.id.in_(of_cases or {0}))
        )
    }
    for person_id, (kind, object_id) in sorted(left.items()):
        if kind == "signal" and ("signal", object_id) not in parents:
            kind, object_id = "case", case_of_signal[object_id]
        parent = parents[(kind, object_id)]
        item = DestructionItem(
            kind=ItemKind.PERSON,
            object_id=person_id,
            reference=_person_reference(person_id),
            closed_on=parent.closed_on,
            due_on=parent.due_on,
            rule=f"with_{kind}:{parent.reference}",
        )
        item.parent_item = parent
        listing.items.append(item)
    person_period = current_app.config["PERSON_RETENTION_PERIOD"]
    for person, until in orphans:
        if person.id in left:
            continue
        listing.items.append(
            DestructionItem(
                kind=ItemKind.PERSON,
                object_id=person.id,
                reference=_person_reference(person.id),
                closed_on=person.created_at.date(),
                due_on=until,
                rule=f"setting:PERSON_RETENTION_PERIOD {person_period}",
            )
        )
    db.session.flush()
    counts = defaultdict(int)
    for item in listing.items:
        counts[str(item.kind)] += 1
    audit.record(by, "destruction_list.draw_up", listing, details={"as_of": as_of.isoformat(), **counts})
    return listing
