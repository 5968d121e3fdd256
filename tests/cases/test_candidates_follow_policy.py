"""Who may be named procesregisseur or casusregisseur is the policy's answer, not a role filter."""

from __future__ import annotations

import pytest

from casebook.auth.models import Role
from casebook.cases import editing
from casebook.cases.models import Involvement
from casebook.plans import services as plans
from casebook.plans.services import PlanRefused
from tests.factories import authorise_user, make_case, make_case_type, make_org, make_user


@pytest.fixture
def restricted_case():
    """A restricted type: only the users authorised by name may work on it."""
    zvh, west = make_org("zvh"), make_org("wijkteam-west")
    case_type = make_case_type("radicalisation", restricted=True)
    case = make_case(lead=zvh, type="radicalisation", participants=[(west, Involvement.CONTRIBUTOR)])
    return case, case_type, zvh, west


def test_only_coordinators_who_may_direct_the_case_are_procesregisseur_candidates(restricted_case):
    case, case_type, zvh, _west = restricted_case
    authorised = make_user(org=zvh, roles=[Role.COORDINATOR])
    authorise_user(authorised, case_type)
    make_user(org=zvh, roles=[Role.COORDINATOR])  # not authorised for the type: cannot see the case
    make_user(org=zvh, roles=[Role.CASEWORKER])
    assert editing.coordinator_choices(case) == [authorised]


def test_only_workers_who_may_work_on_the_plan_are_casusregisseur_candidates(restricted_case):
    case, case_type, zvh, west = restricted_case
    lead = make_user(org=zvh, roles=[Role.COORDINATOR])
    authorise_user(lead, case_type)
    worker = make_user(org=west, roles=[Role.CASEWORKER])
    authorise_user(worker, case_type)
    blind = make_user(org=west, roles=[Role.CASEWORKER])  # no authorisation for the type
    make_user(org=west, roles=[Role.SUPERVISOR])
    assert set(plans.owner_users(case)) == {lead, worker}
    with pytest.raises(PlanRefused):
        plans.set_case_manager(case, by=lead, manager=blind, expected_version=case.version)
    assert plans.set_case_manager(case, by=lead, manager=worker, expected_version=case.version).case_manager is worker
