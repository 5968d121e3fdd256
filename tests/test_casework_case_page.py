"""The case page extension points: sections and timeline sources registered by the content modules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from casebook.auth.models import Role
from casebook.cases import extensions
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.interventions import services as interventions
from casebook.interventions.models import InterventionKind
from casebook.meetings import services as meetings
from tests.factories import make_action, make_case, make_goal, make_meeting, make_note, make_org, make_user


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def request_ctx(app):
    """Loaders build forms and URLs: the case page calls them inside a request."""
    with app.test_request_context():
        yield


def test_sections_and_timeline_sources_are_registered(app):
    keys = dict(extensions.registered_sections())
    assert {"journal", "plan", "interventions"} <= set(keys)
    assert keys["journal"].template == "journal/_section.html"
    assert {"note", "intervention", "plan", "meeting"} <= set(extensions.timeline_kinds())


def test_supervisors_get_no_journal_section_but_see_plan_and_interventions(request_ctx, west):
    case = make_case(lead=west)
    make_note(case, make_user(org=west))
    supervisor = make_user(org=west, roles=[Role.SUPERVISOR])
    rendered = {section.key for section, _ in extensions.sections_for(supervisor, case)}
    assert "journal" not in rendered and {"plan", "interventions"} <= rendered
    assert all(entry.kind != "note" for entry in extensions.timeline_for(supervisor, case))


def test_sections_render_and_timeline_merges_every_kind_newest_first(request_ctx, west):
    case = make_case(lead=west)
    coordinator = make_user(org=west, roles=[Role.COORDINATOR])
    today = date.today()
    make_note(case, coordinator, body="<b>vet</b>")
    goal = make_goal(case, coordinator)
    make_action(case, coordinator, today + timedelta(days=3), goal=goal, today=today)
    gesprek = db.session.scalar(select(InterventionKind).where(InterventionKind.code == "gesprek"))
    interventions.add_intervention(
        case, by=coordinator, kind=gesprek, occurred_on=today, organisation=west, today=today
    )
    meeting = make_meeting(coordinator, today)
    item = meetings.add_to_agenda(meeting, by=coordinator, reference=case.reference)
    meetings.record_decision(
        item, by=coordinator, decision="Besluit", expected_version=item.decision_version, today=today
    )
    entries = extensions.timeline_for(coordinator, case)
    assert {"note", "plan", "intervention", "meeting"} <= {e.kind for e in entries}
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)
    assert [e.kind for e in extensions.timeline_for(coordinator, case, kinds=["meeting"])] == ["meeting", "meeting"]
    login_user(coordinator)
    for section, context in extensions.sections_for(coordinator, case):
        html = render_template(section.template, case=case, **context)
        assert f'id="{section.key}"' in html
        if section.key == "journal":
            assert "&lt;b&gt;vet&lt;/b&gt;" in html and "<b>vet</b>" not in html


def test_observer_organisation_sees_sections_without_forms(request_ctx, west):
    observer_org = make_org("woningcorporatie")
    case = make_case(lead=west, participants=[(observer_org, Involvement.OBSERVER)])
    observer = make_user(org=observer_org)
    contexts = dict((s.key, c) for s, c in extensions.sections_for(observer, case))
    assert contexts["journal"]["note_form"] is None
    assert contexts["plan"]["goal_form"] is None and contexts["plan"]["case_manager_form"] is None
    assert contexts["interventions"]["intervention_form"] is None


def test_a_case_page_reads_and_audits_each_module_once_for_its_section_and_timeline(request_ctx, west):
    """Section and timeline of a module share one audited read per page (``read_once``); outside a
    page build every call reads (and audits) on its own."""
    from tests.helpers import audit_events

    case = make_case(lead=west)
    coordinator = make_user(org=west, roles=[Role.COORDINATOR])
    make_note(case, coordinator, body="Eerste gesprek")
    make_goal(case, coordinator)
    reads = ("note.list", "plan.view", "intervention.list")
    before = {action: len(audit_events(action, case_id=case.id)) for action in reads}
    with extensions.one_read_per_module():
        sections = dict((s.key, c) for s, c in extensions.sections_for(coordinator, case))
        entries = extensions.timeline_for(coordinator, case)
    assert [n.body for n in sections["journal"]["notes"]] == ["Eerste gesprek"]
    assert {"note", "plan"} <= {e.kind for e in entries}
    for action in reads:
        assert len(audit_events(action, case_id=case.id)) == before[action] + 1, action
    extensions.registered_sections()["journal"].load(coordinator, case)
    extensions.timeline_for(coordinator, case)
    assert len(audit_events("note.list", case_id=case.id)) == before["note.list"] + 3
