"""The authorisation matrix for forming households, as a table: role × relation of the user's
organisation to the case → may form its household (``household.create``), may add and remove its
members (``household.members``). Lead: the case's regiehouder; contributor: a writing participant;
none: no part in it. Only who manages the participants (a coordinator of the lead) forms and changes."""

from __future__ import annotations

import itertools

import pytest

from casebook.access import Action, can
from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.people.models import Household
from tests.factories import make_case, make_org, make_user

ROLES = ("caseworker", "coordinator", "supervisor", "admin")
RELATIONS = ("lead", "contributor", "none")
ALLOWED = {("coordinator", "lead")}


@pytest.mark.parametrize(("role", "relation"), list(itertools.product(ROLES, RELATIONS)))
def test_household_forming_matrix(role, relation):
    lead, contributor, other = make_org("lead-hf"), make_org("contrib-hf"), make_org("other-hf")
    case = make_case(lead=lead, participants=[(contributor, Involvement.CONTRIBUTOR)])
    org = {"lead": lead, "contributor": contributor, "none": other}[relation]
    user = make_user(org=org, roles=[Role(role)])
    allowed = (role, relation) in ALLOWED
    assert can(user, Action.CREATE_HOUSEHOLD, case) is allowed
    household = Household(reference="HH-M-1")
    db.session.add(household)
    case.household = household
    db.session.flush()
    assert can(user, Action.MANAGE_HOUSEHOLD_MEMBERS, household) is allowed
    # forming needs a case, managing members a household: nothing else passes
    assert not can(user, Action.CREATE_HOUSEHOLD, household)
    assert not can(user, Action.MANAGE_HOUSEHOLD_MEMBERS, case)
