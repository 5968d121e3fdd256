"""Forming a household: from a case, then adding and removing members with their relation.

The policy decides who (``Action.CREATE_HOUSEHOLD`` on the case, ``Action.MANAGE_HOUSEHOLD_MEMBERS``
on the household: who manages the participants of one of its visible cases). A member is chosen
from the subjects of the household's cases the user may see, so the member list never reaches a
person outside the user's scope, and an id typed by hand that is not among them is refused like
an unknown one. Every change names the version it was made from (optimistic locking) and is
audited with ids and the relation only, never a name.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import Action, deny, require_audited
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.cases.lifecycle import check_version, require_open
from casebook.cases.models import Case
from casebook.db import db
from casebook.errors import Conflict
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, Person


class HouseholdExists(Conflict):
    """The case already belongs to a household: nothing was written."""


class StaleHousehold(Conflict):
    """The member list changed after the form was loaded: nothing was written."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"household changed; now at version {current_version}")
        self.current_version = current_version


def _next_reference() -> str:
    """``HH-NNNNN``: the next free number (a concurrent form that took it first is retried once)."""
    count = db.session.scalar(select(func.count()).select_from(Household)) or 0
    number = count + 1
    while db.session.scalar(select(Household.id).where(Household.reference == f"HH-{number:05d}")) is not None:
        number += 1
    return f"HH-{number:05d}"


def create_household(case: Case, *, by: User, expected_version: int | None) -> Household:
    """Form the household of ``case`` (in the case's wijk) from the case version the user saw.

    :raises Refused: ``by`` does not manage the case's participants (audited).
    :raises StaleCase: the case changed since ``expected_version``.
    :raises HouseholdExists: the case already has a household.
    """
    require_audited(by, Action.CREATE_HOUSEHOLD, case)
    require_open(case)
    check_version(case, expected_version)
    if case.household_id is not None:
        raise HouseholdExists(str(_l("Deze casus hoort al bij een huishouden.")))
    for attempt in range(2):
        savepoint = db.session.begin_nested()
        try:
            household = Household(reference=_next_reference(), district_id=case.district_id)
            db.session.add(household)
            db.session.flush()
            case.household = household
            db.session.flush()
        except IntegrityError:
            savepoint.rollback()
            if attempt:
                raise
            continue
        savepoint.commit()
        break
    audit.record(by, "household.create", household, case_id=case.id, details={"reference": household.reference})
    return household


def member_candidates(household: Household, cases: list[Case]) -> list[Person]:
    """Subjects of the household's visible cases who are not members yet, in the order first seen."""
    members = {m.person_id for m in household.members}
    found: dict[int, Person] = {}
    for case in cases:
        for subject in sorted(case.subjects, key=lambda s: s.id):
            if subject.person_id not in members:
                found.setdefault(subject.person_id, subject.person)
    return list(found.values())


def _check_version(household: Household, expected_version: int | None) -> None:
    if expected_version is None or expected_version != household.version:
        raise StaleHousehold(household.version)


def _flush_member_change(household: Household) -> None:
    household.version += 1  # the member list is not a household column: its version says it changed
    savepoint = db.session.begin_nested()
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        savepoint.rollback()
        db.session.expire(household)
        raise StaleHousehold(db.session.get(Household, household.id).version) from None
    savepoint.commit()


def add_member(
    household: Household,
    cases: list[Case],
    *,
    by: User,
    person_id: int | None,
    relation: str | None,
    expected_version: int | None,
) -> HouseholdMember:
    """Add a subject of one of the household's visible cases as a member with their relation.

    :raises Refused: (audited) :raises StaleHousehold: :raises CaseRuleError: on ``person`` or ``relation``.
    """
    require_audited(by, Action.MANAGE_HOUSEHOLD_MEMBERS, household)
    _check_version(household, expected_version)
    person = next((p for p in member_candidates(household, cases) if p.id == person_id), None)
    if person is None:
        raise CaseRuleError(_l("Kies een betrokkene van een casus van dit huishouden."), "person")
    try:
        chosen = HouseholdRelation(relation or "")
    except ValueError:
        raise CaseRuleError(_l("Kies de relatie binnen het huishouden."), "relation") from None
    member = HouseholdMember(household=household, person=person, relation=chosen)
    db.session.add(member)
    _flush_member_change(household)
    audit.record(
        by,
        "household.member.add",
        household,
        details={
            "member_id": member.id,
            "person_id": person.id,
            "relation": chosen.value,
            "version": household.version,
        },
    )
    return member


def load_member(user: User, household: Household, member_id: int) -> HouseholdMember:
    """A member of ``household`` or an audited 404 (another household's member looks like none)."""
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.household_id != household.id:
        raise deny(user, "household.member.view", household, requested_id=member_id)
    return member


def remove_member(household: Household, member: HouseholdMember, *, by: User, expected_version: int | None) -> None:
    """Take a member out of the household (the person and their cases stay).

    :raises Refused: (audited) :raises StaleHousehold:
    """
    require_audited(by, Action.MANAGE_HOUSEHOLD_MEMBERS, household)
    _check_version(household, expected_version)
    details = {"member_id": member.id, "person_id": member.person_id, "relation": member.relation.value}
    household.members.remove(member)
    _flush_member_change(household)
    audit.record(by, "household.member.remove", household, details={**details, "version": household.version})
