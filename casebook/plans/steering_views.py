"""Routes that steer the plan: editing a goal, editing and moving an action, recording an evaluation.

Each page is a form with the item's history under it; a refused change re-renders it with the
input kept (422), a stale one with the input kept and the item's new version (409).
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casebook.access import Action
from casebook.auth.models import User
from casebook.cases.errors import StaleCase
from casebook.cases.models import Case
from casebook.casework import back_to_section, closed_case_redirect, load_case
from casebook.db import db
from casebook.i18n import LIFE_DOMAIN_LABELS
from casebook.organisations.models import Organisation
from casebook.plans import bp, steering
from casebook.plans import services as plans
from casebook.plans.evaluations import GoalProgressInput, participant_organisations, record_evaluation
from casebook.plans.forms import ActionEditForm, ActionMoveForm, GoalEditForm, evaluation_form_for
from casebook.plans.models import GoalStatus, PlanAction, PlanGoal
from casebook.plans.views import action_arguments, apply_refusal, fill_action_form

GOAL_PAGE = "plans/goal_edit.html"
ACTION_PAGE = "plans/action_edit.html"
EVALUATION_PAGE = "plans/evaluation_form.html"


def _owner_choices(case: Case) -> list[tuple[str, str]]:
    return [("", _("— geen —")), *((str(o.id), o.name) for o in plans.owner_organisations(case))]


def _organisation(value: str | None) -> Organisation | None:
    return db.session.get(Organisation, int(value)) if value else None


def _keep_stale(form: Any, exc: plans.StalePlanItem) -> None:
    """The input stays; the form now carries the current version, so resubmitting applies it."""
    form.version.data = exc.current_version
    form.version.raw_data = [str(exc.current_version)]


# -- goals -----------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/plan/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(case_id: int, goal_id: int) -> Response | str | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    goal = plans.load_goal(current_user, case, goal_id)
    if (closed := closed_case_redirect(case)) is not None:
        return closed
    form = GoalEditForm()
    form.owner_organisation.choices = _owner_choices(case)
    if not form.is_submitted():
        form = GoalEditForm(
            formdata=None,
            text=goal.text,
            target_on=goal.target_on,
            status=goal.status.value,
            owner_organisation=str(goal.owner_organisation_id or ""),
            version=goal.version,
        )
        form.owner_organisation.choices = _owner_choices(case)
        return render_template(GOAL_PAGE, case=case, goal=goal, form=form)
    status, error = 422, None
    if form.validate():
        try:
            steering.edit_goal(
                goal,
                by=current_user,
                text=form.text.data,
                target_on=form.target_on.data,
                status=form.status.data or GoalStatus.OPEN,
                owner_organisation=_organisation(form.owner_organisation.data),
                expected_version=form.version.data,
            )
        except plans.StalePlanItem as exc:
            _keep_stale(form, exc)
            status, error = 409, _("Het doel is intussen gewijzigd; bekijk de geschiedenis en sla opnieuw op.")
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "text")
        else:
            return back_to_section(case, "plan", _("Doel gewijzigd."), f"goal-{goal.id}")
    return render_template(GOAL_PAGE, case=case, goal=goal, form=form, conflict=error), status


# -- actions ---------------------------------------------------------------------------------------


def _move_form(case: Case, action: PlanAction, *, submitted: bool = False) -> ActionMoveForm:
    form = ActionMoveForm() if submitted else ActionMoveForm(formdata=None, version=action.version)
    form.goal.choices = [("", _("— kies —"))] + [
        (str(g.id), f"{LIFE_DOMAIN_LABELS[g.domain.value]}: {g.text[:80]}")
        for g in plans.goals_of(case)
        if g.id != action.goal_id
    ]
    return form


def _action_page(case: Case, action: PlanAction, status: int = 200, **forms: Any) -> tuple[str, int]:
    edit_form = forms.get("form")
    if edit_form is None:
        edit_form = fill_action_form(
            ActionEditForm(
                formdata=None,
                description=action.description,
                owner_organisation=str(action.owner_organisation_id),
                owner_user=str(action.owner_user_id or ""),
                due_on=action.due_on,
                version=action.version,
            ),
            case,
            with_goal=False,
        )
    context = {
        "case": case,
        "action": action,
        "form": edit_form,
        "move_form": forms.get("move_form") or _move_form(case, action),
        "conflict": forms.get("conflict"),
        "goals_by_id": {g.id: g for g in plans.goals_of(case)},
    }
    return render_template(ACTION_PAGE, **context), status


@bp.route("/cases/<int:case_id>/plan/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit_action(case_id: int, action_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    action = steering.read_action(current_user, case, action_id)
    if (closed := closed_case_redirect(case)) is not None:
        return closed
    form = fill_action_form(ActionEditForm(), case, with_goal=False)
    if not form.is_submitted():
        return _action_page(case, action)
    status, error = 422, None
    if form.validate():
        try:
            steering.edit_action(
                action, by=current_user, expected_version=form.version.data, **action_arguments(form, case)
            )
        except plans.StalePlanItem as exc:
            _keep_stale(form, exc)
            status, error = 409, _("De actie is intussen gewijzigd; bekijk de geschiedenis en sla opnieuw op.")
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "description")
        else:
            return back_to_section(case, "plan", _("Actie gewijzigd."), f"action-{action.id}")
    return _action_page(case, action, status, form=form, conflict=error)


@bp.post("/cases/<int:case_id>/plan/actions/<int:action_id>/move")
def move_action(case_id: int, action_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    action = steering.read_action(current_user, case, action_id)
    form = _move_form(case, action, submitted=True)
    status, error = 422, None
    if form.validate_on_submit():
        goal = db.session.get(PlanGoal, int(form.goal.data))
        try:
            if goal is None:
                raise plans.PlanRefused(_("Kies een doel."), "goal")
            steering.move_action(action, by=current_user, goal=goal, expected_version=form.version.data)
        except plans.StalePlanItem as exc:
            _keep_stale(form, exc)
            status, error = 409, _("De actie is intussen gewijzigd; bekijk de geschiedenis en verplaats opnieuw.")
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "goal")
        else:
            return back_to_section(case, "plan", _("Actie verplaatst."), f"action-{action.id}")
    return _action_page(case, action, status, move_form=form, conflict=error)


# -- evaluations -----------------------------------------------------------------------------------


def _evaluation_goals(user: User, case: Case) -> list[PlanGoal]:
    """The open goals of the case, read with the plan (the page's one audited read of it)."""
    view = plans.plan_for(user, case)
    return [g for goals in view.goals_by_domain.values() for g in goals if g.status is GoalStatus.OPEN]


def _evaluation_form(goals: list[PlanGoal], case: Case, **kwargs: Any) -> Any:
    form = evaluation_form_for([g.id for g in goals], **kwargs)
    form.participants.choices = [(str(o.id), o.name) for o in participant_organisations(case)]
    return form


@bp.route("/cases/<int:case_id>/plan/evaluations/new", methods=["GET", "POST"])
def record(case_id: int) -> Response | str | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    if (closed := closed_case_redirect(case)) is not None:
        return closed
    goals = _evaluation_goals(current_user, case)
    form = _evaluation_form(goals, case)
    if not form.is_submitted():
        form = _evaluation_form(
            goals, case, formdata=None, version=case.version, participants=[str(current_user.organisation_id)]
        )
        return render_template(EVALUATION_PAGE, case=case, goals=goals, form=form)
    status, conflict = 422, None
    if form.validate():
        chosen = [o for o in participant_organisations(case) if str(o.id) in (form.participants.data or [])]
        lines = [GoalProgressInput(g, form[f"progress-{g.id}"].data, form[f"note-{g.id}"].data) for g in goals]
        try:
            record_evaluation(
                case,
                by=current_user,
                held_on=form.held_on.data,
                participants=chosen,
                goals=lines,
                decision=form.decision.data,
                next_evaluation_on=form.next_evaluation_on.data,
                expected_version=form.version.data,
                other_participants=form.other_participants.data,
            )
        except StaleCase as exc:
            form.version.data = exc.current_version
            form.version.raw_data = [str(exc.current_version)]
            status, conflict = 409, exc.changes
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "decision")
        else:
            return back_to_section(case, "plan", _("Evaluatie vastgelegd."), "evaluations")
    return render_template(EVALUATION_PAGE, case=case, goals=goals, form=form, conflict=conflict), status
