"""The lists behind My work's tiles: every row, paged, the tile's count their total; actions with
their (audited) text and case, in two groups; "mine" as ``casebook.work.mine`` defines it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.auth.models import Role
from casebook.cases import lifecycle
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.meetings import services as meetings
from casebook.pagination import PageRequest
from casebook.plans.models import CasePlan
from casebook.work import lists
from casebook.work import services as work
from tests.factories import (
    authorise_user,
    login_as,
    make_action,
    make_case,
    make_meeting,
    make_org,
    make_results,
    make_user,
)
from tests.helpers import last_event

TODAY = date.today()


@pytest.fixture
def zvh():
    return make_org("zvh-lists")


@pytest.fixture
def worker(zvh):
    return make_user(org=zvh, roles=[Role.CASEWORKER])


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def _widgets(user):
    return {w.key: w for w in work.my_work(user, TODAY)}


def test_a_casusregisseur_finds_the_case_under_mijn_casussen(zvh, worker):
    case = make_case(lead=zvh)
    make_case(lead=zvh)  # the organisation's, not theirs
    db.session.add(CasePlan(case=case, case_manager_id=worker.id))
    db.session.flush()
    widget = _widgets(worker)["my_cases"]
    assert widget.count == 1 and widget.items[0].label.startswith(case.reference)
    assert widget.more_url == "/cases?mine=1"


def test_an_action_owner_finds_its_case_and_the_actions_text(client, zvh, worker):
    case = make_case(lead=zvh)
    make_action(case, worker, TODAY + timedelta(days=3), owner_user=worker, description="Bel de school", today=TODAY)
    make_action(case, worker, TODAY + timedelta(days=4), description="Huisbezoek plannen", today=TODAY)
    widgets = _widgets(worker)
    assert widgets["my_cases"].count == 1
    actions = widgets["plan_actions"]
    assert actions.count == 2
    assert actions.items[0].label == f"Bel de school · {case.reference}" and "niet toegewezen" in actions.items[1].note
    assert [link.url for link in actions.links] == ["/work/actions?group=mine", "/work/actions?group=organisation"]
    assert last_event("plan.action.list", actor_user_id=worker.id).details["group"] == "both"
    login_as(client, worker)
    mine_page = client.get("/work/actions").get_data(as_text=True)
    assert "Bel de school" in mine_page and "Huisbezoek plannen" not in mine_page and case.reference in mine_page
    organisation_page = client.get("/work/actions?group=organisation").get_data(as_text=True)
    assert "Huisbezoek plannen" in organisation_page and "Bel de school" not in organisation_page
    assert client.get("/work/actions?group=nonsense").status_code == 200  # falls back to mine
    event = last_event("plan.action.list", actor_user_id=worker.id)
    assert event.details["group"] == "mine" and "Bel" not in str(event.details)


def test_no_action_of_a_case_out_of_scope_and_no_text_for_a_supervisor(zvh, worker):
    hidden = make_case(lead=zvh, confidentiality=Confidentiality.GEHEIM)
    insider = make_user(org=zvh, roles=[Role.CASEWORKER])
    authorise_user(insider, hidden.case_type, max_confidentiality=Confidentiality.GEHEIM)
    make_action(hidden, insider, TODAY + timedelta(days=2), description="Geheim", today=TODAY)
    page = lists.my_actions(worker, lists.ActionGroup.ORGANISATION, PageRequest(per_page=10), TODAY)
    assert page.items == [] and lists.action_counts(worker, TODAY).organisation == 0
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    assert lists.action_counts(supervisor, TODAY).total == 0 and "plan_actions" not in _widgets(supervisor)


@pytest.mark.parametrize("url", ["/work/actions", "/work/actions?group=organisation", "/work/evaluations"])
def test_each_list_is_paged_past_the_ten_a_tile_shows(app, client, zvh, worker, monkeypatch, url):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 12)
    for i in range(13):
        case = make_case(lead=zvh)
        case.process_coordinator = worker
        case.next_evaluation_on = TODAY + timedelta(days=1)
        owner = worker if "organisation" not in url else None
        make_action(case, worker, TODAY + timedelta(days=i + 1), owner_user=owner, today=TODAY)
    login_as(client, worker)
    first = client.get(url)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.count("/cases/") >= 12 and 'rel="next"' in html and "13 " in html


def test_closures_page_lists_what_the_supervisor_may_approve(client, zvh):
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    case = make_case(lead=zvh)
    make_results(case.case_type)
    db.session.flush()
    lifecycle.transition(case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=case.version)
    lifecycle.propose_closure(
        case, lifecycle.results_for(case)[0].id, "Klaar.", by=coordinator, expected_version=case.version
    )
    widget = _widgets(supervisor)["closures"]
    assert widget.count == 1 and widget.more_url == "/work/closures"
    login_as(client, supervisor)
    assert case.reference in client.get("/work/closures").get_data(as_text=True)
    assert last_event("case.list", actor_user_id=supervisor.id).details["view"] == "closures"


def test_lists_refuse_who_has_no_such_work(app, zvh):
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    caseworker = make_user(org=zvh, roles=[Role.CASEWORKER])
    for user, url in ((supervisor, "/work/actions"), (supervisor, "/work/evaluations"), (caseworker, "/work/closures")):
        assert login_as(app.test_client(), user).get(url).status_code == 404, url


def test_coming_meetings_with_my_cases_on_the_agenda(zvh):
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    mine = make_case(lead=zvh)
    mine.process_coordinator = coordinator
    other = make_case(lead=zvh)
    coming = make_meeting(coordinator, TODAY + timedelta(days=5), title="Casusoverleg Noord")
    meetings.add_to_agenda(coming, by=coordinator, reference=mine.reference)
    not_mine = make_meeting(coordinator, TODAY + timedelta(days=6), title="Casusoverleg West")
    meetings.add_to_agenda(not_mine, by=coordinator, reference=other.reference)
    past = make_meeting(coordinator, TODAY - timedelta(days=6), title="Casusoverleg oud")
    db.session.add(past)
    db.session.flush()
    widget = _widgets(coordinator)["my_meetings"]
    assert widget.count == 1 and widget.items[0].url == f"/meetings/{coming.id}"
    assert widget.more_url == "/meetings"


def test_closures_a_supervisor_may_not_approve_are_neither_counted_nor_listed(client, zvh):
    """An authorisation that lets a supervisor see a case type but not approve its closures: the
    tile, the page's total and its rows agree (none), as the policy says."""
    from casebook.access.scope import AUTHORISABLE_ACTIONS
    from casebook.cases.models import Case
    from tests.factories import authorise_roles, make_case_type

    kind = make_case_type("seen_not_approved", authorise=False)
    authorise_roles(kind, roles=[Role.CASEWORKER, Role.COORDINATOR])
    authorise_roles(
        kind, roles=[Role.SUPERVISOR], actions=[a for a in AUTHORISABLE_ACTIONS if a != "case.close.approve"]
    )
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    case = make_case(lead=zvh, type="seen_not_approved")
    make_results(case.case_type)
    # the fallback approver of this type's closings: a gemeente supervisor authorised by name
    from casebook.organisations.models import OrganisationKind
    from tests.factories import authorise_user, make_org

    authorise_user(
        make_user(org=make_org("gemeente-sup", kind=OrganisationKind.MUNICIPALITY), roles=[Role.SUPERVISOR]), kind
    )
    lifecycle.transition(case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=case.version)
    lifecycle.propose_closure(
        case, lifecycle.results_for(case)[0].id, "Klaar.", by=coordinator, expected_version=case.version
    )
    db.session.commit()
    assert db.session.get(Case, case.id).closure_proposed_at is not None
    assert _widgets(supervisor)["closures"].count == 0
    page = lists.closures_to_approve(supervisor, PageRequest(per_page=20))
    assert page.items == [] and page.total == 0
    login_as(client, supervisor)
    assert case.reference not in client.get("/work/closures").get_data(as_text=True)
