"""Preparing and recording a casusoverleg: details, attendance, agenderen from the case, and the
agenda per viewer — each with its audit event, its optimistic lock and its refusals."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.casework import local_today
from casebook.db import db
from casebook.errors import Refused
from casebook.meetings import preparation
from casebook.meetings import services as meetings
from casebook.meetings.briefs import agenda_for
from casebook.meetings.details import MeetingDetails, MeetingRefused, StaleMeeting
from casebook.organisations.models import Organisation
from tests.factories import make_case, make_meeting, make_org, make_user
from tests.helpers import audit_events, last_event
from tests.meetings.support import GOAL, OPEN_ACTION, PRIVATE_DECISION, SUMMARY, prepared


@pytest.fixture
def setting():
    return prepared()


def _org(setting, name: str) -> Organisation:
    return db.session.get(Organisation, setting.ids[name])


def test_a_meeting_is_scheduled_with_time_location_chair_minute_taker_and_invitees(setting):
    meeting = setting.meeting()
    assert meeting.location == "Zaal 2, Spuiboulevard"
    assert (meeting.chair.username, meeting.minute_taker.username) == ("mt.chair", "mt.minutes")
    assert [p.username for p in meeting.invited_persons] == ["mt.officer"]
    event = last_event("meeting.create", object_id=str(meeting.id))
    assert event.details["chair"] == setting.ids["chair"] and event.details["persons"] == [setting.ids["officer"]]
    assert event.details["location"] is True  # that there is one, never the text


def test_chair_and_persons_must_belong_to_an_invited_organisation(setting):
    chair = setting.user("chair")
    stranger = make_user(org=make_org("mt-elsewhere"), roles=[Role.COORDINATOR])
    for details, field in (
        (MeetingDetails(chair=stranger), "chair"),
        (MeetingDetails(minute_taker=stranger), "minute_taker"),
        (MeetingDetails(persons=(stranger,)), "persons"),
        (MeetingDetails(starts_at=time(10), ends_at=time(9)), "ends_at"),
        (MeetingDetails(ends_at=time(9)), "starts_at"),
        (MeetingDetails(location="x" * 201), "location"),
    ):
        with pytest.raises(MeetingRefused) as refused:
            meetings.schedule_meeting(
                by=chair, title="Overleg", held_on=local_today(), organisations=[], details=details
            )
        assert refused.value.field == field


def test_changing_a_meeting_needs_the_version_the_user_saw(setting):
    meeting, chair = setting.meeting("coming"), setting.user("chair")
    version = meeting.version
    change = dict(
        title="Casusoverleg Komend",
        held_on=meeting.held_on,
        organisations=[_org(setting, "police_org")],
        details=MeetingDetails(
            starts_at=time(9, 30),
            ends_at=time(11),
            location="Stadskantoor",
            chair=chair,
            persons=(setting.user("officer"),),
        ),
    )
    with pytest.raises(StaleMeeting):
        preparation.update_meeting(meeting, by=chair, expected_version=version - 1, **change)
    assert meeting.location is None  # nothing written
    preparation.update_meeting(meeting, by=chair, expected_version=version, **change)
    assert (meeting.starts_at, meeting.location, meeting.version) == (time(9, 30), "Stadskantoor", version + 1)
    event = last_event("meeting.update", object_id=str(meeting.id))
    assert event.details["starts_at"] == "09:30" and event.details["version"] == version + 1


def test_only_the_organisers_coordinators_change_a_meeting(setting):
    meeting = setting.meeting("coming")
    other = setting.user("police_coordinator")  # invited: sees the meeting, does not run it
    with pytest.raises(Refused):
        preparation.update_meeting(
            meeting,
            by=other,
            expected_version=meeting.version,
            title="X",
            held_on=meeting.held_on,
            organisations=[],
            details=MeetingDetails(),
        )
    assert audit_events("meeting.update", actor_user_id=other.id, outcome=Outcome.DENIED)


def test_attendance_is_recorded_after_the_meeting_and_only_for_invitees(setting):
    chair, officer = setting.user("chair"), setting.user("officer")
    coming = setting.meeting("coming")
    with pytest.raises(MeetingRefused):
        preparation.record_attendance(
            coming, by=chair, expected_version=coming.version, organisations=[], persons=[chair]
        )
    meeting = setting.meeting()
    stranger = make_user(org=make_org("mt-elsewhere"))
    with pytest.raises(MeetingRefused) as refused:
        preparation.record_attendance(
            meeting, by=chair, expected_version=meeting.version, organisations=[], persons=[stranger]
        )
    assert refused.value.field == "persons"
    with pytest.raises(StaleMeeting):
        preparation.record_attendance(
            meeting, by=chair, expected_version=meeting.version + 1, organisations=[], persons=[]
        )
    preparation.record_attendance(
        meeting,
        by=chair,
        expected_version=meeting.version,
        organisations=[_org(setting, "zvh_org")],
        persons=[officer, chair],
    )
    present = {i.organisation.slug: i.present for i in meeting.invitations}
    assert present == {"mt-zvh": True, "mt-politie": True, "mt-west": False}  # the police through its officer
    attendees = {a.user.username: (a.invited, a.present) for a in meeting.attendees}
    assert attendees == {"mt.officer": (True, True), "mt.chair": (False, True)}
    event = last_event("meeting.attendance", object_id=str(meeting.id))
    assert event.details["organisations"] == ["mt-politie", "mt-zvh"]
    assert event.details["persons"] == sorted([officer.id, chair.id])


def test_agenderen_from_the_case_puts_it_on_a_coming_meeting_the_user_runs(setting):
    chair, case = setting.user("chair"), setting.case("shared")
    coming = setting.meeting("coming")
    assert preparation.meetings_open_for(chair, case) == [coming]  # the past one is not offered
    item = preparation.put_on_agenda(case, coming, by=chair)
    assert item.meeting_id == coming.id and item.position == 1
    assert last_event("meeting.agenda.add", object_id=str(item.id)).details == {"meeting": coming.id, "via": "case"}
    assert preparation.meetings_open_for(chair, case) == []  # on it now
    with pytest.raises(MeetingRefused):
        preparation.put_on_agenda(case, coming, by=chair)
    with pytest.raises(MeetingRefused) as refused:
        preparation.put_on_agenda(setting.case("private"), setting.meeting(), by=chair)
    assert refused.value.field == "meeting"  # a meeting that took place


def test_agenderen_refuses_a_case_out_of_scope_and_a_meeting_of_another_organisation(setting):
    chair = setting.user("chair")
    other_case = make_case(lead=make_org("mt-elsewhere"))
    with pytest.raises(Refused):
        preparation.put_on_agenda(other_case, setting.meeting("coming"), by=chair)
    assert audit_events("meeting.agenda.add", actor_user_id=chair.id, outcome=Outcome.DENIED)
    police_coordinator = setting.user("police_coordinator")
    police_meeting = make_meeting(police_coordinator, local_today() + timedelta(days=3))
    assert preparation.meetings_open_for(chair, setting.case("shared")) == [setting.meeting("coming")]
    with pytest.raises(Refused):
        preparation.put_on_agenda(setting.case("shared"), police_meeting, by=chair)
    caseworker = setting.user("minutes")
    assert preparation.meetings_open_for(caseworker, setting.case("shared")) == []


def test_the_agenda_shows_each_viewer_what_they_may_see_of_each_case(setting):
    meeting = setting.meeting()
    police = agenda_for(setting.user("officer"), meeting)
    assert [b.case.id for b in police] == [setting.ids["shared"]]  # the private case is absent
    brief = police[0]
    assert brief.content and brief.problem_analysis == SUMMARY
    assert [str(g.text) for g in brief.goals] == [GOAL] and [str(a.description) for a in brief.open_actions] == [
        OPEN_ACTION
    ]
    assert [f["code"] for f in brief.flags] == ["wapenbezit"] and brief.case.status.position == 1
    assert agenda_for(setting.user("west"), meeting) == []  # invited, but on neither case
    supervisor = agenda_for(setting.user("supervisor"), meeting)
    assert [b.case.id for b in supervisor] == [setting.ids["shared"], setting.ids["private"]]
    for brief in supervisor:  # phase and flags; counts, never the content
        assert not brief.content and brief.problem_analysis is None and brief.goals == [] and brief.decision is None
    assert supervisor[0].flags and (supervisor[0].goal_count, supervisor[0].open_action_count) == (1, 1)
    chair = agenda_for(setting.user("chair"), meeting)
    assert chair[1].decision == PRIVATE_DECISION
    event = last_event("meeting.view", actor_user_id=setting.ids["supervisor"])
    assert event.details == {"cases": [setting.ids["shared"], setting.ids["private"]], "content": []}


def test_a_writer_who_won_the_race_makes_the_change_stale_and_nothing_is_written(setting):
    """The version check passes, but another transaction bumped the row before the write."""
    from sqlalchemy import update

    from casebook.meetings.models import Meeting

    meeting, chair = setting.meeting("coming"), setting.user("chair")
    seen = meeting.version
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(StaleMeeting) as stale:
        preparation.update_meeting(
            meeting,
            by=chair,
            expected_version=seen,
            title="Gewijzigd",
            held_on=meeting.held_on,
            organisations=[],
            details=MeetingDetails(chair=chair, location="Elders"),
        )
    assert stale.value.current_version == seen + 1
    assert (meeting.title, meeting.location) == ("Casusoverleg Komend", None)
