"""The completion rule as a table: who may mark a plan action done (``COMPLETE_PLAN_ACTION``).

The action is owned by the wijkteam on a case led by the ZVH (the police contributes, the GGZ
observes). Only a writing participant of the owner organisation, or the case's procesregisseur,
completes it; any other writer of the plan is refused, and so is everyone outside it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.access import Action, can
from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.organisations.models import OrganisationKind
from tests.factories import make_action, make_case, make_goal, make_org, make_user

CASES = [
    # (who, organisation, roles, may complete)
    ("caseworker of the owner organisation", "west", [Role.CASEWORKER], True),
    ("coordinator of the owner organisation", "west", [Role.COORDINATOR], True),
    ("procesregisseur of the lead organisation", "zvh-pr", [Role.COORDINATOR], True),
    ("another coordinator of the lead organisation", "zvh", [Role.COORDINATOR], False),
    ("caseworker of a contributing organisation", "police", [Role.CASEWORKER], False),
    ("supervisor of the owner organisation", "west", [Role.SUPERVISOR], False),
    ("caseworker of an observing organisation", "ggz", [Role.CASEWORKER], False),
    ("caseworker of an organisation not on the case", "other", [Role.CASEWORKER], False),
    ("admin of the owner organisation", "west", [Role.ADMIN], False),
]


@pytest.fixture
def world():
    zvh = make_org("zvh", kind=OrganisationKind.ZVH)
    west = make_org("wijkteam-west", kind=OrganisationKind.WIJKTEAM)
    police = make_org("politie", kind=OrganisationKind.POLICE)
    ggz = make_org("ggz", kind=OrganisationKind.MENTAL_HEALTH)
    other = make_org("elders", kind=OrganisationKind.WIJKTEAM)
    coordinator = make_user("zvh.pr", zvh, [Role.COORDINATOR])
    case = make_case(
        lead=zvh,
        participants=[
            (west, Involvement.CONTRIBUTOR),
            (police, Involvement.CONTRIBUTOR),
            (ggz, Involvement.OBSERVER),
        ],
    )
    case.process_coordinator = coordinator
    today = date.today()
    action = make_action(case, coordinator, today + timedelta(days=5), owner=west, today=today)
    return {
        "case": case,
        "action": action,
        "coordinator": coordinator,
        "orgs": {"zvh": zvh, "west": west, "police": police, "ggz": ggz, "other": other},
    }


@pytest.mark.parametrize(("who", "org", "roles", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_who_may_complete_an_action(world, who, org, roles, allowed):
    user = world["coordinator"] if org == "zvh-pr" else make_user(org=world["orgs"][org], roles=roles)
    assert can(user, Action.COMPLETE_PLAN_ACTION, world["action"]) is allowed


def test_the_rule_is_about_actions_only(world):
    user = make_user(org=world["orgs"]["west"], roles=[Role.CASEWORKER])
    assert not can(user, Action.COMPLETE_PLAN_ACTION, world["case"])
    assert not can(user, Action.COMPLETE_PLAN_ACTION, make_goal(world["case"], world["coordinator"]))
    assert can(user, Action.COMPLETE_PLAN_ACTION)  # without an object: workers on cases may, somewhere
    assert not can(make_user(org=world["orgs"]["west"], roles=[Role.SUPERVISOR]), Action.COMPLETE_PLAN_ACTION)
