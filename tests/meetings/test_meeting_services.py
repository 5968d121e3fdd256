"""Casusoverleg rules: scheduling, agenda from visible cases, minutes per viewer, decisions and actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.errors import CaseClosed
from casebook.cases.models import Involvement
from casebook.db import db, utcnow
from casebook.meetings import services as meetings
from casebook.meetings.models import AgendaItem
from casebook.plans import services as plans
from tests.factories import make_case, make_meeting, make_org, make_user
from tests.helpers import audit_events, last_event

TODAY = date(2026, 11, 28)


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def police():
    return make_org("politie")


@pytest.fixture
def chair(zvh):
    return make_user(org=zvh, roles=[Role.COORDINATOR])


def test_scheduling_is_for_coordinators_and_invites_the_organiser(zvh, police, chair):
    meeting = meetings.schedule_meeting(
        by=chair, title="Casusoverleg", held_on=TODAY, organisations=[police], today=TODAY
    )
    assert {o.slug for o in meeting.invited_organisations} == {"zvh", "politie"}
    assert last_event("meeting.create").details == {
        "held_on": "2026-11-28",
        "organisations": ["politie", "zvh"],
        "starts_at": None,
        "ends_at": None,
        "location": False,
        "chair": None,
        "minute_taker": None,
        "persons": [],
    }
    caseworker = make_user(org=zvh)
    with pytest.raises(AccessDenied):
        meetings.schedule_meeting(by=caseworker, title="x", held_on=TODAY, organisations=[], today=TODAY)
    assert last_event("meeting.manage", actor_user_id=caseworker.id).outcome is Outcome.DENIED


@pytest.mark.parametrize(
    ("title", "held_on", "field"),
    [("", TODAY, "title"), ("x", None, "held_on"), ("x", TODAY - timedelta(days=1), "held_on")],
)
def test_scheduling_refuses_bad_input(chair, title, held_on, field):
    with pytest.raises(meetings.MeetingRefused) as refused:
        meetings.schedule_meeting(by=chair, title=title, held_on=held_on, organisations=[], today=TODAY)
    assert refused.value.field == field


def test_only_cases_the_scheduler_may_see_go_on_the_agenda(zvh, chair):
    meeting = make_meeting(chair, TODAY)
    visible = make_case(lead=zvh)
    hidden = make_case(lead=make_org("elders"))
    item = meetings.add_to_agenda(meeting, by=chair, reference=visible.reference.lower())
    assert item.case is visible and last_event("meeting.agenda.add").outcome is Outcome.ALLOWED
    with pytest.raises(meetings.MeetingRefused) as hidden_refusal:
        meetings.add_to_agenda(meeting, by=chair, reference=hidden.reference)
    assert last_event("meeting.agenda.add").outcome is Outcome.DENIED
    with pytest.raises(meetings.MeetingRefused) as unknown_refusal:
        meetings.add_to_agenda(meeting, by=chair, reference="PGA-1999-99999")
    assert str(hidden_refusal.value) == str(unknown_refusal.value)  # no existence leak
    with pytest.raises(meetings.MeetingRefused, match="al op de agenda"):
        meetings.add_to_agenda(meeting, by=chair, reference=visible.reference)
    closed = make_case(lead=zvh)
    closed.closed_at = utcnow()
    with pytest.raises(CaseClosed, match="afgesloten"):
        meetings.add_to_agenda(meeting, by=chair, reference=closed.reference)


def test_a_participant_sees_only_items_of_cases_they_may_see(zvh, police, chair):
    meeting = make_meeting(chair, TODAY, [police])
    shared = make_case(lead=zvh, participants=[(police, Involvement.CONTRIBUTOR)])
    private = make_case(lead=zvh)
    meetings.add_to_agenda(meeting, by=chair, reference=shared.reference)
    meetings.add_to_agenda(meeting, by=chair, reference=private.reference)
    officer = make_user(org=police)
    loaded = meetings.load_meeting(officer, meeting.id)
    assert [i.case_id for i in meetings.minutes(officer, loaded)] == [shared.id]
    assert last_event("meeting.view", actor_user_id=officer.id).details == {"cases": [shared.id]}
    assert [i.case_id for i in meetings.minutes(chair, meeting)] == [shared.id, private.id]
    private_item = next(i for i in meeting.items if i.case_id == private.id)
    with pytest.raises(AccessDenied):
        meetings.load_item(officer, meeting, private_item.id)
    assert last_event("meeting.item.view", actor_user_id=officer.id).outcome is Outcome.DENIED


def test_uninvited_organisations_do_not_see_the_meeting(chair):
    meeting = make_meeting(chair, TODAY)
    stranger = make_user(org=make_org("elders"), roles=[Role.COORDINATOR])
    with pytest.raises(AccessDenied):
        meetings.load_meeting(stranger, meeting.id)
    assert last_event("meeting.view", actor_user_id=stranger.id).outcome is Outcome.DENIED
    upcoming, past = meetings.meetings_for(stranger, today=TODAY)
    assert upcoming == past == []


def test_decisions_are_encrypted_audited_and_only_once_the_meeting_took_place(zvh, chair):
    meeting = make_meeting(chair, TODAY + timedelta(days=7))
    case = make_case(lead=zvh)
    item = meetings.add_to_agenda(meeting, by=chair, reference=case.reference)
    with pytest.raises(meetings.MeetingRefused, match="nog niet plaatsgevonden"):
        meetings.record_decision(
            item, by=chair, decision="Opschalen", expected_version=item.decision_version, today=TODAY
        )
    later = TODAY + timedelta(days=7)
    meetings.record_decision(
        item, by=chair, decision="Opschalen naar plan van aanpak", expected_version=item.decision_version, today=later
    )
    raw = db.session.execute(select(AgendaItem.__table__.c.decision).where(AgendaItem.id == item.id)).scalar_one()
    assert b"Opschalen" not in raw
    assert last_event("meeting.decision").details == {"meeting": meeting.id, "amended": False, "version": 1}
    meetings.record_decision(
        item, by=chair, decision="Aangepast besluit", expected_version=item.decision_version, today=later
    )
    assert last_event("meeting.decision").details == {"meeting": meeting.id, "amended": True, "version": 2}
    with pytest.raises(meetings.MeetingRefused):
        meetings.record_decision(item, by=chair, decision=" ", expected_version=item.decision_version, today=later)


def test_only_the_organising_coordinators_run_the_meeting(zvh, police, chair):
    meeting = make_meeting(chair, TODAY, [police])
    case = make_case(lead=zvh, participants=[(police, Involvement.CONTRIBUTOR)])
    item = meetings.add_to_agenda(meeting, by=chair, reference=case.reference)
    guest = make_user(org=police, roles=[Role.COORDINATOR])
    with pytest.raises(AccessDenied):
        meetings.record_decision(item, by=guest, decision="x", expected_version=item.decision_version, today=TODAY)
    assert last_event("meeting.decision", actor_user_id=guest.id).outcome is Outcome.DENIED
    with pytest.raises(AccessDenied):
        meetings.add_to_agenda(meeting, by=guest, reference=case.reference)


def test_actions_agreed_in_the_meeting_land_in_the_case_plan(zvh, police, chair):
    meeting = make_meeting(chair, TODAY, [police])
    case = make_case(lead=zvh, participants=[(police, Involvement.CONTRIBUTOR)])
    item = meetings.add_to_agenda(meeting, by=chair, reference=case.reference)
    action = meetings.add_meeting_action(
        item, by=chair, description="Wijkagent legt huisbezoek af", owner_organisation=police,
        due_on=TODAY + timedelta(days=14), today=TODAY,
    )  # fmt: skip
    assert action.agenda_item_id == item.id and action.case_id == case.id
    assert [a.id for a in plans.plan_for(chair, case, today=TODAY).loose_actions] == [action.id]
    assert last_event("plan.action.add").details["agenda_item"] == item.id


def test_items_leave_the_agenda_only_while_nothing_was_recorded(zvh, chair):
    meeting = make_meeting(chair, TODAY)
    first, second = make_case(lead=zvh), make_case(lead=zvh)
    empty = meetings.add_to_agenda(meeting, by=chair, reference=first.reference)
    decided = meetings.add_to_agenda(meeting, by=chair, reference=second.reference)
    meetings.record_decision(
        decided, by=chair, decision="Besloten", expected_version=decided.decision_version, today=TODAY
    )
    meetings.remove_from_agenda(empty, by=chair)
    assert last_event("meeting.agenda.remove").object_id == str(empty.id)
    with pytest.raises(meetings.MeetingRefused):
        meetings.remove_from_agenda(decided, by=chair)


def test_a_stale_decision_is_refused_and_nothing_is_written(zvh, chair):
    meeting = make_meeting(chair, TODAY)
    case = make_case(lead=zvh)
    item = meetings.add_to_agenda(meeting, by=chair, reference=case.reference)
    colleague = make_user(org=zvh, roles=[Role.COORDINATOR])
    meetings.record_decision(item, by=chair, decision="Opschalen", expected_version=0, today=TODAY)
    events = len(audit_events("meeting.decision"))
    for seen in (0, None):  # loaded before the first decision; or no version at all
        with pytest.raises(meetings.StaleDecision) as stale:
            meetings.record_decision(item, by=colleague, decision="Afschalen", expected_version=seen, today=TODAY)
        assert stale.value.current_version == 1
    db.session.expire_all()
    assert item.decision == "Opschalen" and item.decided_by_id == chair.id and item.decision_version == 1
    assert len(audit_events("meeting.decision")) == events
