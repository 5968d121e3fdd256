"""The casusoverleg under the one policy: who sees and runs a meeting, agenda items only for
viewers of their case, and decisions as case content (supervisors do not read them)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.extensions import timeline_for
from casebook.cases.models import Involvement
from casebook.meetings import services as meetings
from tests.factories import login_as, make_case, make_meeting, make_org, make_user
from tests.helpers import audit_events, last_event

TODAY = date.today()
DECISION = "Besluit: huisbezoek door wijkagent en schuldhulp starten."


@pytest.fixture
def zvh():
    return make_org("zvh-mt", name="Zorg- en Veiligheidshuis")


@pytest.fixture
def police():
    return make_org("politie-mt", name="Politie basisteam")


@pytest.fixture
def chair(zvh):
    return make_user(org=zvh, roles=[Role.COORDINATOR])


@pytest.fixture
def supervisor(zvh):
    return make_user(org=zvh, roles=[Role.SUPERVISOR])


@pytest.fixture
def decided(zvh, police, chair):
    meeting = make_meeting(chair, TODAY - timedelta(days=1), [police])
    case = make_case(lead=zvh, participants=[(police, Involvement.CONTRIBUTOR)])
    item = meetings.add_to_agenda(meeting, by=chair, reference=case.reference)
    meetings.record_decision(item, by=chair, decision=DECISION, expected_version=item.decision_version, today=TODAY)
    return meeting, item


def test_a_supervisor_sees_that_a_case_was_discussed_not_the_decision(client, decided, supervisor):
    meeting, item = decided
    assert can(supervisor, Action.VIEW_MEETING, meeting) and can(supervisor, Action.VIEW_AGENDA_ITEM, item)
    assert not can(supervisor, Action.READ_AGENDA_DECISION, item)
    login_as(client, supervisor)
    minutes = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert item.case.reference in minutes and DECISION not in minutes
    page = client.get(f"/meetings/{meeting.id}/items/{item.id}")
    assert page.status_code == 200 and DECISION not in page.get_data(as_text=True)


def test_the_case_timeline_gives_a_supervisor_no_decision_text(app, decided, supervisor, chair):
    """And a decision handed out is a read of case content: audited, once per read."""
    _meeting, item = decided
    with app.test_request_context():
        mine = [e for e in timeline_for(chair, item.case, kinds=["meeting"]) if e.detail]
        theirs = [e for e in timeline_for(supervisor, item.case, kinds=["meeting"]) if e.detail]
        assert [e.detail for e in mine] == [DECISION] and theirs == []
        event = last_event("meeting.item.list", case_id=item.case_id)
        assert (event.actor_user_id, event.outcome) == (chair.id, Outcome.ALLOWED)
        assert event.details == {"items": 1, "decisions": 1}
        assert audit_events("meeting.item.list", actor_user_id=supervisor.id) == []


def test_workers_on_the_case_read_the_decision(decided, police, chair):
    _meeting, item = decided
    officer = make_user(org=police, roles=[Role.CASEWORKER])
    assert can(officer, Action.READ_AGENDA_DECISION, item) and can(chair, Action.READ_AGENDA_DECISION, item)


def test_meetings_are_seen_by_organiser_and_invited_organisations_only(decided, police, chair):
    meeting, item = decided
    outsider = make_user(org=make_org("buiten-mt"), roles=[Role.COORDINATOR])
    invited = make_user(org=police, roles=[Role.COORDINATOR])
    admin = make_user(org=chair.organisation, roles=[Role.ADMIN])
    assert can(invited, Action.VIEW_MEETING, meeting) and not can(outsider, Action.VIEW_MEETING, meeting)
    assert not can(admin, Action.VIEW_MEETING, meeting) and not can(admin, Action.LIST_MEETINGS)
    with pytest.raises(AccessDenied):
        meetings.load_meeting(outsider, meeting.id)
    assert last_event("meeting.view", actor_user_id=outsider.id).outcome is Outcome.DENIED
    assert meeting not in meetings.meetings_for(outsider)[1] and meeting in meetings.meetings_for(invited)[1]
    assert not can(outsider, Action.VIEW_AGENDA_ITEM, item)


def test_only_the_organisers_coordinators_run_the_meeting(decided, police, chair, zvh):
    meeting, item = decided
    invited = make_user(org=police, roles=[Role.COORDINATOR])
    colleague = make_user(org=zvh, roles=[Role.CASEWORKER])
    assert can(chair, Action.MANAGE_MEETINGS, meeting)
    assert not can(invited, Action.MANAGE_MEETINGS, meeting) and not can(colleague, Action.MANAGE_MEETINGS, meeting)
    with pytest.raises(AccessDenied):
        meetings.record_decision(
            item, by=invited, decision="Anders", expected_version=item.decision_version, today=TODAY
        )
    assert last_event("meeting.decision", actor_user_id=invited.id).outcome is Outcome.DENIED


def test_an_item_of_a_case_the_viewer_may_not_see_is_absent(zvh, police, chair):
    meeting = make_meeting(chair, TODAY, [police])
    private = make_case(lead=zvh)
    item = meetings.add_to_agenda(meeting, by=chair, reference=private.reference)
    invited = make_user(org=police, roles=[Role.COORDINATOR])
    assert can(invited, Action.VIEW_MEETING, meeting) and not can(invited, Action.VIEW_AGENDA_ITEM, item)
    assert meetings.visible_items(invited, meeting) == []
    with pytest.raises(AccessDenied):
        meetings.load_item(invited, meeting, item.id)
