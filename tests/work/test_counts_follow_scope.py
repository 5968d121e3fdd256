"""Every count on My work is the length of the list it names, and names only what the user may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.access.scope import AUTHORISABLE_ACTIONS
from casebook.auth.models import Role
from casebook.cases import lifecycle
from casebook.cases.models import CaseParticipant, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.plans import work as plan_work
from casebook.work import services as work
from tests.factories import (
    authorise_roles,
    authorise_user,
    make_action,
    make_case,
    make_case_type,
    make_org,
    make_results,
    make_user,
)

TODAY = date.today()


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.fixture
def zvh():
    return make_org("zvh")


def _widgets(user):
    return {w.key: w for w in work.my_work(user, TODAY)}


def _references(widget):
    return {item.label.split(" · ")[0] for item in widget.items}


def test_my_cases_and_evaluations_count_only_cases_the_user_may_see(zvh):
    worker = make_user(org=zvh, roles=[Role.CASEWORKER])
    seen = make_case(lead=zvh)
    hidden = make_case(lead=zvh, confidentiality=Confidentiality.GEHEIM)  # above the user's maximum
    for case in (seen, hidden):
        case.participants.append(CaseParticipant(organisation=zvh, user=worker, involvement=Involvement.CONTRIBUTOR))
        case.next_evaluation_on = TODAY + timedelta(days=1)
    db.session.flush()
    widgets = _widgets(worker)
    for key in ("my_cases", "evaluations_due"):
        assert widgets[key].count == len(widgets[key].items) == 1, key
        assert _references(widgets[key]) == {seen.reference}, key


def test_my_actions_count_the_visible_list_and_no_action_of_a_hidden_case(zvh):
    worker = make_user(org=zvh, roles=[Role.CASEWORKER])
    insider = make_user(org=zvh, roles=[Role.CASEWORKER])
    seen = make_case(lead=zvh)
    hidden = make_case(lead=zvh, confidentiality=Confidentiality.GEHEIM)
    authorise_user(insider, hidden.case_type, max_confidentiality=Confidentiality.GEHEIM)
    for _ in range(plan_work.SHOWN + 2):  # more than the widget shows: the count is still all of them
        make_action(seen, insider, TODAY + timedelta(days=2), today=TODAY)
    make_action(seen, insider, TODAY - timedelta(days=1))  # overdue
    make_action(hidden, insider, TODAY - timedelta(days=1))  # the worker's organisation owns it; hidden
    widget = _widgets(worker)["plan_actions"]
    assert widget.count == plan_work.SHOWN + 3 and widget.flagged_count == 1
    assert len(widget.items) == plan_work.SHOWN and all(item.label.endswith(seen.reference) for item in widget.items)


def test_closures_count_only_proposals_the_supervisor_may_decide(zvh):
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    decidable = make_case(lead=zvh)
    other_type = make_case_type("housing_nuisance", authorise=False)
    authorise_roles(other_type, roles=[Role.CASEWORKER, Role.COORDINATOR])
    # the supervisor sees cases of this type but may not approve their closing
    authorise_roles(other_type, roles=[Role.SUPERVISOR], actions=AUTHORISABLE_ACTIONS - {"case.close.approve"})
    not_theirs = make_case(lead=zvh, type="housing_nuisance")
    # the fallback approver of that type's closings is a gemeente supervisor authorised by name
    gemeente = make_org("gemeente-sup", kind=OrganisationKind.MUNICIPALITY)
    authorise_user(make_user(org=gemeente, roles=[Role.SUPERVISOR]), other_type)
    for case in (decidable, not_theirs):
        make_results(case.case_type)
        result = lifecycle.results_for(case)[0].id
        lifecycle.transition(
            case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=case.version
        )
        lifecycle.propose_closure(case, result, "Klaar.", by=coordinator, expected_version=case.version)
    widget = _widgets(supervisor)["closures"]
    assert widget.count == len(widget.items) == 1
    assert _references(widget) == {decidable.reference}


def test_widgets_follow_the_policy_not_roles_of_their_own(zvh):
    assert set(_widgets(make_user(org=zvh, roles=[Role.ADMIN]))) == set()
    assert "my_cases" not in _widgets(make_user(org=zvh, roles=[Role.SUPERVISOR]))
    assert "closures" not in _widgets(make_user(org=zvh, roles=[Role.CASEWORKER]))
