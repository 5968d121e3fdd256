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


def _loaded_persons(session: Session, kind: str, owner_id: int) -> list[Person] | None:
    """The persons of an owner already in the session with its links (and their persons) loaded."""
    model, collection, _column, _link = _KINDS[kind]
    owner = session.identity_map.get(inspect(model).identity_key_from_primary_key((owner_id,)))
    if owner is None or collection in inspect(owner).unloaded:
        return None
    links = getattr(owner, collection)
    if any("person" in inspect(link).unloaded for link in links):
        return None
    return [link.person for link in links]


def resolve(session: Session, processings: Sequence[Sequence[Source]]) -> list[list[Subject]]:
    """Each processing's sources as data subjects, in order (a subject once per processing)."""
    persons_of: dict[tuple[str, int], list[Person]] = {}
    missing: dict[str, set[int]] = defaultdict(set)
    for sources in processings:
        for source in sources:
            if isinstance(source, tuple):
                kind, owner_id = source
                if (kind, owner_id) in persons_of:
                    continue
                loaded = _loaded_persons(session, kind, owner_id)
                if loaded is None:
                    missing[kind].add(owner_id)
                else:
                    persons_of[(kind, owner_id)] = loaded
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
            elif isinstance(source, tuple):
                for person in persons_of[source]:
                    found[subject(person)] = None
        resolved.append(list(found))
    return resolved
