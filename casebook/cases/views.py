"""Case screens: the list, and the case page as a timeline with its process forms.

Changes live in ``views_process`` (status, closing, reopening, editing, participants; its routes are
attached by ``casebook.cases.init_app``); both
render the case page through ``render_case`` so a refused form re-renders in place with the
user's input kept (422), or with what changed meanwhile (409).
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from casebook.access import Action, can
from casebook.cases import bp, choices, lifecycle
from casebook.cases import participants as participation
from casebook.cases import services as cases
from casebook.cases.errors import ChangeSummary
from casebook.cases.extensions import one_read_per_module, sections_for, timeline_for, timeline_kinds
from casebook.cases.forms import (
    AddParticipantForm,
    DecideClosureForm,
    EndParticipantForm,
    ProposeClosureForm,
    ReopenForm,
    TransitionForm,
)
from casebook.cases.models import Case
from casebook.i18n import select_locale


@bp.get("/cases/<int:case_id>")
def detail(case_id: int) -> str:
    case = cases.load_for(current_user, case_id)
    return render_case(case)


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


def _fresh(form_class: type, case: Case) -> Any:
    form = form_class(formdata=None)
    if hasattr(form, "version"):
        form.version.data = case.version
    return form


def render_case(
    case: Case, *, status: int = 200, conflict: list[ChangeSummary] | None = None, **forms: Any
) -> tuple[str, int]:
    """The case page. ``forms`` overrides the blank forms (a refused form keeps its input).

    Built inside ``one_read_per_module``: every module's data is read (and audited) once, however
    many places on the page — sections, timeline, form choices — show it."""
    with one_read_per_module():
        return _render_case(case, status=status, conflict=conflict, **forms)


def _render_case(case: Case, *, status: int, conflict: list[ChangeSummary] | None, **forms: Any) -> tuple[str, int]:
    user = current_user
    kinds = [k for k in request.args.getlist("kind") if k in timeline_kinds()]
    allowed = {
        "transition": can(user, Action.TRANSITION_CASE, case),
        "propose": can(user, Action.PROPOSE_CLOSURE, case),
        "decide": can(user, Action.APPROVE_CLOSURE, case),
        "reopen": can(user, Action.REOPEN_CASE, case),
        "participants": can(user, Action.MANAGE_PARTICIPANTS, case),
        "edit": can(user, Action.UPDATE_CASE, case),
    }
    context = {
        "transition_form": fill_status_choices(forms.get("transition_form") or _fresh(TransitionForm, case), case),
        "propose_form": fill_result_choices(forms.get("propose_form") or _fresh(ProposeClosureForm, case), case),
        "decide_form": forms.get("decide_form") or _fresh(DecideClosureForm, case),
        "reopen_form": fill_status_choices(forms.get("reopen_form") or _fresh(ReopenForm, case), case),
        "participant_form": forms.get("participant_form") or _fresh(AddParticipantForm, case),
        "end_form": EndParticipantForm(formdata=None),
    }
    if allowed["participants"] and not case.closed_at:  # the form is shown: its choices are read
        fill_participant_choices(context["participant_form"], case)
    # Case content (subject names, summaries, the proposal's result and text) only for readers
    # of content; a supervisor sees metadata, and the proposal in the approval step (audited).
    content = can(user, Action.READ_CASE_CONTENT, case)
    proposal = lifecycle.pending_proposal(case)
    proposal_shown = proposal if content or proposal is None else lifecycle.proposal_for_approval(user, case)
    household_coordination = None
    if case.household_id:
        from casebook.households.services import coordination_of

        household_coordination = coordination_of(case.household_id)
    sections = [
        (section, Markup(render_template(section.template, case=case, **section_context)))  # noqa: S704
        for section, section_context in sections_for(user, case)
    ]
    html = render_template(
        "cases/detail.html",
        case=case,
        allowed=allowed,
        next_status=lifecycle.next_status(case, choices.statuses_of(case.case_type_id)),
        proposal=proposal,
        proposal_shown=proposal_shown,
        content=content,
        sections=sections,
        timeline=timeline_for(user, case, kinds or None),
        timeline_kinds=timeline_kinds(),
        selected_kinds=kinds,
        conflict=conflict,
        household_coordination=household_coordination,
        **context,
    )
    return html, status
