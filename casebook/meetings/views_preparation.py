"""Casusoverleg routes for preparing and recording a meeting: change its details, record attendance,
and "agenderen" from the case page (a block on the case's Overzicht).

Each route parses its form and calls one service (``casebook.meetings.preparation``); a refused or
stale form is shown again with its input (422, or 409 for a stale version).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.dossier import render_dossier
from casebook.cases.extensions import CaseSection, read_once, register_section
from casebook.cases.models import Case
from casebook.casework import load_case, local_today
from casebook.i18n import show_date
from casebook.meetings import bp, preparation
from casebook.meetings import services as meetings
from casebook.meetings.details import MeetingRefused, StaleMeeting
from casebook.meetings.forms import AttendanceForm, MeetingEditForm, PlaceCaseForm
from casebook.meetings.models import Meeting
from casebook.meetings.views import (
    detail_page,
    details_from,
    fill_attendance_form,
    fill_meeting_form,
    organisations_of,
    users_of,
)
from casebook.plans.views import apply_refusal

_REFUSED_PLACE_FORM = "meetings_place_form"


# -- changing a meeting ------------------------------------------------------------------------


def _edit_form(meeting: Meeting) -> MeetingEditForm:
    form = MeetingEditForm(
        formdata=None,
        title=meeting.title,
        held_on=meeting.held_on,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        version=meeting.version,
    )
    form.organisations.data = [str(i.organisation_id) for i in meeting.invitations]
    form.chair.data = str(meeting.chair_id) if meeting.chair_id else ""
    form.minute_taker.data = str(meeting.minute_taker_id) if meeting.minute_taker_id else ""
    form.persons.data = [str(a.user_id) for a in meeting.attendees if a.invited]
    return fill_meeting_form(form)  # type: ignore[return-value]


def _edit_page(meeting: Meeting, form: MeetingEditForm, status: int = 200, conflict: bool = False):
    return render_template("meetings/edit.html", meeting=meeting, form=form, conflict=conflict), status


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int) -> Response | tuple[str, int]:
    meeting = meetings.load_meeting(current_user, meeting_id)
    meetings.require_manage(current_user, meeting, "meeting.update")
    form = fill_meeting_form(MeetingEditForm())
    if not form.is_submitted():
        return _edit_page(meeting, _edit_form(meeting))
    if form.validate():
        try:
            preparation.update_meeting(
                meeting,
                by=current_user,
                expected_version=form.version.data,
                title=form.title.data,
                held_on=form.held_on.data,
                organisations=organisations_of(form.organisations.data or []),
                details=details_from(form),
            )
        except StaleMeeting as exc:
            form.version.data, form.version.raw_data = exc.current_version, [str(exc.current_version)]
            return _edit_page(meeting, form, 409, conflict=True)
        except MeetingRefused as refused:
            apply_refusal(form, refused, "title")
        else:
            flash(_("Overleg gewijzigd."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id), 303)
    return _edit_page(meeting, form, 422)


@bp.post("/meetings/<int:meeting_id>/attendance")
def attendance(meeting_id: int) -> Response | tuple[str, int]:
    meeting = meetings.load_meeting(current_user, meeting_id)
    meetings.require_manage(current_user, meeting, "meeting.attendance")
    form = fill_attendance_form(AttendanceForm(), meeting)
    if form.validate_on_submit():
        try:
            preparation.record_attendance(
                meeting,
                by=current_user,
                expected_version=form.version.data,
                organisations=organisations_of(form.organisations.data or []),
                persons=users_of(form.persons.data or []),
            )
        except StaleMeeting as exc:
            form.version.data, form.version.raw_data = exc.current_version, [str(exc.current_version)]
            return detail_page(meeting, 409, attendance_form=form, conflict=True)
        except MeetingRefused as refused:
            apply_refusal(form, refused, "organisations")
        else:
            flash(_("Aanwezigheid vastgelegd."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="attendance"), 303)
    return detail_page(meeting, 422, attendance_form=form)


# -- agenderen from the case page --------------------------------------------------------------


def _place_form(user: User, case: Case, offered: list[Meeting]) -> PlaceCaseForm:
    form = g.pop(_REFUSED_PLACE_FORM, None) or PlaceCaseForm(formdata=None)
    form.meeting.choices = [("", _("— kies een overleg —"))] + [
        (str(m.id), f"{m.title} — {show_date(m.held_on)}" + (f" {m.starts_at:%H:%M}" if m.starts_at else ""))
        for m in offered
    ]
    return form


def case_summary(user: User, case: Case) -> dict[str, Any] | None:
    """The Overzicht's casusoverleg block: the coming meetings the case is on, and for who may put it on
    one the form to do so. Only for who may put cases on an agenda; the placements come from the
    module's one audited read of the case's agenda (shared with the timeline)."""
    if not can(user, Action.PLACE_ON_AGENDA, None):
        return None
    offered = preparation.meetings_open_for(user, case)
    placed = read_once("meetings", user, case, lambda: meetings.case_agenda(user, case))
    coming = [p for p in placed if p.meeting_visible and p.item.meeting.held_on >= local_today()]
    if not offered and not coming:
        return None
    return {"offered": offered, "coming": coming, "form": _place_form(user, case, offered) if offered else None}


@bp.post("/cases/<int:case_id>/agenda")
def place_case(case_id: int) -> Response | tuple[str, int]:
    """Agenderen: put this case on a coming meeting the user runs."""
    case = load_case(current_user, case_id, Action.PLACE_ON_AGENDA)
    offered = {str(m.id): m for m in preparation.meetings_open_for(current_user, case)}
    form = PlaceCaseForm()
    form.meeting.choices = [("", ""), *((key, key) for key in offered)]
    if form.validate_on_submit():
        try:
            item = preparation.put_on_agenda(case, offered[form.meeting.data], by=current_user)
        except MeetingRefused as refused:
            apply_refusal(form, refused, "meeting")
        else:
            meeting = item.meeting
            flash(_("Geagendeerd voor %(title)s van %(date)s.", title=meeting.title, date=show_date(meeting.held_on)))
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="summary-meetings"), 303)
    if form.meeting.errors and form.meeting.data not in offered:
        form.meeting.errors = [_("Kies een komend overleg.")]
    g.setdefault(_REFUSED_PLACE_FORM, form)
    return render_dossier(case, status=422)


def register(app: Flask) -> None:
    """The Overzicht's casusoverleg block (no tab of its own: the timeline shows the history)."""
    register_section(
        app,
        CaseSection(
            key="meetings",
            template="meetings/_case_summary.html",
            load=lambda user, case: None,
            order=60,
            action=Action.VIEW_CASE,
            summary=case_summary,
            summary_template="meetings/_case_summary.html",
        ),
    )
