"""Preparing and recording a casusoverleg: changing its details, putting a case on it from the case
itself ("agenderen") and recording who was present.

- Changes and attendance are the organiser's coordinators' (``MANAGE_MEETINGS`` on the meeting), from
  the meeting version the user saw (``Meeting.version``): a stale form is refused (``StaleMeeting``),
  never a silent overwrite; the ``version_id_col`` also refuses a race between check and write.
- Attendance is recorded once the meeting has taken place (today or earlier); an organisation or person
  not invited may not be recorded as present — invite them first.
- Agenderen from the case page: the case must be one its user may put on an agenda
  (``PLACE_ON_AGENDA``, else an audited 404), the meeting one they run and still to come.
Every change is audited with ids and times only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import Action, can, require_audited
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db, utcnow
from casebook.meetings.details import (
    MeetingDetails,
    MeetingRefused,
    StaleMeeting,
    apply_details,
    check_details,
    describe,
)
from casebook.meetings.models import AgendaItem, Meeting, MeetingAttendee, MeetingInvitation
from casebook.meetings.services import place, require_manage
from casebook.organisations.models import Organisation


def _require_version(meeting: Meeting, expected_version: int | None) -> None:
    if expected_version is None or expected_version != meeting.version:
        raise StaleMeeting(meeting)


@contextmanager
def _meeting_change(meeting: Meeting) -> Iterator[None]:
    """The block's changes in a savepoint, flushed as one version bump: a writer that won the race
    between the version check and the write (``version_id_col``) makes it a ``StaleMeeting``."""
    savepoint = db.session.begin_nested()
    try:
        yield
        meeting.updated_at = utcnow()
        db.session.flush()
    except StaleDataError as exc:
        savepoint.rollback()
        db.session.refresh(meeting)
        raise StaleMeeting(meeting) from exc
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def update_meeting(
    meeting: Meeting,
    *,
    by: User,
    expected_version: int | None,
    title: str,
    held_on: date | None,
    organisations: Iterable[Organisation],
    details: MeetingDetails,
    today: date | None = None,
) -> Meeting:
    """Change a meeting's title, date, invited organisations and details, from ``expected_version``.

    A date may move to today or later; a past date may stay. An organisation whose presence was
    recorded stays invited. :raises StaleMeeting: :raises MeetingRefused: :raises AccessDenied:
    """
    require_manage(by, meeting, "meeting.update")
    _require_version(meeting, expected_version)
    today = today or local_today()
    title = (title or "").strip()
    if not title:
        raise MeetingRefused("Geef het overleg een naam.", "title")
    if len(title) > 200:
        raise MeetingRefused("Ten hoogste 200 tekens.", "title")
    if held_on is None:
        raise MeetingRefused("Vul de datum in.", "held_on")
    if held_on < today and held_on != meeting.held_on:
        raise MeetingRefused("De datum ligt in het verleden.", "held_on")
    wanted = {o.id: o for o in organisations if o.active}
    wanted.setdefault(meeting.organiser_organisation_id, meeting.organiser_organisation)
    for invitation in meeting.invitations:
        if invitation.present is not None:
            wanted.setdefault(invitation.organisation_id, invitation.organisation)
    checked = check_details(details, wanted)
    with _meeting_change(meeting):
        for invitation in list(meeting.invitations):
            if invitation.organisation_id not in wanted:
                meeting.invitations.remove(invitation)
        have = {i.organisation_id for i in meeting.invitations}
        for organisation in sorted(wanted.values(), key=lambda o: o.name):
            if organisation.id not in have:
                meeting.invitations.append(MeetingInvitation(organisation=organisation))
        meeting.title, meeting.held_on = title, held_on
        apply_details(meeting, checked)
    audit.record(
        by,
        "meeting.update",
        meeting,
        details={
            "held_on": held_on.isoformat(),
            "organisations": sorted(i.organisation.slug for i in meeting.invitations),
            "version": meeting.version,
            **describe(meeting),
        },
    )
    return meeting


def record_attendance(
    meeting: Meeting,
    *,
    by: User,
    expected_version: int | None,
    organisations: Iterable[Organisation],
    persons: Iterable[User],
    today: date | None = None,
) -> Meeting:
    """Record which invited organisations and persons were present (the others: absent). Recording
    again replaces the previous record. :raises StaleMeeting: :raises MeetingRefused:"""
    require_manage(by, meeting, "meeting.attendance")
    _require_version(meeting, expected_version)
    if meeting.held_on > (today or local_today()):
        raise MeetingRefused("Het overleg heeft nog niet plaatsgevonden.")
    invited = {i.organisation_id: i for i in meeting.invitations}
    present_orgs = {o.id for o in organisations}
    if not present_orgs <= invited.keys():
        raise MeetingRefused("Alleen uitgenodigde organisaties kunnen aanwezig zijn.", "organisations")
    present = {p.id: p for p in persons}
    if any(not p.active or p.organisation_id not in invited for p in present.values()):
        raise MeetingRefused("Kies iemand van een uitgenodigde organisatie.", "persons")
    with _meeting_change(meeting):
        for organisation_id, invitation in invited.items():
            invitation.present = organisation_id in present_orgs or any(
                p.organisation_id == organisation_id for p in present.values()
            )
        for attendee in list(meeting.attendees):
            if attendee.invited:
                attendee.present = attendee.user_id in present
            elif attendee.user_id not in present:
                meeting.attendees.remove(attendee)
        known = {a.user_id for a in meeting.attendees}
        for person in present.values():
            if person.id not in known:
                meeting.attendees.append(MeetingAttendee(user=person, invited=False, present=True))
        meeting.attendance_recorded_at = utcnow()
    audit.record(
        by,
        "meeting.attendance",
        meeting,
        details={
            "organisations": sorted(i.organisation.slug for i in meeting.invitations if i.present),
            "persons": sorted(present),
            "version": meeting.version,
        },
    )
    return meeting


# -- agenderen from the case -------------------------------------------------------------------


def meetings_open_for(user: User, case: Case, *, today: date | None = None) -> list[Meeting]:
    """Coming meetings ``user`` runs that ``case`` is not on yet: where the case page offers to put it.
    Empty for a case the user may not put on an agenda, or a closed one. One statement; audits nothing
    (it names meetings, no case content)."""
    if case.closed_at is not None or not can(user, Action.PLACE_ON_AGENDA, case):
        return []
    on_agenda = select(AgendaItem.meeting_id).where(AgendaItem.case_id == case.id)
    rows = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.organiser_organisation_id == user.organisation_id,
            Meeting.held_on >= (today or local_today()),
            Meeting.id.not_in(on_agenda),
        )
        .order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)
        .limit(50)
    )
    return [m for m in rows if can(user, Action.MANAGE_MEETINGS, m)]


def put_on_agenda(case: Case, meeting: Meeting, *, by: User, today: date | None = None) -> AgendaItem:
    """Agenderen: put ``case`` on a coming ``meeting`` that ``by`` runs.

    :raises Refused: the case is not one ``by`` may put on an agenda (audited, a 404).
    :raises AccessDenied: the meeting is not one ``by`` runs (audited).
    :raises MeetingRefused: the meeting has passed, or the case is on it already.
    """
    require_audited(by, Action.PLACE_ON_AGENDA, case)
    require_manage(by, meeting, "meeting.agenda.add")
    if meeting.held_on < (today or local_today()):
        raise MeetingRefused("Dit overleg heeft al plaatsgevonden; kies een komend overleg.", "meeting")
    return place(meeting, case, by=by, field="meeting", via="case")
