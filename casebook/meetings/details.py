"""The practical side of a casusoverleg: when and where, who chairs and who takes the minutes, and
which persons are invited — checked the same way when a meeting is scheduled and when it is changed.

Chair, minute-taker and invited persons are active users of an invited organisation (the organiser's
own included): a meeting never names someone whose organisation does not take part in it. Times are
local (Europe/Amsterdam) on the meeting's date; an end needs a start and lies after it. Names of
employees are not personal data of the people in a case, so they are stored and shown plainly, like
the display names elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time

from casebook.auth.models import User
from casebook.errors import Conflict, RuleViolation
from casebook.meetings.models import Meeting, MeetingAttendee

MAX_LOCATION_LENGTH = 200
NOT_INVITED = "Kies iemand van een uitgenodigde organisatie."


class MeetingRefused(RuleViolation):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleMeeting(Conflict):
    """The meeting (or its attendance) changed after the form was loaded: nothing was written."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(f"meeting changed; now at version {meeting.version}")
        self.current_version = meeting.version
        self.meeting = meeting


@dataclass(frozen=True)
class MeetingDetails:
    """What a scheduler fills in besides title, date and invited organisations."""

    starts_at: time | None = None
    ends_at: time | None = None
    location: str | None = None
    chair: User | None = None
    minute_taker: User | None = None
    persons: tuple[User, ...] = field(default_factory=tuple)


def check_details(details: MeetingDetails, invited_organisation_ids: Iterable[int]) -> MeetingDetails:
    """``details`` cleaned (location stripped, persons without repeats), or a refusal naming the field.

    :raises MeetingRefused:
    """
    invited = set(invited_organisation_ids)
    if details.ends_at is not None and details.starts_at is None:
        raise MeetingRefused("Vul ook de begintijd in.", "starts_at")
    if details.starts_at is not None and details.ends_at is not None and details.ends_at <= details.starts_at:
        raise MeetingRefused("De eindtijd ligt na de begintijd.", "ends_at")
    location = (details.location or "").strip() or None
    if location is not None and len(location) > MAX_LOCATION_LENGTH:
        raise MeetingRefused(f"Ten hoogste {MAX_LOCATION_LENGTH} tekens.", "location")
    for name in ("chair", "minute_taker"):
        person = getattr(details, name)
        if person is not None and not _takes_part(person, invited):
            raise MeetingRefused(NOT_INVITED, name)
    persons = tuple({p.id: p for p in details.persons}.values())
    if any(not _takes_part(p, invited) for p in persons):
        raise MeetingRefused(NOT_INVITED, "persons")
    return MeetingDetails(details.starts_at, details.ends_at, location, details.chair, details.minute_taker, persons)


def _takes_part(person: User, invited: set[int]) -> bool:
    return person.active and person.organisation_id in invited


def apply_details(meeting: Meeting, details: MeetingDetails) -> None:
    """Write checked ``details`` onto ``meeting``; an invited person no longer invited is dropped
    unless their presence was recorded (then they stay, as present but not invited)."""
    meeting.starts_at = details.starts_at
    meeting.ends_at = details.ends_at
    meeting.location = details.location
    meeting.chair = details.chair
    meeting.minute_taker = details.minute_taker
    wanted = {p.id: p for p in details.persons}
    for attendee in list(meeting.attendees):
        if attendee.user_id in wanted:
            attendee.invited = True
        elif attendee.present:
            attendee.invited = False
        else:
            meeting.attendees.remove(attendee)
    known = {a.user_id for a in meeting.attendees}
    for person in wanted.values():
        if person.id not in known:
            meeting.attendees.append(MeetingAttendee(user=person, invited=True))


def describe(meeting: Meeting) -> dict[str, object]:
    """The audit trail's view of the meeting's details: ids and times, no free text."""
    return {
        "starts_at": meeting.starts_at.isoformat(timespec="minutes") if meeting.starts_at else None,
        "ends_at": meeting.ends_at.isoformat(timespec="minutes") if meeting.ends_at else None,
        "location": meeting.location is not None,
        "chair": meeting.chair.id if meeting.chair else None,
        "minute_taker": meeting.minute_taker.id if meeting.minute_taker else None,
        "persons": sorted(a.user_id for a in meeting.attendees if a.invited),
    }
