"""Household page rules: who sees a household, which of its cases, and its one procesregisseur.

A household exists for a user only through a case they may see (a case of the household, or a
case of one of its members). Per member only visible cases are listed: nothing is said about
other cases, not even how many there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from casebook import audit
from casebook.access import AccessDenied, Action, can, case_scope
from casebook.audit import Outcome
from casebook.auth.models import Role, User
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import Case, CaseSubject
from casebook.db import db, utcnow
from casebook.households.models import HouseholdCoordination
from casebook.people.models import Household, HouseholdMember


def _member_ids(household: Household) -> list[int]:
    return [m.person_id for m in household.members]


def visible_cases(user: User, household: Household) -> list[Case]:
    """Cases of the household or of its members that ``user`` may see, newest first."""
    member_ids = _member_ids(household)
    of_members = select(CaseSubject.case_id).where(CaseSubject.person_id.in_(member_ids))
    query = (
        select(Case)
        .where(case_scope(user), or_(Case.household_id == household.id, Case.id.in_(of_members)))
        .options(selectinload(Case.subjects), selectinload(Case.participants))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    )
    return list(db.session.scalars(query).unique())


def load_household_for(user: User, household_id: int) -> tuple[Household, list[Case]]:
    """The household and the viewer's visible cases of it; 404 (audited) without any.

    :raises AccessDenied: nonexistent, or no visible case links the user to it.
    """
    household = db.session.scalar(
        select(Household)
        .where(Household.id == household_id)
        .options(selectinload(Household.members).joinedload(HouseholdMember.person))
    )
    cases = visible_cases(user, household) if household is not None else []
    if household is None or not cases:
        audit.record(user, "household.view", outcome=Outcome.DENIED, details={"requested_id": str(household_id)})
        raise AccessDenied()
    audit.record(user, "household.view", household, details={"visible_cases": len(cases)})
    return household, cases


@dataclass(frozen=True)
class MemberView:
    member: HouseholdMember
    cases: list[Case]


def members_with_cases(household: Household, cases: list[Case]) -> list[MemberView]:
    by_person: dict[int, list[Case]] = {}
    for case in cases:
        for subject in case.subjects:
            by_person.setdefault(subject.person_id, []).append(case)
    return [MemberView(member=m, cases=by_person.get(m.person_id, [])) for m in household.members]


def coordination_of(household_id: int) -> HouseholdCoordination | None:
    return db.session.scalar(select(HouseholdCoordination).where(HouseholdCoordination.household_id == household_id))


def coordinator_choices(cases: list[Case]) -> list[User]:
    """Active coordinators of the lead organisations of the household's (visible) cases."""
    lead_ids = {c.lead_organisation_id for c in cases}
    users = db.session.scalars(
        select(User).where(User.organisation_id.in_(lead_ids), User.active).order_by(User.display_name)
    )
    return [u for u in users if u.has_role(Role.COORDINATOR)]


def may_set_coordinator(user: User, cases: list[Case]) -> bool:
    return any(can(user, Action.MANAGE_PARTICIPANTS, c) for c in cases)


def set_coordinator(
    household: Household, cases: list[Case], coordinator_id: int | None, *, by: User
) -> HouseholdCoordination:
    """Name the household's one procesregisseur ("1 gezin, 1 plan, 1 regisseur").

    :raises AccessDenied: ``by`` directs none of the household's cases.
    :raises CaseRuleError: the chosen user is not a coordinator of a lead organisation of its cases.
    """
    if not may_set_coordinator(by, cases):
        raise AccessDenied()
    coordinator = next((u for u in coordinator_choices(cases) if u.id == coordinator_id), None)
    if coordinator is None:
        raise CaseRuleError(
            _l("Kies een procesregisseur van een regiehouder van de casussen van dit huishouden."), "coordinator"
        )
    row = coordination_of(household.id)
    previous = row.process_coordinator_id if row else None
    if row is None:
        row = HouseholdCoordination(household=household, process_coordinator=coordinator, set_by=by)
        db.session.add(row)
    else:
        row.process_coordinator = coordinator
        row.set_by = by
        row.set_at = utcnow()
    db.session.flush()
    audit.record(by, "household.coordinator", household, details={"coordinator": coordinator.id, "previous": previous})
    return row
