"""My work: the start page with counts per widget, and its extension point."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.cases import lifecycle
from casebook.cases.models import CaseParticipant, Involvement
from casebook.db import db, utcnow
from casebook.modules import contributions
from casebook.work import services as work
from casebook.work.extensions import WorkWidget, register_widget
from tests.factories import login_as, make_case, make_org, make_results, make_signal, make_user
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture(autouse=True)
def _request(app):
    """Widgets build links (url_for), as they do inside a request."""
    with app.test_request_context():
        yield


def test_root_shows_my_work_instead_of_redirecting(client):
    login_as(client, make_user())
    response = client.get("/")
    assert response.status_code == 200 and "Mijn werk" in response.get_data(as_text=True)


def test_coordinator_sees_my_cases_evaluations_and_signals(client, zvh):
    coordinator = make_user(org=zvh, roles=["coordinator"])
    mine = make_case(lead=zvh)
    mine.process_coordinator = coordinator
    mine.next_evaluation_on = date.today() - timedelta(days=1)
    make_case(lead=zvh)  # the organisation's, not mine
    make_signal(make_user(), received_at=utcnow() - timedelta(days=30))
    db.session.flush()
    widgets = {w.key: w for w in work.my_work(coordinator, date.today())}
    assert widgets["my_cases"].count == 1 and widgets["my_cases"].items[0].label.startswith(mine.reference)
    assert widgets["evaluations_due"].count == 1 and widgets["evaluations_due"].flagged_count == 1
    assert (widgets["signals"].count, widgets["signals"].flagged_count) == (1, 1)
    assert "closures" not in widgets
    assert last_event("case.list", actor_user_id=coordinator.id).details["view"] == "my_work"
    login_as(client, coordinator)
    html = client.get("/").get_data(as_text=True)
    assert "Mijn casussen" in html and mine.reference in html and "Meldingen om te wegen" in html


def test_named_participation_counts_as_mine_and_ended_does_not(zvh):
    worker = make_user(org=make_org("politie"))
    case = make_case(lead=zvh)
    case.participants.append(
        CaseParticipant(organisation=worker.organisation, user=worker, involvement=Involvement.CONTRIBUTOR)
    )
    db.session.flush()
    assert {w.key: w.count for w in work.my_work(worker, date.today())}["my_cases"] == 1
    case.participants[-1].ended_at = utcnow()
    db.session.flush()
    assert {w.key: w.count for w in work.my_work(worker, date.today())}["my_cases"] == 0


def test_supervisor_sees_closures_of_their_own_organisation(client, zvh):
    coordinator = make_user(org=zvh, roles=["coordinator"])
    supervisor = make_user(org=zvh, roles=["supervisor"])
    case = make_case(lead=zvh)
    make_results(case.case_type)
    lifecycle.transition(case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=1)
    lifecycle.propose_closure(case, lifecycle.results_for(case)[0].id, "klaar", by=coordinator, expected_version=2)
    elsewhere = make_user(org=make_org("gemeente"), roles=["supervisor"])
    widgets = {w.key: w for w in work.my_work(supervisor, date.today())}
    assert widgets["closures"].count == 1 and "my_cases" not in widgets and "signals" not in widgets
    assert {w.key: w.count for w in work.my_work(elsewhere, date.today())}["closures"] == 0
    login_as(client, supervisor)
    html = client.get("/").get_data(as_text=True)
    assert "ter goedkeuring" in html and case.reference in html


def test_registered_widget_shows_on_the_page(app, client):
    register_widget(
        app, "test-widget", lambda user, today: WorkWidget(key="test-widget", title="Overdrachten", count=2)
    )
    try:
        login_as(client, make_user())
        html = client.get("/").get_data(as_text=True)
        assert "Overdrachten" in html and "(2)" in html
    finally:
        contributions(app).widgets.pop("test-widget")


def test_my_open_actions_and_handoffs_awaiting_show_on_my_work(client):
    from datetime import date, timedelta

    from casebook.organisations.models import OrganisationKind
    from tests.factories import make_action, make_case, make_org, make_user

    zvh = make_org("zvh-work", kind=OrganisationKind.ZVH)
    coordinator = make_user(org=zvh, roles=["coordinator"])
    case = make_case(lead=zvh)
    today = date.today()
    make_action(case, coordinator, due_on=today - timedelta(days=3), today=today - timedelta(days=10))
    make_action(case, coordinator, due_on=today + timedelta(days=7), today=today)
    login_as(client, coordinator)
    html = client.get("/").get_data(as_text=True)
    assert "Mijn openstaande acties" in html and case.reference in html
    assert "over de streefdatum" in html
    assert "Overdrachten te beslissen" in html
