"""The casusoverleg through the API: meetings with details and attendance, the agenda as the caller may
read it, agenderen from a case, and the report as a PDF.

The same services as the screens (``casebook.meetings``); a meeting the caller may see but does not run
answers 403 on a change (the service audited the denial), one out of scope 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless, refusals, rule_problem
from casebook.api.locking import IfMatch
from casebook.api.problems import ApiProblem
from casebook.api.registry import Reply
from casebook.api.schemas.meetings import (
    AgendaItemOut,
    AgendaOut,
    AttendanceIn,
    MeetingIn,
    MeetingList,
    MeetingOut,
    MeetingSummary,
    MeetingUpdate,
    PlaceIn,
)
from casebook.auth.models import User
from casebook.casework import load_case
from casebook.db import db
from casebook.errors import Refused
from casebook.meetings import preparation
from casebook.meetings import services as meetings
from casebook.meetings.briefs import agenda_for
from casebook.meetings.details import NOT_INVITED, MeetingDetails
from casebook.meetings.models import Meeting
from casebook.organisations.models import Organisation
from casebook.printing import meeting_report
from casebook.printing.views import pdf_response

TAGS = ["meetings"]


@contextmanager
def _runs_it() -> Iterator[None]:
    """A change refused by ``require_manage`` on a meeting the caller sees: 403, not 404."""
    try:
        yield
    except Refused:
        raise ApiProblem(403, "forbidden", detail="Alleen de organisator van dit overleg kan het wijzigen.") from None


def _organisations(slugs: list[str]) -> list[Organisation]:
    rows = list(db.session.scalars(select(Organisation).where(Organisation.slug.in_(slugs)))) if slugs else []
    if len(rows) != len(set(slugs)) or any(not o.active for o in rows):
        raise rule_problem("organisations", "Kies actieve organisaties.")
    return rows


def _user(username: str | None, field: str) -> User | None:
    if username is None:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise rule_problem(field, NOT_INVITED)  # the same answer as someone of an organisation not invited
    return user


def _users(usernames: list[str], field: str) -> tuple[User, ...]:
    return tuple(_user(name, field) for name in dict.fromkeys(usernames))  # type: ignore[misc]


def _out(user: User, meeting: Meeting) -> MeetingOut:
    return MeetingOut.of(meeting, can_manage=meetings.can_manage(user, meeting))


@api.get("/meetings", response=MeetingList, tags=TAGS, errors=[403])
def list_meetings() -> MeetingList:
    """Meetings of the caller's organisation and those it is invited to: coming and past."""
    user = api_user()
    forbid_unless(user, Action.LIST_MEETINGS, lambda: can(user, Action.LIST_MEETINGS))
    upcoming, past = meetings.meetings_for(user)
    return MeetingList(upcoming=[MeetingSummary.of(m) for m in upcoming], past=[MeetingSummary.of(m) for m in past])


@api.post("/meetings", body=MeetingIn, response=MeetingOut, status=201, etag=True, tags=TAGS, errors=[403])
def create_meeting(body: MeetingIn) -> Reply:
    """Schedule a casusoverleg (coordinators): date, time, location, chair, minute-taker and invitees."""
    user = api_user()
    forbid_unless(user, Action.MANAGE_MEETINGS, lambda: can(user, Action.MANAGE_MEETINGS))
    details = MeetingDetails(
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        location=body.location,
        chair=_user(body.chair, "chair"),
        minute_taker=_user(body.minute_taker, "minute_taker"),
        persons=_users(body.persons, "persons"),
    )
    with refusals():
        meeting = meetings.schedule_meeting(
            by=user,
            title=body.title,
            held_on=body.held_on,
            organisations=_organisations(body.organisations),
            details=details,
        )
    location = url_for("api.get_meeting", meeting_id=meeting.id, _external=True)
    return Reply(_out(user, meeting), headers={"Location": location})


@api.get("/meetings/<id:meeting_id>", response=MeetingOut, etag=True, tags=TAGS)
def get_meeting(meeting_id: int) -> MeetingOut:
    """One meeting with its details, invited organisations and persons, and the recorded attendance."""
    user = api_user()
    return _out(user, meetings.load_meeting(user, meeting_id))


@api.patch("/meetings/<id:meeting_id>", body=MeetingUpdate, response=MeetingOut, tags=TAGS, errors=[403, 409])
def update_meeting(meeting_id: int, body: Callable[[], MeetingUpdate], if_match: Callable[[], IfMatch]) -> MeetingOut:
    """Change the meeting (its organiser's coordinators; ``If-Match`` required)."""
    user = api_user()
    meeting = meetings.load_meeting(user, meeting_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    given = body.model_fields_set
    current_persons = tuple(a.user for a in meeting.attendees if a.invited)
    details = MeetingDetails(
        starts_at=body.starts_at if "starts_at" in given else meeting.starts_at,
        ends_at=body.ends_at if "ends_at" in given else meeting.ends_at,
        location=body.location if "location" in given else meeting.location,
        chair=_user(body.chair, "chair") if "chair" in given else meeting.chair,
        minute_taker=_user(body.minute_taker, "minute_taker") if "minute_taker" in given else meeting.minute_taker,
        persons=_users(body.persons or [], "persons") if "persons" in given else current_persons,
    )
    organisations = (
        _organisations(body.organisations or [])
        if "organisations" in given
        else [i.organisation for i in meeting.invitations]
    )
    expected = precondition.check(meeting.version)
    with _runs_it(), refusals():
        preparation.update_meeting(
            meeting,
            by=user,
            expected_version=expected,
            title=body.title if body.title is not None else meeting.title,
            held_on=body.held_on if body.held_on is not None else meeting.held_on,
            organisations=organisations,
            details=details,
        )
    return _out(user, meeting)


@api.operation(
    "PUT",
    "/meetings/<id:meeting_id>/attendance",
    body=AttendanceIn,
    response=MeetingOut,
    if_match=True,
    etag=True,
    tags=TAGS,
    errors=[403, 409],
)
def record_attendance(meeting_id: int, body: Callable[[], AttendanceIn], if_match: Callable[[], IfMatch]) -> MeetingOut:
    """Record who was present (once the meeting has taken place; ``If-Match`` required)."""
    user = api_user()
    meeting = meetings.load_meeting(user, meeting_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    invited = {i.organisation.slug: i.organisation for i in meeting.invitations}
    if any(slug not in invited for slug in body.organisations):
        raise rule_problem("organisations", "Alleen uitgenodigde organisaties kunnen aanwezig zijn.")
    persons = _users(body.persons, "persons")
    expected = precondition.check(meeting.version)
    with _runs_it(), refusals():
        preparation.record_attendance(
            meeting,
            by=user,
            expected_version=expected,
            organisations=[invited[slug] for slug in body.organisations],
            persons=persons,
        )
    return _out(user, meeting)


@api.get("/meetings/<id:meeting_id>/agenda", response=AgendaOut, tags=TAGS)
def get_agenda(meeting_id: int) -> AgendaOut:
    """The agenda as the caller may read it: per case its phase and flags, and for readers of its content the
    summary, plan, open actions, decision and actions agreed. Cases the caller may not see are absent."""
    user = api_user()
    meeting = meetings.load_meeting(user, meeting_id)
    return AgendaOut(meeting=meeting.id, items=[AgendaItemOut.of(b) for b in agenda_for(user, meeting)])


@api.post("/cases/<id:case_id>/agenda", body=PlaceIn, response=AgendaItemOut, status=201, tags=TAGS, errors=[403])
def place_case(case_id: int, body: Callable[[], PlaceIn]) -> Reply:
    """Agenderen: put the case on a coming meeting the caller runs (coordinators taking part in the case)."""
    user = api_user()
    case = load_case(user, case_id, Action.PLACE_ON_AGENDA)
    meeting = meetings.load_meeting(user, body().meeting)
    with _runs_it(), refusals(default_field="meeting"):
        item = preparation.put_on_agenda(case, meeting, by=user)
    brief = next(b for b in agenda_for(user, meeting) if b.item.id == item.id)
    location = url_for("api.get_agenda", meeting_id=meeting.id, _external=True)
    return Reply(AgendaItemOut.of(brief), headers={"Location": location})


@api.get("/meetings/<id:meeting_id>/report.pdf", produces=("application/pdf",), tags=TAGS)
def get_meeting_report_pdf(meeting_id: int) -> Response:
    """The verslag as a PDF, with what the caller may read of each case (as "Verslag afdrukken")."""
    user = api_user()
    meeting = meeting_report.load_meeting(user, meeting_id)
    return pdf_response(meeting_report.print_meeting_report(user, meeting))
