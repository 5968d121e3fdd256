"""Casusoverleg routes: schedule, agenda, minutes, decisions and actions; meeting decisions on the case timeline."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from casebook.access import Action, can, deny
from casebook.auth.models import User
from casebook.cases.extensions import TimelineEntry, read_once, register_timeline_source
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.i18n import show_date
from casebook.meetings import bp
from casebook.meetings import services as meetings
from casebook.meetings.briefs import agenda_for
from casebook.meetings.details import MeetingDetails
from casebook.meetings.forms import AgendaForm, AttendanceForm, DecisionForm, MeetingForm
from casebook.meetings.models import AgendaItem, Meeting
from casebook.organisations.models import Organisation
from casebook.plans import services as plans
from casebook.plans.forms import ActionForm
from casebook.plans.views import action_arguments, apply_refusal, fill_action_form


def timeline_meetings(user: User, case: Case) -> list[TimelineEntry]:
    """Agenda placements and decisions of this case, for viewers of the case: from the one audited
    read of them (``meetings.case_agenda``), once per page (``read_once``)."""
    if not can(user, Action.VIEW_CASE, case):
        return []
    entries = []
    for shown in read_once("meetings", user, case, lambda: meetings.case_agenda(user, case)):
        item, meeting = shown.item, shown.item.meeting
        url = url_for("meetings.detail", meeting_id=meeting.id) if shown.meeting_visible else None
        entries.append(
            TimelineEntry(
                at=item.added_at,
                kind="meeting",
                title=_(
                    "Geagendeerd voor %(title)s van %(date)s", title=meeting.title, date=show_date(meeting.held_on)
                ),
                organisation=meeting.organiser_organisation.name,
                url=url,
            )
        )
        if item.decided_at is not None:
            entries.append(
                TimelineEntry(
                    at=item.decided_at,
                    kind="meeting",
                    title=_("Besluit %(title)s van %(date)s", title=meeting.title, date=show_date(meeting.held_on)),
                    actor=item.decided_by.display_name if item.decided_by else None,
                    organisation=meeting.organiser_organisation.name,
                    detail=shown.decision,
                    url=url,
                )
            )
    return entries


@bp.get("/meetings")
def index() -> str:
    upcoming, past = meetings.meetings_for(current_user)
    return render_template(
        "meetings/list.html", upcoming=upcoming, past=past, can_schedule=can(current_user, Action.MANAGE_MEETINGS)
    )


def fill_meeting_form(form: MeetingForm) -> MeetingForm:
    form.organisations.choices = [(str(o.id), o.name) for o in meetings.inviteable_organisations()]
    people = [(str(u.id), f"{u.display_name} ({u.organisation.name})") for u in meetings.inviteable_persons()]
    form.chair.choices = [("", _("— nog niet bekend —")), *people]
    form.minute_taker.choices = [("", _("— nog niet bekend —")), *people]
    form.persons.choices = people
    return form


def users_of(ids: list[str]) -> list[User]:
    wanted = [int(v) for v in ids if v.isdigit()]
    return list(db.session.scalars(select(User).where(User.id.in_(wanted)))) if wanted else []


def organisations_of(ids: list[str]) -> list[Organisation]:
    wanted = [int(v) for v in ids if v.isdigit()]
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(wanted)))) if wanted else []


def details_from(form: MeetingForm) -> MeetingDetails:
    """The form's details as the services take them (persons resolved from the offered ids)."""
    chair, minute_taker = users_of([form.chair.data or ""]), users_of([form.minute_taker.data or ""])
    return MeetingDetails(
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        location=form.location.data,
        chair=chair[0] if chair else None,
        minute_taker=minute_taker[0] if minute_taker else None,
        persons=tuple(users_of(form.persons.data or [])),
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
def new() -> Response | str | tuple[str, int]:
    if not can(current_user, Action.MANAGE_MEETINGS):
        raise deny(current_user, Action.MANAGE_MEETINGS, requested_id="new")
    form = fill_meeting_form(MeetingForm())
    if not form.is_submitted():
        return render_template("meetings/new.html", form=form)
    if form.validate():
        try:
            meeting = meetings.schedule_meeting(
                by=current_user,
                title=form.title.data,
                held_on=form.held_on.data,
                organisations=organisations_of(form.organisations.data or []),
                details=details_from(form),
            )
        except meetings.MeetingRefused as refused:
            apply_refusal(form, refused, "title")
        else:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/new.html", form=form), 422


def fill_attendance_form(form: AttendanceForm, meeting: Meeting) -> AttendanceForm:
    form.organisations.choices = [(str(i.organisation_id), i.organisation.name) for i in meeting.invitations]
    invited = {i.organisation_id for i in meeting.invitations}
    form.persons.choices = [
        (str(u.id), f"{u.display_name} ({u.organisation.name})")
        for u in meetings.inviteable_persons()
        if u.organisation_id in invited
    ]
    return form


def _attendance_form(meeting: Meeting) -> AttendanceForm:
    form = AttendanceForm(formdata=None, version=meeting.version)
    form.organisations.data = [str(i.organisation_id) for i in meeting.invitations if i.present]
    form.persons.data = [str(a.user_id) for a in meeting.attendees if a.present]
    return fill_attendance_form(form, meeting)


def detail_page(
    meeting: Meeting,
    status: int = 200,
    agenda_form: AgendaForm | None = None,
    attendance_form: AttendanceForm | None = None,
    conflict: bool = False,
) -> tuple[str, int]:
    """The meeting's page: details, attendance, and the agenda as the viewer may read it."""
    manage = meetings.can_manage(current_user, meeting)
    held = meeting.held_on <= local_today()
    context: dict[str, Any] = {
        "meeting": meeting,
        "briefs": agenda_for(current_user, meeting),
        "can_manage": manage,
        "agenda_form": agenda_form or (AgendaForm(formdata=None) if manage else None),
        "attendance_form": (attendance_form or _attendance_form(meeting)) if manage and held else None,
        "conflict": conflict,
        "candidates": meetings.agenda_candidates(current_user, meeting) if manage else [],
    }
    return render_template("meetings/detail.html", **context), status


@bp.get("/meetings/<int:meeting_id>")
def detail(meeting_id: int) -> tuple[str, int]:
    return detail_page(meetings.load_meeting(current_user, meeting_id))


@bp.post("/meetings/<int:meeting_id>/agenda")
def add_to_agenda(meeting_id: int) -> Response | tuple[str, int]:
    meeting = meetings.load_meeting(current_user, meeting_id)
    meetings.require_manage(current_user, meeting, "meeting.agenda.add")
    form = AgendaForm()
    if form.validate_on_submit():
        try:
            item = meetings.add_to_agenda(meeting, by=current_user, reference=form.reference.data)
        except meetings.MeetingRefused as refused:
            apply_refusal(form, refused, "reference")
        else:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=f"item-{item.id}"))
    return detail_page(meeting, 422, agenda_form=form)


def _item_page(
    meeting: Meeting,
    item: AgendaItem,
    status: int = 200,
    decision_form: DecisionForm | None = None,
    action_form: ActionForm | None = None,
    error: str | None = None,
    conflict: bool = False,
) -> tuple[str, int]:
    manage = meetings.can_manage(current_user, meeting) and can(current_user, Action.EDIT_PLAN, item.case)
    if manage:
        decision_form = decision_form or DecisionForm(
            formdata=None, decision=item.decision, version=item.decision_version
        )
        action_form = action_form or fill_action_form(ActionForm(formdata=None), item.case, with_goal=True)
    meetings.read_item(current_user, item)
    return (
        render_template(
            "meetings/item.html",
            meeting=meeting,
            item=item,
            can_manage=manage,
            decision_form=decision_form if manage else None,
            action_form=action_form if manage else None,
            error=error,
            conflict=conflict,
        ),
        status,
    )


def _load_item(meeting_id: int, item_id: int) -> tuple[Meeting, AgendaItem]:
    meeting = meetings.load_meeting(current_user, meeting_id)
    return meeting, meetings.load_item(current_user, meeting, item_id)


@bp.get("/meetings/<int:meeting_id>/items/<int:item_id>")
def item(meeting_id: int, item_id: int) -> tuple[str, int]:
    return _item_page(*_load_item(meeting_id, item_id))


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/decision")
def decide(meeting_id: int, item_id: int) -> Response | tuple[str, int]:
    meeting, agenda_item = _load_item(meeting_id, item_id)
    meetings.require_manage(current_user, meeting, "meeting.decision")
    form = DecisionForm()
    error = None
    if form.validate_on_submit():
        try:
            meetings.record_decision(
                agenda_item, by=current_user, decision=form.decision.data, expected_version=form.version.data
            )
        except meetings.StaleDecision as exc:
            form.version.data = exc.current_version  # a conscious resubmit amends the current decision
            form.version.raw_data = [str(exc.current_version)]
            return _item_page(meeting, agenda_item, 409, decision_form=form, conflict=True)
        except meetings.MeetingRefused as refused:
            if refused.field:
                apply_refusal(form, refused, "decision")
            else:
                error = str(refused)
        else:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=f"item-{agenda_item.id}"))
    return _item_page(meeting, agenda_item, 422, decision_form=form, error=error)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/actions")
def add_action(meeting_id: int, item_id: int) -> Response | tuple[str, int]:
    meeting, agenda_item = _load_item(meeting_id, item_id)
    meetings.require_manage(current_user, meeting, "meeting.action")
    form = fill_action_form(ActionForm(), agenda_item.case, with_goal=True)
    error = None
    if form.validate_on_submit():
        try:
            meetings.add_meeting_action(agenda_item, by=current_user, **action_arguments(form, agenda_item.case))
        except meetings.MeetingRefused as refused:
            error = str(refused)
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "description")
        else:
            return redirect(url_for("meetings.item", meeting_id=meeting.id, item_id=agenda_item.id))
    return _item_page(meeting, agenda_item, 422, action_form=form, error=error)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/remove")
def remove(meeting_id: int, item_id: int) -> Response | tuple[str, int]:
    meeting, agenda_item = _load_item(meeting_id, item_id)
    try:
        meetings.remove_from_agenda(agenda_item, by=current_user)
    except meetings.MeetingRefused as refused:
        return _item_page(meeting, agenda_item, 422, error=str(refused))
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_timeline_source(app, "meeting", timeline_meetings)
