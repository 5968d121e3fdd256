"""Routes that change a case: status, closing, reopening, editing fields, participants.

Each route: load through the policy (404 when out of scope), validate the form's shape, call one
service, redirect. A refused change re-renders with the input kept: 422 for bad input, 409 when
the case changed since the form was loaded (optimistic locking).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.access import Action, can
from casebook.cases import bp, editing, lifecycle
from casebook.cases import participants as participation
from casebook.cases import services as cases
from casebook.cases.dossier import OVERVIEW, render_dossier, url_of
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.cases.forms import (
    AddParticipantForm,
    DecideClosureForm,
    EditCaseForm,
    EndParticipantForm,
    ProposeClosureForm,
    ReopenForm,
    TransitionForm,
)
from casebook.cases.models import Case, Involvement
from casebook.cases.views import fill_participant_choices, fill_result_choices, fill_status_choices
from casebook.confidentiality import Confidentiality
from casebook.i18n import CONFIDENTIALITY_LABELS
from casebook.organisations.models import District

# The form each refused change re-opens, on the tab it belongs to (``?form=`` names the same).
OPEN_FORMS = {
    "transition_form": (OVERVIEW, "status"),
    "propose_form": (OVERVIEW, "closure"),
    "decide_form": (OVERVIEW, "decision"),
    "reopen_form": (OVERVIEW, "reopen"),
    "participant_form": ("people", "participant"),
}


def _to_section(case: Case, key: str, message: str) -> Any:
    """Post/Redirect/Get: back to the tab the change belongs to, with a confirmation."""
    flash(message, "success")
    return redirect(url_of(case, key), 303)


def _reshow(case: Case, form_name: str, form: Any, status: int = 422, conflict: Any = None) -> tuple[str, int]:
    key, open_form = OPEN_FORMS[form_name]
    return render_dossier(case, key, status=status, open_form=open_form, conflict=conflict, **{form_name: form})


def _refused(case: Case, form_name: str, form: Any, exc: CaseRuleError | StaleCase) -> tuple[str, int]:
    """Re-render the tab with the refused form open: 409 for a stale form, 422 otherwise. A refusal
    about the case's state (closed, still in its first step) is no fault of the input: the tab with
    the message, 409."""
    if getattr(exc, "about_state", False):
        flash(str(exc.message), "error")
        return render_dossier(case, OPEN_FORMS[form_name][0], status=409)
    if isinstance(exc, StaleCase):
        form.version.data = exc.current_version  # a conscious resubmit applies to the current case
        form.version.raw_data = [str(exc.current_version)]
        return _reshow(case, form_name, form, 409, conflict=exc.changes)
    attach_error(form, exc)
    return _reshow(case, form_name, form)


def attach_error(form: Any, exc: CaseRuleError) -> None:
    """Show a refused change's message on its field, or above the form when it names none."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


@bp.post("/cases/<int:case_id>/status")
def transition(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.TRANSITION_CASE)
    form = fill_status_choices(TransitionForm(), case)
    if not form.validate():
        return _reshow(case, "transition_form", form)
    try:
        lifecycle.transition(
            case, form.to_status.data, reason=form.reason.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "transition_form", form, exc)
    return _to_section(case, OVERVIEW, _("Status gewijzigd."))


@bp.post("/cases/<int:case_id>/closure")
def propose_closure(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.PROPOSE_CLOSURE)
    form = fill_result_choices(ProposeClosureForm(), case)
    if not form.validate():
        return _reshow(case, "propose_form", form)
    try:
        lifecycle.propose_closure(
            case, form.result.data, form.summary.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "propose_form", form, exc)
    approver = case.closure_approver_organisation
    return _to_section(
        case,
        OVERVIEW,
        _("Voorstel tot afsluiten ingediend; het wordt beoordeeld door een teamleider van %(org)s.", org=approver.name),
    )


@bp.post("/cases/<int:case_id>/closure/decision")
def decide_closure(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.APPROVE_CLOSURE)
    form = DecideClosureForm()
    if not form.validate():
        return _reshow(case, "decide_form", form)
    approve = form.decision.data == "approve"
    try:
        lifecycle.decide_closure(
            case, approve=approve, comment=form.comment.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "decide_form", form, exc)
    message = _("Casus afgesloten.") if approve else _("Voorstel teruggestuurd.")
    if not can(current_user, Action.VIEW_CASE, case):  # a fallback approver saw it only while it waited
        flash(message, "success")
        return redirect(url_for("work.closures"), 303)
    return _to_section(case, OVERVIEW, message)


@bp.post("/cases/<int:case_id>/reopen")
def reopen(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.REOPEN_CASE)
    form = fill_status_choices(ReopenForm(), case)
    if not form.validate():
        return _reshow(case, "reopen_form", form)
    try:
        lifecycle.reopen(
            case, form.to_status.data, reason=form.reason.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "reopen_form", form, exc)
    return _to_section(case, OVERVIEW, _("Casus heropend."))


@bp.post("/cases/<int:case_id>/participants")
def add_participant(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.MANAGE_PARTICIPANTS)
    form = fill_participant_choices(AddParticipantForm(), case)
    if not form.validate():
        return _reshow(case, "participant_form", form)
    try:
        participation.add_participant(
            case, form.organisation.data, Involvement(form.involvement.data), user_id=form.user.data, by=current_user
        )
    except CaseRuleError as exc:
        attach_error(form, exc)
        return _reshow(case, "participant_form", form)
    return _to_section(case, "people", _("Deelnemer toegevoegd."))


@bp.post("/cases/<int:case_id>/participants/<int:participant_id>/end")
def end_participant(case_id: int, participant_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.MANAGE_PARTICIPANTS)
    form = EndParticipantForm()
    if not form.validate():
        return render_dossier(case, "people", status=422)
    try:
        participation.end_participant(case, participant_id, by=current_user)
    except CaseRuleError as exc:
        flash(str(exc.message), "error")
        return render_dossier(case, "people", status=422)
    return _to_section(case, "people", _("Deelname beëindigd."))


# -- editing the case's fields -------------------------------------------------------------------


def _edit_form(case: Case, formdata: bool) -> EditCaseForm:
    form = EditCaseForm() if formdata else EditCaseForm(formdata=None)
    from sqlalchemy import select

    from casebook.db import db

    districts = db.session.scalars(select(District).order_by(District.name))
    form.district.choices = [(None, "—")] + [(d.id, d.name) for d in districts]
    form.confidentiality.choices = [
        (int(level), str(CONFIDENTIALITY_LABELS[int(level)]))
        for level in Confidentiality
        if level >= case.case_type.default_confidentiality
    ]
    form.process_coordinator.choices = [(None, "—")] + [
        (u.id, u.display_name) for u in editing.coordinator_choices(case)
    ]
    if not formdata:
        form.version.data = case.version
        form.district.data = case.district_id
        form.confidentiality.data = int(case.confidentiality)
        form.next_evaluation_on.data = case.next_evaluation_on
        form.process_coordinator.data = case.process_coordinator_id
    return form


def _render_edit(case: Case, form: EditCaseForm, status: int = 200, conflict: Any = None) -> tuple[str, int]:
    process_allowed = can(current_user, Action.TRANSITION_CASE, case)
    html = render_template("cases/edit.html", case=case, form=form, conflict=conflict, process_allowed=process_allowed)
    return html, status


@bp.get("/cases/<int:case_id>/edit")
def edit(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.UPDATE_CASE)
    if not lifecycle.accepts_changes(case):  # no form that cannot be saved: back, with the reason
        flash(_("Deze casus is afgesloten. Heropen de casus eerst."), "error")
        return redirect(url_of(case, OVERVIEW), 303)
    return _render_edit(case, _edit_form(case, formdata=False))


@bp.post("/cases/<int:case_id>/edit")
def update(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.UPDATE_CASE)
    form = _edit_form(case, formdata=True)
    if not form.validate():
        return _render_edit(case, form, 422)
    if can(current_user, Action.TRANSITION_CASE, case):
        change = editing.CaseEdit(
            district_id=form.district.data,
            confidentiality=Confidentiality(form.confidentiality.data or case.confidentiality),
            next_evaluation_on=form.next_evaluation_on.data,
            process_coordinator_id=form.process_coordinator.data,
        )
    else:  # process fields are shown read-only to this user: keep the case's values
        change = editing.CaseEdit(
            district_id=case.district_id,
            confidentiality=case.confidentiality,
            next_evaluation_on=form.next_evaluation_on.data,
            process_coordinator_id=case.process_coordinator_id,
        )
    try:
        changed = editing.update_case(case, change, by=current_user, expected_version=form.version.data)
    except StaleCase as exc:
        form.version.data = exc.current_version
        form.version.raw_data = [str(exc.current_version)]
        return _render_edit(case, form, 409, conflict=exc.changes)
    except CaseRuleError as exc:
        attach_error(form, exc)
        return _render_edit(case, form, 422)
    message = _("Casus bijgewerkt.") if changed else _("Er was niets gewijzigd.")
    return _to_section(case, OVERVIEW, message)
