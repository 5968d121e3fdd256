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
from casebook.cases.views import (
    fill_participant_choices,
    fill_result_choices,
    fill_status_choices,
    render_case,
)
from casebook.confidentiality import Confidentiality
from casebook.i18n import CONFIDENTIALITY_LABELS
from casebook.organisations.models import District


def _to_case(case: Case, anchor: str, message: str) -> Any:
    flash(message, "info")
    return redirect(url_for("cases.detail", case_id=case.id, _anchor=anchor))


def _refused(case: Case, form_name: str, form: Any, exc: CaseRuleError | StaleCase) -> tuple[str, int]:
    """Re-render the case page with the refused form: 409 for a stale form, 422 otherwise."""
    if isinstance(exc, StaleCase):
        form.version.data = exc.current_version  # a conscious resubmit applies to the current case
        form.version.raw_data = [str(exc.current_version)]
        return render_case(case, status=409, conflict=exc.changes, **{form_name: form})
    _attach_error(form, exc)
    return render_case(case, status=422, **{form_name: form})


def _attach_error(form: Any, exc: CaseRuleError) -> None:
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
        return render_case(case, status=422, transition_form=form)
    try:
        lifecycle.transition(
            case, form.to_status.data, reason=form.reason.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "transition_form", form, exc)
    return _to_case(case, "status", _("Status gewijzigd."))


@bp.post("/cases/<int:case_id>/closure")
def propose_closure(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.PROPOSE_CLOSURE)
    form = fill_result_choices(ProposeClosureForm(), case)
    if not form.validate():
        return render_case(case, status=422, propose_form=form)
    try:
        lifecycle.propose_closure(
            case, form.result.data, form.summary.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "propose_form", form, exc)
    return _to_case(case, "status", _("Voorstel tot afsluiten ingediend; een teamleider beoordeelt het."))


@bp.post("/cases/<int:case_id>/closure/decision")
def decide_closure(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.APPROVE_CLOSURE)
    form = DecideClosureForm()
    if not form.validate():
        return render_case(case, status=422, decide_form=form)
    approve = form.decision.data == "approve"
    try:
        lifecycle.decide_closure(
            case, approve=approve, comment=form.comment.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "decide_form", form, exc)
    return _to_case(case, "status", _("Casus afgesloten.") if approve else _("Voorstel teruggestuurd."))


@bp.post("/cases/<int:case_id>/reopen")
def reopen(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.REOPEN_CASE)
    form = fill_status_choices(ReopenForm(), case)
    if not form.validate():
        return render_case(case, status=422, reopen_form=form)
    try:
        lifecycle.reopen(
            case, form.to_status.data, reason=form.reason.data, by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused(case, "reopen_form", form, exc)
    return _to_case(case, "status", _("Casus heropend."))


@bp.post("/cases/<int:case_id>/participants")
def add_participant(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.MANAGE_PARTICIPANTS)
    form = fill_participant_choices(AddParticipantForm(), case)
    if not form.validate():
        return render_case(case, status=422, participant_form=form)
    try:
        participation.add_participant(
            case, form.organisation.data, Involvement(form.involvement.data), user_id=form.user.data, by=current_user
        )
    except CaseRuleError as exc:
        _attach_error(form, exc)
        return render_case(case, status=422, participant_form=form)
    return _to_case(case, "participants", _("Deelnemer toegevoegd."))


@bp.post("/cases/<int:case_id>/participants/<int:participant_id>/end")
def end_participant(case_id: int, participant_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.MANAGE_PARTICIPANTS)
    form = EndParticipantForm()
    if not form.validate():
        return render_case(case, status=422)
    try:
        participation.end_participant(case, participant_id, by=current_user)
    except CaseRuleError as exc:
        flash(str(exc.message), "error")
        return render_case(case, status=422)
    return _to_case(case, "participants", _("Deelname beëindigd."))


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
        _attach_error(form, exc)
        return _render_edit(case, form, 422)
    message = _("Casus bijgewerkt.") if changed else _("Er was niets gewijzigd.")
    return _to_case(case, "timeline", message)
