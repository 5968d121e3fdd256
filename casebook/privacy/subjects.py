"""Who the data subjects of a processing are: the persons of a case, a signal or a household, or a
person itself — and their pseudonyms as processing-log lines hold them.

Resolved at commit, for all of a transaction's processings together: a case page has its case's
subjects loaded already (no statement); whatever is not loaded costs one query per kind (cases,
signals, households), however many processings name it.

A person with a readable, valid BSN is logged under the keyed pseudonym of the BSN (type ``BSN``);
a person without one (not known, not valid, shredded) under the keyed pseudonym of the person's
uuid (type ``casebook-person``), so nobody's processing goes unlogged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from casebook.cases.models import Case, CaseSubject
from casebook.crypto import bsn_is_valid
from casebook.crypto.store import UnreadableText
from casebook.people.models import Household, HouseholdMember, Person
from casebook.privacy.processing_log import (
    SUBJECT_TYPE_BSN,
    SUBJECT_TYPE_PERSON,
    Source,
    Subject,
    person_pseudonym,
    subject_pseudonym,
)
from casebook.signals.models import Signal, SignalPerson

# kind -> (model, its collection of links, the link table's owner column, the link table)
_KINDS = {
    "case": (Case, "subjects", CaseSubject.case_id, CaseSubject),
    "signal": (Signal, "persons", SignalPerson.signal_id, SignalPerson),
    "household": (Household, "members", HouseholdMember.household_id, HouseholdMember),
}


def subject_of(person: Person) -> Subject:
    """The line's data subject for ``person``: the BSN's pseudonym, else the person uuid's."""
    bsn = person.bsn
    if bsn is not None and not isinstance(bsn, UnreadableText) and bsn_is_valid(bsn):
        return Subject(subject_pseudonym(bsn), SUBJECT_TYPE_BSN)
    return Subject(person_pseudonym(person.uuid), SUBJECT_TYPE_PERSON)


_KIND_OF = {model: kind for kind, (model, *_rest) in _KINDS.items()}


def owner_source(session: Session, kind: str, owner_id: int) -> Source:
    """The source for the persons of a case, signal or household: the object itself when the session
    holds it (kept, so its loaded links are still there at commit — the identity map holds objects
    weakly), else its id (queried at commit)."""
    model = _KINDS[kind][0]
    owner = session.identity_map.get(inspect(model).identity_key_from_primary_key((owner_id,)))
    return owner if owner is not None else (kind, owner_id)


def _loaded_persons(session: Session, owner: object) -> list[Person] | None:
    """The persons of an owner whose links (and their persons) are loaded, else None (queried)."""
    _model, collection, _column, _link = _KINDS[_KIND_OF[type(owner)]]
    if collection in inspect(owner).unloaded:
        return None
    persons: list[Person] = []
    for link in getattr(owner, collection):
        if "person" not in inspect(link).unloaded:
            persons.append(link.person)
            continue
        # a link the session held before the owner's persons were joined in: its person is there too
        person = session.identity_map.get(inspect(Person).identity_key_from_primary_key((link.person_id,)))
        if person is None:
            return None
        persons.append(person)
    return persons


def _key(source: Source) -> tuple[str, int] | None:
    if isinstance(source, tuple):
        return source
    kind = _KIND_OF.get(type(source))
    return (kind, source.id) if kind is not None else None  # type: ignore[attr-defined]


def resolve(session: Session, processings: Sequence[Sequence[Source]]) -> list[list[Subject]]:
    """Each processing's sources as data subjects, in order (a subject once per processing)."""
    persons_of: dict[tuple[str, int], list[Person]] = {}
    missing: dict[str, set[int]] = defaultdict(set)
    for sources in processings:
        for source in sources:
            key = _key(source)
            if key is None or key in persons_of:
                continue
            loaded = None if isinstance(source, tuple) else _loaded_persons(session, source)
            if loaded is None:
                missing[key[0]].add(key[1])
            else:
                persons_of[key] = loaded
    for kind, owner_ids in missing.items():
        _model, _collection, column, link = _KINDS[kind]
        for owner_id in owner_ids:
            persons_of.setdefault((kind, owner_id), [])
        rows = session.execute(
            select(column, Person).join(Person, Person.id == link.person_id).where(column.in_(owner_ids))
        )
        for owner_id, person in rows:
            persons_of[(kind, owner_id)].append(person)
    subjects_by_person: dict[int, Subject] = {}

    def subject(person: Person) -> Subject:
        if person.id is None:
            return subject_of(person)
        if person.id not in subjects_by_person:
            subjects_by_person[person.id] = subject_of(person)
        return subjects_by_person[person.id]

    resolved: list[list[Subject]] = []
    for sources in processings:
        found: dict[Subject, None] = {}
        for source in sources:
            if isinstance(source, Subject):
                found[source] = None
            elif isinstance(source, Person):
                found[subject(source)] = None
            else:
                key = _key(source)
                for person in persons_of.get(key, ()) if key is not None else ():
                    found[subject(person)] = None
        resolved.append(list(found))
    return resolved
