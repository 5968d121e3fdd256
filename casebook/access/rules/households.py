"""Rules for households (gezinnen): who sees a household, which of its members, who names its regisseur.

- A household exists for a user only through a case they may list: a case of the household, or
  a case one of its members is a subject of. Otherwise its page is a 404, like a household that
  does not exist.
- Of its members the user sees those they may see as persons (``persons.person_visibility``: a
  subject of a case they may list) — and, when a case they may list is the household's own case
  (the family's plan: "1 gezin, 1 plan"), all its members. A household reached only through one
  member's case lists only the members the user may see; a member known only in hidden cases is
  not listed then, and nothing says that there are more. Per member only visible cases are shown.
- A household is formed on a case that has none, by whoever manages that case's participants; its
  members are added and removed by whoever may name its regisseur (below). A member is always a
  person the user may see (a subject of one of the household's visible cases), so adding one never
  reveals or reaches a person outside the user's scope.
- The household's one procesregisseur ("1 gezin, 1 plan, 1 regisseur") is set by whoever manages
  the participants of one of its visible cases, and must be a coordinator
  (``Action.COORDINATE_HOUSEHOLD``, asked of the candidate) of a lead organisation of those cases.

``household_cases`` is the SQL twin: the services list the household's cases with it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.cases import case_rule
from casebook.access.rules.persons import person_visibility
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import case_scope
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject
from casebook.db import db
from casebook.people.models import Household, HouseholdMember


def household_cases(user: Any, household_id: Any) -> ColumnElement[bool]:
    """A WHERE clause on ``Case``: the cases of the household (or of its members) ``user`` may list."""
    members = select(HouseholdMember.person_id).where(HouseholdMember.household_id == household_id)
    of_members = select(CaseSubject.case_id).where(CaseSubject.person_id.in_(members))
    return and_(case_scope(user), or_(Case.household_id == household_id, Case.id.in_(of_members)))


def visible_members(user: Any, household_id: Any) -> ColumnElement[bool]:
    """A WHERE clause on ``HouseholdMember``: the members of the household ``user`` may see."""
    own_case = exists(select(Case.id).where(Case.household_id == household_id, case_scope(user)))
    return and_(
        HouseholdMember.household_id == household_id,
        or_(own_case, person_visibility(user, HouseholdMember.person_id)),
    )


def _has_visible_case(user: User, household: Household) -> bool:
    return bool(db.session.scalar(select(exists(select(Case.id).where(household_cases(user, household.id))))))


@rule(Action.VIEW_HOUSEHOLD)
def view_household_rule(user: User, action: Action, household: Any) -> bool:
    if household is None:
        return roles_allow(user, action)
    return isinstance(household, Household) and roles_allow(user, action) and _has_visible_case(user, household)


@rule(Action.SET_HOUSEHOLD_COORDINATOR)
def set_household_coordinator_rule(user: User, action: Action, household: Any) -> bool:
    """Who manages the participants of one of the household's visible cases."""
    if not isinstance(household, Household):
        return False
    cases = db.session.scalars(select(Case).where(household_cases(user, household.id)))
    return any(case_rule(user, Action.MANAGE_PARTICIPANTS, case) for case in cases)


@rule(Action.MANAGE_HOUSEHOLD_MEMBERS)
def manage_household_members_rule(user: User, action: Action, household: Any) -> bool:
    """As naming the regisseur: who manages the participants of one of the household's visible cases."""
    return set_household_coordinator_rule(user, Action.SET_HOUSEHOLD_COORDINATOR, household)


@rule(Action.CREATE_HOUSEHOLD)
def create_household_rule(user: User, action: Action, case: Any) -> bool:
    """On a case: who manages the case's participants forms its household (the service refuses a second one)."""
    return isinstance(case, Case) and case_rule(user, Action.MANAGE_PARTICIPANTS, case)


@rule(Action.COORDINATE_HOUSEHOLD)
def coordinate_household_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and roles_allow(user, action)
