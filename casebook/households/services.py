"""The household page: the viewer's visible cases of a household, its visible members, its one procesregisseur.

The rules are the policy's (``casebook.access.rules.households``): a household exists for a user
only through a case they may list (else 404), its members are listed only when the viewer may see
them as persons (through a visible case), and per member only visible cases are listed — nothing
is said about other members or cases, not even how many there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import (
    Action,
    can,
    household_cases,
    load_or_404,
    person_visibility,
    prime_grants,
    require_audited,
    visible_members,
)
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import Case
from casebook.db import db, utcnow
from casebook.errors import Conflict
from casebook.households.models import HouseholdCoordination
from casebook.people.models import Household, HouseholdMember


def visible_cases(user: User, household: Household) -> list[Case]:
    """Cases of the household or of its members that ``user`` may see, newest first."""
    query = (
        select(Case)
        .where(household_cases(user, household.id))
        .options(selectinload(Case.subjects), selectinload(Case.participants))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    )
    return list(db.session.scalars(query).unique())


def load_household_for(user: User, household_id: int) -> tuple[Household, list[Case]]:
    """The household and the viewer's visible cases of it; 404 (audited) when the policy refuses.

    :raises Refused: nonexistent, or no visible case links the user to it.
    """
    household = load_or_404(
        user,
        Household,
        household_id,
        Action.VIEW_HOUSEHOLD,
        options=(selectinload(Household.members).joinedload(HouseholdMember.person),),
        audit_read=False,
    )
    cases = visible_cases(user, household)
    audit.record(user, str(Action.VIEW_HOUSEHOLD), household, details={"visible_cases": len(cases)})
    return household, cases


@dataclass(frozen=True)
class MemberView:
    member: HouseholdMember
    cases: list[Case]
    linked: bool = False  # the viewer may open the member's person page (the persons rule)


def members_with_cases(user: User, household: Household, cases: list[Case]) -> list[MemberView]:
    """The members ``user`` may see (the policy's ``visible_members``), each with their visible cases
    and whether their person page is open to the user (``person_visibility``, one statement for all)."""
    shown = set(db.session.scalars(select(HouseholdMember.id).where(visible_members(user, household.id))))
    linked = set(
        db.session.scalars(
            select(HouseholdMember.person_id).where(
                HouseholdMember.household_id == household.id, person_visibility(user, HouseholdMember.person_id)
            )
        )
    )
    by_person: dict[int, list[Case]] = {}
    for case in cases:
        for subject in case.subjects:
            by_person.setdefault(subject.person_id, []).append(case)
    return [
        MemberView(member=m, cases=by_person.get(m.person_id, []), linked=m.person_id in linked)
        for m in household.members
        if m.id in shown
    ]


def coordination_of(household_id: int) -> HouseholdCoordination | None:
    """The household's procesregisseur, named (one statement: the screens show the name, not the roles)."""
    return db.session.scalar(
        select(HouseholdCoordination)
        .where(HouseholdCoordination.household_id == household_id)
        .options(joinedload(HouseholdCoordination.process_coordinator).lazyload(User.role_rows))
    )


def coordinator_choices(cases: list[Case]) -> list[User]:
    """Users of the lead organisations of the household's (visible) cases who may coordinate it.

    The candidates with their roles in one statement, and their authorisations in one per case
    type (``prime_grants``), so the list costs the same for 5 coordinators as for 500."""
    lead_ids = {c.lead_organisation_id for c in cases}
    users = list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id.in_(lead_ids), User.active)
            .options(joinedload(User.role_rows))
            .order_by(User.display_name)
        ).unique()
    )
    for case_type_id in sorted({c.case_type_id for c in cases}):
        prime_grants(users, case_type_id)
    return [
        u
        for u in users
        if can(u, Action.COORDINATE_HOUSEHOLD)
        and any(c.lead_organisation_id == u.organisation_id and can(u, Action.TRANSITION_CASE, c) for c in cases)
    ]


def may_set_coordinator(user: User, household: Household) -> bool:
    return can(user, Action.SET_HOUSEHOLD_COORDINATOR, household)


class StaleCoordination(Conflict):
    """The household's procesregisseur changed after the form was loaded: nothing was written."""

    def __init__(self, current_version: int, current: HouseholdCoordination | None) -> None:
        super().__init__(f"household coordination changed; now at version {current_version}")
        self.current_version = current_version
        self.current = current


def coordination_version(row: HouseholdCoordination | None) -> int:
    """The version a form carries: 0 while the household has no procesregisseur yet."""
    return row.version if row is not None else 0


def set_coordinator(
    household: Household, cases: list[Case], coordinator_id: int | None, *, by: User, expected_version: int | None
) -> HouseholdCoordination:
    """Name the household's one procesregisseur ("1 gezin, 1 plan, 1 regisseur"), from the version
    of the choice the user saw (``coordination_version``): never a silent overwrite of another's.

    :raises Refused: ``by`` directs none of the household's cases (audited).
    :raises StaleCoordination: the choice changed since ``expected_version`` (nothing written).
    :raises CaseRuleError: the chosen user is not a coordinator of a lead organisation of its cases.
    """
    require_audited(by, Action.SET_HOUSEHOLD_COORDINATOR, household)
    row = coordination_of(household.id)
    if expected_version is None or expected_version != coordination_version(row):
        raise StaleCoordination(coordination_version(row), row)
    coordinator = next((u for u in coordinator_choices(cases) if u.id == coordinator_id), None)
    if coordinator is None:
        raise CaseRuleError(
            _l("Kies een procesregisseur van een regiehouder van de casussen van dit huishouden."), "coordinator"
        )
    previous = row.process_coordinator_id if row else None
    savepoint = db.session.begin_nested()
    try:
        if row is None:
            row = HouseholdCoordination(household=household, process_coordinator=coordinator, set_by=by)
            db.session.add(row)
        else:
            row.process_coordinator = coordinator
            row.set_by = by
            row.set_at = utcnow()
        db.session.flush()
    except (StaleDataError, IntegrityError):  # another writer won the race between check and write
        savepoint.rollback()
        db.session.expire_all()
        current = coordination_of(household.id)
        raise StaleCoordination(coordination_version(current), current) from None
    savepoint.commit()
    audit.record(
        by,
        "household.coordinator",
        household,
        details={"coordinator": coordinator.id, "previous": previous, "version": row.version},
    )
    return row
