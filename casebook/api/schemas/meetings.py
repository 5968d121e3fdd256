"""Casusoverleg resources: meetings with their details and attendance, the agenda per viewer, agenderen."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import Field

from casebook.api.schemas.casework import ActionOut, Username
from casebook.api.schemas.common import ApiModel, Code, Id, InputModel
from casebook.api.schemas.common import text as bounded
from casebook.api.schemas.dossier import Flag
from casebook.auth.models import User
from casebook.meetings.briefs import AgendaBrief
from casebook.meetings.details import MAX_LOCATION_LENGTH
from casebook.meetings.models import Meeting
from casebook.plans.models import LifeDomain

Title = bounded(200)
Location = bounded(MAX_LOCATION_LENGTH, min_length=0)


class Person(ApiModel):
    username: str
    name: str = Field(description="Display name.")
    organisation: str = Field(description="Slug of the person's organisation.")

    @classmethod
    def of(cls, user: User | None) -> Person | None:
        if user is None:
            return None
        return cls(username=user.username, name=user.display_name, organisation=user.organisation.slug)


class Invitation(ApiModel):
    organisation: str = Field(description="Slug of an invited organisation.")
    name: str
    present: bool | None = Field(description="Recorded attendance; null while not recorded.")


class Attendee(ApiModel):
    username: str
    name: str
    organisation: str
    invited: bool = Field(description="False for someone only recorded as present.")
    present: bool | None = Field(description="Recorded attendance; null while not recorded.")


class MeetingSummary(ApiModel):
    id: int
    title: str
    held_on: date
    starts_at: time | None = Field(description="Local time (Europe/Amsterdam).")
    ends_at: time | None
    location: str | None
    organiser_organisation: str = Field(description="Slug of the organising organisation.")
    version: int

    @classmethod
    def fields_of(cls, meeting: Meeting) -> dict:
        return {
            "id": meeting.id,
            "title": meeting.title,
            "held_on": meeting.held_on,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "location": meeting.location,
            "organiser_organisation": meeting.organiser_organisation.slug,
            "version": meeting.version,
        }

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingSummary:
        return cls(**cls.fields_of(meeting))


class MeetingOut(MeetingSummary):
    chair: Person | None
    minute_taker: Person | None
    organisations: list[Invitation] = Field(description="Invited organisations (the organiser's included).")
    persons: list[Attendee] = Field(description="Invited persons, and persons only recorded as present.")
    attendance_recorded_at: datetime | None
    can_manage: bool = Field(description="Whether the caller runs this meeting (changes, attendance, agenda).")

    @classmethod
    def of(cls, meeting: Meeting, *, can_manage: bool = False) -> MeetingOut:  # type: ignore[override]
        return cls(
            **MeetingSummary.fields_of(meeting),
            chair=Person.of(meeting.chair),
            minute_taker=Person.of(meeting.minute_taker),
            organisations=[
                Invitation(organisation=i.organisation.slug, name=i.organisation.name, present=i.present)
                for i in meeting.invitations
            ],
            persons=[
                Attendee(
                    username=a.user.username,
                    name=a.user.display_name,
                    organisation=a.user.organisation.slug,
                    invited=a.invited,
                    present=a.present,
                )
                for a in meeting.attendees
            ],
            attendance_recorded_at=meeting.attendance_recorded_at,
            can_manage=can_manage,
        )


class MeetingList(ApiModel):
    upcoming: list[MeetingSummary] = Field(description="Today and later, soonest first.")
    past: list[MeetingSummary] = Field(description="The 50 most recent, most recent first.")


class MeetingIn(InputModel):
    """Schedule a casusoverleg. Chair, minute-taker and persons belong to an invited organisation."""

    title: Title = Field(description="Name of the meeting.")  # type: ignore[valid-type]
    held_on: date = Field(description="Today or later.")
    starts_at: time | None = Field(None, description="Local time, e.g. `09:30:00`.")
    ends_at: time | None = Field(None, description="After `starts_at`.")
    location: Location | None = None  # type: ignore[valid-type]
    organisations: list[Code] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=50, description="Slugs of invited organisations (yours is always invited)."
    )
    chair: Username | None = Field(None, description="Username.")  # type: ignore[valid-type]
    minute_taker: Username | None = Field(None, description="Username.")  # type: ignore[valid-type]
    persons: list[Username] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=100, description="Usernames of invited persons."
    )


class MeetingUpdate(InputModel):
    """Members left out keep their value; `null` clears a clearable member."""

    title: Title | None = None  # type: ignore[valid-type]
    held_on: date | None = Field(None, description="Today or later (a past date may stay).")
    starts_at: time | None = None
    ends_at: time | None = None
    location: Location | None = None  # type: ignore[valid-type]
    organisations: list[Code] | None = Field(None, max_length=50)  # type: ignore[valid-type]
    chair: Username | None = None  # type: ignore[valid-type]
    minute_taker: Username | None = None  # type: ignore[valid-type]
    persons: list[Username] | None = Field(None, max_length=100)  # type: ignore[valid-type]


class AttendanceIn(InputModel):
    """Who was present (the invited not listed: absent). Only once the meeting has taken place."""

    organisations: list[Code] = Field(max_length=50, description="Slugs of invited organisations present.")  # type: ignore[valid-type]
    persons: list[Username] = Field(  # type: ignore[valid-type]
        max_length=100, description="Usernames of persons present (of invited organisations)."
    )


class PlaceIn(InputModel):
    meeting: Id = Field(description="Id of a coming meeting the caller runs.")


class GoalBrief(ApiModel):
    id: int
    domain: LifeDomain
    text: str


class AgendaItemOut(ApiModel):
    """One case on the agenda, as the caller may see it on the case itself."""

    id: int
    case_id: int
    reference: str
    case_type: str
    lead_organisation: str
    phase: str = Field(description="Status code of the case.")
    flags: list[Flag] = Field(description="Current signaleringen (every viewer of the case).")
    content: bool = Field(description="False for callers who see the case's metadata only: no text below then.")
    problem_analysis: str | None
    help_request: str | None
    goal_count: int
    open_action_count: int
    goals: list[GoalBrief]
    open_actions: list[ActionOut]
    decided_at: datetime | None
    decision: str | None
    agreed_actions: list[ActionOut] = Field(description="Actions agreed on this item in the meeting.")

    @classmethod
    def of(cls, brief: AgendaBrief) -> AgendaItemOut:
        case = brief.case
        return cls(
            id=brief.item.id,
            case_id=case.id,
            reference=case.reference,
            case_type=case.case_type.code,
            lead_organisation=case.lead_organisation.slug,
            phase=case.status.code,
            flags=[Flag.of(f) for f in brief.flags],
            content=brief.content,
            problem_analysis=brief.problem_analysis,
            help_request=brief.help_request,
            goal_count=brief.goal_count,
            open_action_count=brief.open_action_count,
            goals=[GoalBrief(id=g.id, domain=g.domain, text=str(g.text)) for g in brief.goals],
            open_actions=[ActionOut.of(a) for a in brief.open_actions],
            decided_at=brief.item.decided_at,
            decision=brief.decision,
            agreed_actions=[ActionOut.of(a) for a in brief.agreed_actions],
        )


class AgendaOut(ApiModel):
    meeting: int
    items: list[AgendaItemOut] = Field(description="Only the items of cases the caller may see, in order.")
