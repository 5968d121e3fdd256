"""Person services: search through blind indexes, duplicate checks, registration, the person page, BSN reveal.

Visibility is the policy's (``casebook.access.rules.persons``): a person exists for a user only
through a case they may list. Every path that finds persons — the search, the duplicate check of
a registration, the signal flow, the API — selects with the policy's ``visible_persons`` clause,
so **a person known only outside the caller's scope gets exactly the answer an unknown person
gets** (same status, same body, same page afterwards).

The match is not lost, and a BSN is still registered once. A registration that matches a hidden
person is registered as new, as for an unknown person, and:

- its BSN, when the register already holds it, is kept as typed (encrypted, shown to the caller
  as they typed it) but *pending*: indexed as ``bsn_pending``, not in the register's BSN index,
  which stays unique (a partial unique index in the database);
- a ``PersonMatch`` (the new person, the matched one, the kind of match, when, by whom — no
  plain values) is recorded and audited, and shown as "mogelijk bekend" to the ZVH coordinators
  at the weegtafel (``Action.VIEW_PERSON_MATCHES``), who resolve it. Never to the caller.

Search never decrypts the register: the query's blind-index digests select candidates in SQL,
and only those candidates are decrypted to confirm the match (the index is an accelerator, not
the truth). Audit events say what kind of search ran, never the values searched for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from casebook import audit
from casebook.access import (
    Action,
    can,
    case_scope,
    deny,
    household_cases,
    load_or_404,
    require_audited,
    visible_persons,
)
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject, SubjectRole
from casebook.crypto import bsn_is_valid, family_name_variants, normalise_bsn, normalise_family_name
from casebook.crypto.store import current_keyring
from casebook.db import db
from casebook.errors import RuleViolation
from casebook.people.blind_indexes import BSN, BSN_PENDING, NAME_DOB, person_index_entries
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, Person, PersonMatch, PersonSearchIndex

#: At most this many persons are returned by one search (a search is for finding one person).
SEARCH_LIMIT = 50

BSN_NOT_PROCESSED = _l("Uw organisatie verwerkt geen BSN's: zoek of registreer zonder BSN.")


class SearchCriteriaError(ValueError):
    """Neither a valid BSN nor family name + birth date was given (the form validates this first)."""


class BsnNotProcessed(RuleViolation):
    """A BSN was given by a user whose organisation may not process BSNs (``Action.PROCESS_BSN``)."""

    def __init__(self) -> None:
        super().__init__(str(BSN_NOT_PROCESSED), "bsn")
        self.message = BSN_NOT_PROCESSED


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing person the caller may see that matches a registration: offered for linking."""

    person: Person
    by_bsn: bool


class DuplicatesFound(Exception):
    """Registration stopped: persons the caller may see match. The caller offers them (no silent duplicates)."""

    def __init__(self, matches: list[DuplicateMatch]) -> None:
        super().__init__(f"{len(matches)} existing person(s) match")
        self.matches = matches

    @property
    def overridable(self) -> bool:
        """A BSN identifies one person: a BSN match can only be linked, never registered again."""
        return not any(match.by_bsn for match in self.matches)


@dataclass(frozen=True)
class RegisterCheck:
    """The outcome of a duplicate check. ``hidden`` never leaves the service layer."""

    visible: list[DuplicateMatch] = field(default_factory=list)
    hidden: list[DuplicateMatch] = field(default_factory=list)

    @property
    def bsn_known_elsewhere(self) -> bool:
        return any(match.by_bsn for match in self.hidden)


def require_bsn_processing(user: User, bsn: str | None) -> None:
    """Refuse a BSN from a user whose organisation may not process BSNs. :raises BsnNotProcessed:"""
    if bsn and not can(user, Action.PROCESS_BSN):
        deny(user, Action.PROCESS_BSN)
        raise BsnNotProcessed()


def _criteria(bsn: str | None, family_name: str | None, birth_date: dt.date | None) -> tuple[str, set[tuple[str, str]]]:
    """Which search runs and its blind-index entries. :raises SearchCriteriaError:"""
    keyring = current_keyring()
    if bsn:
        if not bsn_is_valid(bsn):
            raise SearchCriteriaError("not a valid BSN")
        entries = person_index_entries(keyring, family_name=None, birth_date=None, bsn=bsn)
        return "bsn", entries | {(BSN_PENDING, value) for name, value in entries if name == BSN}
    if family_name and birth_date and normalise_family_name(family_name):
        # The query's own normalised form only: "Jansen" finds "van Jansen" and "Jansen-de Vries",
        # but "Jansen-de Vries" does not find every "Jansen".
        entries = person_index_entries(
            keyring, family_name=normalise_family_name(family_name), birth_date=birth_date, bsn=None
        )
        return "name_dob", {(name, value) for name, value in entries if name == NAME_DOB}  # never name alone
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


def match_identity(
    *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> tuple[str, list[Person]]:
    """Persons in the whole register with this BSN, or this family name and birth date, by blind index
    (only the few candidates are decrypted, to confirm). No scope and no audit: for break-the-glass,
    whose caller (``casebook.supervision.glass_search``) offers only cases it may open and audits.

    :raises SearchCriteriaError: neither a valid BSN nor a family name + birth date.
    """
    kind, entries = _criteria(bsn, family_name, birth_date)
    return kind, [p for p in _candidates(entries, scope=None) if _confirms(p, kind, bsn, family_name, birth_date)]


def require_search(user: User) -> None:
    """Check that ``user`` may search persons at all (the search page); audit a denial. :raises Refused:"""
    require_audited(user, Action.SEARCH_PERSONS)


def search_persons(
    user: User, *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> list[Person]:
    """Persons the user may see with this BSN, or with this family name (any variant) and birth date.

    Audited as ``person.search`` with the kind of search and the number of results only.

    :raises Refused: the user may not search persons.
    :raises BsnNotProcessed: a BSN from an organisation that may not process BSNs.
    :raises SearchCriteriaError: neither a valid BSN nor a family name + birth date.
    """
    require_search(user)
    require_bsn_processing(user, bsn)
    kind, entries = _criteria(bsn, family_name, birth_date)
    found = [
        person
        for person in _candidates(entries, scope=visible_persons(user))
        if _confirms(person, kind, bsn, family_name, birth_date)
    ]
    audit.record(user, str(Action.SEARCH_PERSONS), details={"kind": kind, "results": len(found)})
    return found


def check_register(
    user: User, *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> RegisterCheck:
    """Persons in the whole register that match a registration, split by what the caller may see.

    Looks beyond the caller's scope on purpose (a duplicate elsewhere is still a duplicate, and a
    BSN is registered once), but only ``visible`` matches may be shown or linked; ``hidden`` ones
    go to ``create_person`` (a pending BSN, a ``PersonMatch``). Audited as ``person.search`` (kind
    ``duplicate_check``) without values.

    :raises Refused: the user may not search persons.
    :raises BsnNotProcessed: a BSN from an organisation that may not process BSNs.
    """
    require_search(user)
    require_bsn_processing(user, bsn)
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
        visible = set(db.session.scalars(select(Person.id).where(Person.id.in_(found), visible_persons(user))))
    matches = [(DuplicateMatch(person, pid in by_bsn), pid in visible) for pid, person in sorted(found.items())]
    result = RegisterCheck(
        visible=[match for match, seen in matches if seen], hidden=[match for match, seen in matches if not seen]
    )
    audit.record(
        user,
        str(Action.SEARCH_PERSONS),
        details={"kind": "duplicate_check", "results": len(result.visible), "outside_scope": len(result.hidden)},
    )
    return result


def find_duplicates(
    user: User, *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> list[DuplicateMatch]:
    """The matches of a registration the caller may see (the only ones a caller is ever shown)."""
    return check_register(user, bsn=bsn, family_name=family_name, birth_date=birth_date).visible


@dataclass(frozen=True)
class PersonData:
    family_name: str
    birth_date: dt.date
    given_names: str | None = None
    bsn: str | None = None
    address: str | None = None
    phone: str | None = None


def _new_person(data: PersonData, *, pending: bool) -> Person:
    return Person(
        family_name=data.family_name,
        given_names=data.given_names or None,
        birth_date=data.birth_date,
        bsn=normalise_bsn(data.bsn) if data.bsn else None,
        bsn_pending=pending,
        address=data.address or None,
        phone=data.phone or None,
    )


def create_person(
    user: User, data: PersonData, check: RegisterCheck, *, case: Case | None = None, signal: object | None = None
) -> Person:
    """Write a new person after ``check_register``; record matches outside the caller's scope.

    The caller gets the person exactly as they typed it. When the register already holds the BSN
    for a hidden person, the BSN is kept pending (its own index) so the register's BSN index stays
    unique, and each hidden match becomes a ``PersonMatch`` for the ZVH ("mogelijk bekend"). A
    concurrent registration of the same new BSN is caught by the unique index (in a savepoint)
    and handled the same way, never as an error.
    """
    person = _new_person(data, pending=bool(data.bsn) and check.bsn_known_elsewhere)
    try:
        with db.session.begin_nested():
            db.session.add(person)
            db.session.flush()
    except IntegrityError:
        # Another registration took this BSN into the register after the check (the unique index
        # refused the second): register this one pending with a match, as for a hidden holder.
        if not data.bsn or check.bsn_known_elsewhere:
            raise
        holders = [
            DuplicateMatch(holder, by_bsn=True)
            for holder in _candidates({(BSN, value) for _name, value in _criteria(data.bsn, None, None)[1]}, scope=None)
            if _confirms(holder, "bsn", data.bsn, None, None)
        ]
        check = RegisterCheck(visible=check.visible, hidden=[*check.hidden, *holders])
        person = _new_person(data, pending=True)
        db.session.add(person)
        db.session.flush()
    context = {
        "case_id": case.id if case is not None else None,
        "signal_id": getattr(signal, "id", None),
        "case_type_id": case.case_type_id if case is not None else getattr(signal, "case_type_id", None),
        "created_by_id": user.id,
    }
    for match in check.hidden:
        db.session.add(
            PersonMatch(
                person_id=person.id,
                matched_person_id=match.person.id,
                kind="bsn" if match.by_bsn else "name_dob",
                **context,
            )
        )
    # a match the person model's own guard wrote (a BSN taken meanwhile) gets the same context
    guarded = list(
        db.session.scalars(
            select(PersonMatch).where(PersonMatch.person_id == person.id, PersonMatch.created_by_id.is_(None))
        )
    )
    for written in guarded:
        for key, value in context.items():
            setattr(written, key, value)
    if check.hidden or guarded:
        db.session.flush()
        audit.record(
            user,
            "person.match",
            person,
            case_id=case.id if case is not None else None,
            details={
                "by_number": sum(m.by_bsn for m in check.hidden) + len(guarded),
                "by_name_dob": sum(not m.by_bsn for m in check.hidden),
            },
            durable=True,
        )
    return person


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

    - ``use_existing``: the id of an offered match of *this* data — a person the caller may see
      (any other id, also of a hidden match, gets the answer of an id nobody registered).
    - A new person is registered when nothing visible matches, or when only visible name +
      birth-date matches exist and the user confirmed ``confirmed_new`` ("none of these is the
      same person"). A visible BSN match is never registered again; a hidden one is recorded
      (``create_person``) and not revealed.

    The blind indexes are written by the flush hook of ``Person``.

    :raises Refused: the user may not change this case or search persons.
    :raises BsnNotProcessed: a BSN from an organisation that may not process BSNs.
    :raises DuplicatesFound: persons the caller may see match; offer them.
    """
    require_audited(user, Action.UPDATE_CASE, case)
    check = check_register(user, bsn=data.bsn, family_name=data.family_name, birth_date=data.birth_date)
    matches = check.visible
    if use_existing is not None:
        chosen = next((m for m in matches if m.person.id == use_existing), None)
        if chosen is None:
            raise DuplicatesFound(matches)
        return _link(user, case, chosen.person, role, existing=True)
    if matches and (not confirmed_new or any(m.by_bsn for m in matches)):
        raise DuplicatesFound(matches)
    person = create_person(user, data, check, case=case)
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
    """The person if the policy lets ``user`` see them (``Action.VIEW_PERSON``); else audit and 404.

    :raises Refused: a ``NotFound``; out of scope and nonexistent look the same.
    """
    return load_or_404(user, Person, person_id, Action.VIEW_PERSON)


def cases_of_person(user: User, person: Person) -> list[tuple[Case, SubjectRole]]:
    """The person's cases that ``user`` may view, with the person's role; nothing about the others."""
    rows = db.session.execute(
        select(Case, CaseSubject.role)
        .join(CaseSubject, CaseSubject.case_id == Case.id)
        .where(CaseSubject.person_id == person.id, case_scope(user))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    ).all()
    return [(case, role) for case, role in rows]


def households_of_person(user: User, person: Person) -> list[tuple[Household, HouseholdRelation]]:
    """The person's households that ``user`` may open (``household_cases``: through a case they may
    list), with the person's relation; one statement, nothing about the others."""
    membership = aliased(HouseholdMember)  # the inner clause reads household_member itself
    visible_case = exists(select(Case.id).where(household_cases(user, membership.household_id)))
    rows = db.session.execute(
        select(Household, membership.relation)
        .join(membership, membership.household_id == Household.id)
        .where(membership.person_id == person.id, visible_case)
        .order_by(Household.reference)
    ).all()
    return [(household, relation) for household, relation in rows]


def reveal_bsn(user: User, person: Person) -> str | None:
    """The full BSN of a person, audited as ``person.bsn.reveal`` (durable).

    The policy decides (``Action.REVEAL_BSN``): a working role, an organisation that may process
    BSNs, a person the user may see. Re-authentication before the reveal is the caller's first
    step (see the hook in ``casebook.people.views``); this function is the single place the full
    BSN leaves the service layer.

    :raises Refused: the policy refuses (the denial is audited).
    """
    require_audited(user, Action.REVEAL_BSN, person)
    audit.record(user, str(Action.REVEAL_BSN), person, durable=True)
    return person.bsn
