"""Who may decide a pending closure, as a table: the deciding organisation (the lead's supervisors,
else the configured fallback: ZVH, then gemeente) × role → see the case / decide the proposal.

The case: led by wijkteam West after a transfer (West has no supervisor), the ZVH an observer,
the police a contributor, the gemeente not taking part. The proposal is West's coordinator's.
Each cell asks the policy (``can``) and the SQL scope (``case_scope``), which must agree.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.access import Action, can, case_scope
from casebook.auth.models import Role
from casebook.cases import lifecycle
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from tests.factories import make_case, make_org, make_results, make_user, status_of

ORGS = {
    "zvh": OrganisationKind.ZVH,
    "west": OrganisationKind.WIJKTEAM,
    "police": OrganisationKind.POLICE,
    "gemeente": OrganisationKind.MUNICIPALITY,
}

# (who, with a ZVH supervisor present?) → (sees the case, may decide)
DECIDERS = {
    # the ZVH has a supervisor: the ZVH decides
    (("zvh", Role.SUPERVISOR), True): (True, True),
    (("zvh", Role.COORDINATOR), True): (True, False),
    (("west", Role.COORDINATOR), True): (True, False),  # the proposer's organisation leads, has no supervisor
    (("police", Role.SUPERVISOR), True): (True, False),  # takes part, is not the deciding organisation
    (("gemeente", Role.SUPERVISOR), True): (False, False),
    (("gemeente", Role.COORDINATOR), True): (False, False),
    (("gemeente", Role.ADMIN), True): (False, False),
    # no supervisor at the ZVH: the gemeente decides, and sees the case while the proposal waits
    (("gemeente", Role.SUPERVISOR), False): (True, True),
    (("gemeente", Role.COORDINATOR), False): (False, False),
    (("police", Role.SUPERVISOR), False): (True, False),
    (("zvh", Role.COORDINATOR), False): (True, False),
}


@pytest.fixture
def world():
    orgs = {slug: make_org(f"m-{slug}", kind=kind, name=slug.title()) for slug, kind in ORGS.items()}
    proposer = make_user(org=orgs["west"], roles=[Role.COORDINATOR])
    case = make_case(
        lead=orgs["west"],
        participants=[(orgs["zvh"], Involvement.OBSERVER), (orgs["police"], Involvement.CONTRIBUTOR)],
    )
    make_results(case.case_type)
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=proposer, expected_version=1)
    make_user(org=orgs["gemeente"], roles=[Role.SUPERVISOR])  # the last fallback always has one
    return orgs, proposer, case


def _in_scope(user, case) -> bool:
    return db.session.scalar(select(Case.id).where(Case.id == case.id, case_scope(user))) is not None


@pytest.mark.parametrize(("cell", "allowed"), list(DECIDERS.items()), ids=lambda v: str(v))
def test_who_may_decide_a_pending_closure(world, cell, allowed):
    orgs, proposer, case = world
    (org, role), zvh_has_supervisor = cell
    if zvh_has_supervisor:
        make_user(org=orgs["zvh"], roles=[Role.SUPERVISOR])
    user = make_user(org=orgs[org], roles=[role])
    result = lifecycle.results_for(case)[0].id
    lifecycle.propose_closure(case, result, "Klaar.", by=proposer, expected_version=case.version)
    sees, decides = allowed
    assert can(user, Action.VIEW_CASE, case) is sees
    assert _in_scope(user, case) is sees
    assert can(user, Action.APPROVE_CLOSURE, case) is decides


def test_the_proposer_holding_both_roles_is_refused_by_the_service_not_the_table(world):
    orgs, _proposer, case = world
    both = make_user(org=orgs["west"], roles=[Role.COORDINATOR, Role.SUPERVISOR])
    lifecycle.propose_closure(case, lifecycle.results_for(case)[0].id, "Klaar.", by=both, expected_version=case.version)
    assert case.closure_approver_organisation_id == orgs["gemeente"].id  # West's only supervisor proposed
    assert not can(both, Action.APPROVE_CLOSURE, case)
