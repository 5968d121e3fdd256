"""Person services: search through blind indexes, duplicate checks, registration, the person page, BSN reveal.

Visibility: a person exists for a user only through a case the user may view (``case_scope``,
joined via ``CaseSubject``, in SQL). Search results, the person page and the person's list of
cases all apply it; out of scope and nonexistent look the same (404).

Search never decrypts the register: the query's blind-index digests select candidates in SQL,
and only those candidates are decrypted to confirm the match (the index is an accelerator, not
the truth). Audit events say what kind of search ran, never the values searched for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select

from casebook import audit
from casebook.access import AccessDenied, Action, can, case_scope, require
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject, SubjectRole
from casebook.crypto import bsn_is_valid, family_name_variants, normalise_bsn, normalise_family_name
from casebook.crypto.store import current_keyring
from casebook.db import db
from casebook.people.blind_indexes import person_index_entries
from casebook.people.models import Person, PersonSearchIndex

#: At most this many persons are returned by one search (a search is for finding one person).
SEARCH_LIMIT = 50


class SearchCriteriaError(ValueError):
    """Neither a valid BSN nor family name + birth date was given (the form validates this first)."""


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing person that matches a registration.

    ``visible`` persons may be shown in full. Others exist in a case the user cannot see: only
    the fact of the match is shown, and only a BSN match may be linked (the user proved knowing
    the BSN; a name + birth-date match may be a different person, whose data would then leak).
    """

    person: Person
    by_bsn: bool
    visible: bool

    @property
    def linkable(self) -> bool:
        return self.visible or self.by_bsn


class DuplicatesFound(Exception):
    """Registration stopped: existing persons match. The caller offers them (no silent duplicates)."""

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        super().__init__(f"{len(matches)} existing person(s) match")
        self.matches = matches

    @property
    def overridable(self) -> bool:
        """A BSN identifies one person: a BSN match can only be linked, never registered again."""
        return not any(match.by_bsn for match in self.matches)


def visible_to(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Person``: the person is a subject of a case ``user`` may view."""
    return exists(
        select(CaseSubject.id)
        .join(Case, Case.id == CaseSubject.case_id)
        .where(CaseSubject.person_id == Person.id, case_scope(user))
    )


def _criteria(bsn: str | None, family_name: str | None, birth_date: dt.date | None) -> tuple[str, set[tuple[str, str]]]:
    """Which search runs and its blind-index entries. :raises SearchCriteriaError:"""
    keyring = current_keyring()
    if bsn:
        if not bsn_is_valid(bsn):
            raise SearchCriteriaError("not a valid BSN")
        return "bsn", person_index_entries(keyring, family_name=None, birth_date=None, bsn=bsn)
    if family_name and birth_date and normalise_family_name(family_name):
        # The query's own normalised form only: "Jansen" finds "van Jansen" and "Jansen-de Vries",
        # but "Jansen-de Vries" does not find every "Jansen".
        entries = person_index_entries(
            keyring, family_name=normalise_family_name(family_name), birth_date=birth_date, bsn=None
        )
        return "name_dob", entries
    raise SearchCriteriaError("give a BSN, or a family name and a birth date")


def _confirms(person: Person, kind: str, bsn: str | None, family_name: str | None, birth_date: dt.date | None) -> bool:
    """Decrypt the candidate and check it really matches (digest collisions, stale entries)."""
    if kind == "bsn":
        return isinstance(person.bsn, str) and normalise_bsn(person.bsn) == normalise_bsn(bsn or "")
    return (
        person.birth_date == birth_date
        and isinstance(person.family_name, str)
        and normalise_family_name(family_name or "") in family_name_variants(person.family_name)
    )


def _candidates(entries: set[tuple[str, str]], *, scope: ColumnElement[bool] | None) -> list[Person]:
    index = PersonSearchIndex
    matching = select(index.person_id).where(
        or_(*(and_(index.index_name == name, index.value == value) for name, value in sorted(entries)))
    )
    query = select(Person).where(Person.id.in_(matching)).order_by(Person.id).limit(SEARCH_LIMIT)
    if scope is not None:
        query = query.where(scope)
    return list(db.session.scalars(query))


def require_search(user: User) -> None:
    """Check that ``user`` may search persons at all (the search page); audit a denial. :raises AccessDenied:"""
    if not can(user, Action.SEARCH_PERSONS):
        audit.record(user, str(Action.SEARCH_PERSONS), outcome=Outcome.DENIED)
        raise AccessDenied()


def search_persons(
    user: User, *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> list[Person]:
    """Persons the user may see with this BSN, or with this family name (any variant) and birth date.

    Audited as ``person.search`` with the kind of search and the number of results only.

    :raises AccessDenied: the user may not search persons.
    :raises SearchCriteriaError: neither a valid BSN nor a family name + birth date.
    """
    require_search(user)
    kind, entries = _criteria(bsn, family_name, birth_date)
    found = [
        person
        for person in _candidates(entries, scope=visible_to(user))
        if _confirms(person, kind, bsn, family_name, birth_date)
    ]
    audit.record(user, str(Action.SEARCH_PERSONS), details={"kind": kind, "results": len(found)})
    return found


def find_duplicates(
    user: User, *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> list[DuplicateMatch]:
    """Existing persons in the whole register that match a registration, by BSN or by name + birth date.

    Looks beyond the user's cases on purpose (a duplicate elsewhere is still a duplicate), but
    marks each match ``visible`` or not so the screen shows nothing of persons outside the
    user's cases. Audited as ``person.search`` (kind ``duplicate_check``) without values.

    :raises AccessDenied: the user may not search persons.
    """
    require_search(user)
    by_bsn: set[int] = set()
    found: dict[int, Person] = {}
    if bsn and bsn_is_valid(bsn):
        for person in _candidates(_criteria(bsn, None, None)[1], scope=None):
            if _confirms(person, "bsn", bsn, None, None):
                found[person.id] = person
                by_bsn.add(person.id)
    if family_name and birth_date and normalise_family_name(family_name):
        for person in _candidates(_criteria(None, family_name, birth_date)[1], scope=None):
            if _confirms(person, "name_dob", None, family_name, birth_date):
                found.setdefault(person.id, person)
    visible: set[int] = set()
    if found:
        visible = set(db.session.scalars(select(Person.id).where(Person.id.in_(found), visible_to(user))))
    matches = [DuplicateMatch(person, pid in by_bsn, pid in visible) for pid, person in sorted(found.items())]
    audit.record(
        user,
        str(Action.SEARCH_PERSONS),
        details={
            "kind": "duplicate_check",
            "results": len(matches),
            "outside_scope": sum(not m.visible for m in matches),
        },
    )
    return matches


@dataclass(frozen=True)
class PersonData:
    family_name: str
    birth_date: dt.date
    given_names: str | None = None
    bsn: str | None = None
    address: str | None = None
    phone: str | None = None


def register_person(
    user: User,
    case: Case,
    data: PersonData,
    *,
    role: SubjectRole,
    confirmed_new: bool = False,
    use_existing: int | None = None,
) -> Person:
    """Add a person to ``case``: an existing one the duplicate check offered, or a newly registered one.

    - ``use_existing``: the id of a linkable match of *this* data (any other id is refused, so
      nobody can attach an arbitrary person to a case and read it).
    - A new person is registered only when nothing matches, or when only name + birth-date
      matches exist and the user confirmed ``confirmed_new`` ("none of these is the same
      person"). A BSN match is never registered again.

    The blind indexes are written by the flush hook of ``Person``.

    :raises AccessDenied: the user may not change this case or search persons.
    :raises DuplicatesFound: existing persons match; offer them.
    """
    require(user, Action.UPDATE_CASE, case)
    matches = find_duplicates(user, bsn=data.bsn, family_name=data.family_name, birth_date=data.birth_date)
    if use_existing is not None:
        chosen = next((m for m in matches if m.person.id == use_existing and m.linkable), None)
        if chosen is None:
            raise DuplicatesFound(matches)
        return _link(user, case, chosen.person, role, existing=True)
    if matches and (not confirmed_new or any(m.by_bsn for m in matches)):
        raise DuplicatesFound(matches)
    person = Person(
        family_name=data.family_name,
        given_names=data.given_names or None,
        birth_date=data.birth_date,
        bsn=normalise_bsn(data.bsn) if data.bsn else None,
        address=data.address or None,
        phone=data.phone or None,
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        user,
        "person.create",
        person,
        case_id=case.id,
        details={"confirmed_new": bool(matches and confirmed_new), "candidates": len(matches)},
    )
    return _link(user, case, person, role, existing=False)


def _link(user: User, case: Case, person: Person, role: SubjectRole, *, existing: bool) -> Person:
    if not any(subject.person_id == person.id for subject in case.subjects):
        case.subjects.append(CaseSubject(person=person, role=role))
        db.session.flush()
        audit.record(
            user,
            "case.subject.add",
            case,
            details={"person_id": person.id, "role": role.value, "existing_person": existing},
        )
    return person


def load_person_for(user: User, person_id: int) -> Person:
    """The person if ``user`` may view a case they are a subject of; else audit the denial and 404.

    :raises AccessDenied: a ``NotFound``; out of scope and nonexistent look the same.
    """
    person = db.session.scalar(select(Person).where(Person.id == person_id, visible_to(user)))
    if person is None:
        audit.record(user, "person.view", outcome=Outcome.DENIED, details={"requested_id": str(person_id)})
        raise AccessDenied()
    audit.record(user, "person.view", person)
    return person


def cases_of_person(user: User, person: Person) -> list[tuple[Case, SubjectRole]]:
    """The person's cases that ``user`` may view, with the person's role; nothing about the others."""
    rows = db.session.execute(
        select(Case, CaseSubject.role)
        .join(CaseSubject, CaseSubject.case_id == Case.id)
        .where(CaseSubject.person_id == person.id, case_scope(user))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    ).all()
    return [(case, role) for case, role in rows]


def reveal_bsn(user: User, person: Person) -> str | None:
    """The full BSN of a person loaded with ``load_person_for``, audited as ``person.bsn.reveal``.

    Re-authentication before the reveal is the caller's first step (see the hook in
    ``casebook.people.views``); this function is the single place the full BSN leaves the service layer.

    :raises AccessDenied: the user may not reveal BSNs (the denial is audited).
    """
    if not can(user, Action.REVEAL_BSN):
        audit.record(user, str(Action.REVEAL_BSN), person, outcome=Outcome.DENIED)
        raise AccessDenied()
    audit.record(user, str(Action.REVEAL_BSN), person, durable=True)
    return person.bsn
