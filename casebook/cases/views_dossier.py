"""Screens that edit the dossier's summary (probleemanalyse, hulpvraag) and its signaleringen.

Each route: load through the policy (``UPDATE_CASE``; 404 when out of scope), validate the form's
shape, call one service, redirect to the case with a confirmation (303). A refused change re-renders
the form with the input kept: 422 for bad input, 409 when the case changed since the form was loaded.
Attached to the cases blueprint by ``casebook.cases.init_app``.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.access import Action, load_or_404
from casebook.cases import bp, dossier_changes
from casebook.cases import services as cases
from casebook.cases import summary_flags as dossier
from casebook.cases.dossier_forms import FlagsForm, SummaryForm
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.cases.models import Case
from casebook.cases.views_process import attach_error
from casebook.i18n import select_locale


def _load_for_form(case_id: int) -> Case:
    """The case for an edit form (``UPDATE_CASE``, or an audited 404). The form shows what the
    dossier read returns, and that read is the page's one audit event (``case.dossier.view``)."""
    return load_or_404(current_user, Case, case_id, Action.UPDATE_CASE, audit_read=False)


def _done(case: Case, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("cases.detail", case_id=case.id), code=303)


def _render(template: str, case: Case, form: Any, status: int = 200, conflict: Any = None) -> tuple[str, int]:
    return render_template(template, case=case, form=form, conflict=conflict), status


def _refused(template: str, case: Case, form: Any, exc: CaseRuleError | StaleCase) -> tuple[str, int]:
    if isinstance(exc, StaleCase):
        form.version.data = exc.current_version  # a conscious resubmit applies to the current case
        form.version.raw_data = [str(exc.current_version)]
        return _render(template, case, form, 409, conflict=exc.changes)
    attach_error(form, exc)
    return _render(template, case, form, 422)


# -- probleemanalyse and hulpvraag ---------------------------------------------------------------


@bp.get("/cases/<int:case_id>/summary/edit")
def edit_summary(case_id: int) -> Any:
    case = _load_for_form(case_id)
    form = SummaryForm(formdata=None)
    form.version.data = case.version
    shown = dossier.summary_flags_for(current_user, case)  # the texts, read and audited
    summary = (shown or {}).get("summary") or {}
    form.problem_analysis.data = summary.get("problem_analysis")
    form.help_request.data = summary.get("help_request")
    return _render("cases/summary_edit.html", case, form)


@bp.post("/cases/<int:case_id>/summary/edit")
def update_summary(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.UPDATE_CASE)
    form = SummaryForm()
    if not form.validate():
        return _render("cases/summary_edit.html", case, form, 422)
    edit = dossier_changes.SummaryEdit(problem_analysis=form.problem_analysis.data, help_request=form.help_request.data)
    try:
        changed = dossier_changes.update_summary(case, edit, by=current_user, expected_version=form.version.data)
    except (CaseRuleError, StaleCase) as exc:
        return _refused("cases/summary_edit.html", case, form, exc)
    return _done(case, _("Probleemanalyse en hulpvraag opgeslagen.") if changed else _("Er was niets gewijzigd."))


# -- signaleringen --------------------------------------------------------------------------------


def _flags_form(case: Case, *, formdata: bool) -> FlagsForm:
    """Blank (GET): the current flags checked, read through the audited dossier read. Posted: the
    choices only; the service reads the current flags again and audits the change."""
    if formdata:
        current = {flag.flag_type.code for flag in dossier.current_flags(case)}
    else:
        current = {flag["code"] for flag in (dossier.summary_flags_for(current_user, case) or {}).get("flags", [])}
    form = FlagsForm() if formdata else FlagsForm(formdata=None)
    form.fill_choices(dossier.flag_types(), current, select_locale())
    if not formdata:
        form.version.data = case.version
        form.flags.data = sorted(current)
    return form


@bp.get("/cases/<int:case_id>/flags/edit")
def edit_flags(case_id: int) -> Any:
    case = _load_for_form(case_id)
    return _render("cases/flags_edit.html", case, _flags_form(case, formdata=False))


@bp.post("/cases/<int:case_id>/flags/edit")
def update_flags(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.UPDATE_CASE)
    form = _flags_form(case, formdata=True)
    if not form.validate():
        return _render("cases/flags_edit.html", case, form, 422)
    try:
        change = dossier_changes.set_flags(
            case, form.flags.data or [], by=current_user, expected_version=form.version.data
        )
    except (CaseRuleError, StaleCase) as exc:
        return _refused("cases/flags_edit.html", case, form, exc)
    return _done(case, _("Signaleringen opgeslagen.") if change else _("Er was niets gewijzigd."))
