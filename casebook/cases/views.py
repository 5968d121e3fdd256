"""Case screens: the list, and the case dossier (``casebook.cases.dossier``): its Overzicht and a
page per tab.

Changes live in ``views_process`` (status, closing, reopening, editing, participants; its routes are
attached by ``casebook.cases.init_app``): a refused form re-renders its tab with the user's input
kept (422), or with what changed meanwhile (409).
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from casebook.cases import bp, choices, lifecycle
from casebook.cases import participants as participation
from casebook.cases import services as cases
from casebook.cases.dossier import OVERVIEW, render_dossier
from casebook.cases.extensions import section_at
from casebook.cases.forms import (
    AddParticipantForm,
    ProposeClosureForm,
    ReopenForm,
    TransitionForm,
)
from casebook.cases.models import Case
from casebook.i18n import select_locale


@bp.get("/cases/<int:case_id>")
def detail(case_id: int) -> tuple[str, int]:
    """The dossier's Overzicht: the header, the process and a summary of each section."""
    case = cases.load_for(current_user, case_id)
    return render_dossier(case, OVERVIEW)


@bp.get("/cases/<int:case_id>/<path>")
def section(case_id: int, path: str) -> tuple[str, int]:
    """A tab of the dossier (``/cases/<id>/journal``, ``/plan`` …): whatever section a module
    registered at ``path``; 404 for an unknown path, or a section this viewer may not see."""
    case = cases.load_for(current_user, case_id)
    registered = section_at(path)
    if registered is None:
        abort(404)
    return render_dossier(case, registered.key)


def fill_status_choices(form: TransitionForm | ReopenForm, case: Case) -> Any:
    """The type's steps from the reference data kept per process; the transition checks the step
    against the case's own type again."""
    locale = select_locale()
    statuses = choices.statuses_of(case.case_type_id)
    form.to_status.choices = [(None, "—")] + [
        (s.id, s.label(locale)) for s in lifecycle.transition_targets(case, statuses)
    ]
    if isinstance(form, ReopenForm):
        form.to_status.choices = [(None, "—")] + [(s.id, s.label(locale)) for s in statuses if not s.is_end]
    return form


def fill_result_choices(form: ProposeClosureForm, case: Case) -> ProposeClosureForm:
    """The type's active results, kept per process; proposing checks the result again."""
    locale = select_locale()
    form.result.choices = [(None, "—")] + [(r.id, r.label(locale)) for r in choices.results_of(case.case_type_id)]
    return form


def fill_participant_choices(form: AddParticipantForm, case: Case) -> AddParticipantForm:
    form.organisation.choices = [(None, "—")] + [(o.id, o.name) for o in participation.organisation_choices(case)]
    form.user.choices = [(None, "—")] + [
        (u.id, f"{u.display_name} ({u.organisation.name})") for u in participation.user_choices(case)
    ]
    return form
