"""Plan van aanpak routes, the plan section of the case page and plan changes on the timeline."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from casebook.access import AccessDenied, Action, can
from casebook.auth.models import User
from casebook.cases.dossier import render_dossier
from casebook.cases.errors import StaleCase
from casebook.cases.extensions import (
    CaseFact,
    CaseSection,
    TimelineEntry,
    read_once,
    register_section,
    register_timeline_source,
)
from casebook.cases.lifecycle import accepts_changes
from casebook.cases.models import Case
from casebook.casework import back_to_section, closed_case_redirect, load_case, section_url
from casebook.db import db
from casebook.i18n import ACTION_STATUS_LABELS, LIFE_DOMAIN_LABELS
from casebook.organisations.models import Organisation
from casebook.plans import bp
from casebook.plans import services as plans
from casebook.plans.forms import ActionForm, ActionStatusForm, CaseManagerForm, EvaluationForm, GoalForm
from casebook.plans.models import PlanGoal


def fill_action_form(form: ActionForm, case: Case, *, with_goal: bool) -> ActionForm:
    """Choices from the case: its goals, its owner organisations and their workers."""
    if with_goal:
        goals = db.session.scalars(select(PlanGoal).where(PlanGoal.case_id == case.id).order_by(PlanGoal.id))
        form.goal.choices = [("", _("— geen doel (losse actie) —"))] + [
            (str(g.id), f"{LIFE_DOMAIN_LABELS[g.domain.value]}: {g.text[:80]}") for g in goals
        ]
    else:
        del form.goal
    form.owner_organisation.choices = [("", _("— kies —"))] + [
        (str(o.id), o.name) for o in plans.owner_organisations(case)
    ]
    form.owner_user.choices = [("", _("— geen —"))] + [
        (str(u.id), f"{u.display_name} ({u.organisation.name})") for u in plans.owner_users(case)
    ]
    return form


def fill_goal_form(form: GoalForm, case: Case) -> GoalForm:
    """The owner's choices: the lead and contributing organisations."""
    form.owner_organisation.choices = [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in plans.owner_organisations(case)
    ]
    return form


def action_arguments(form: ActionForm, case: Case) -> dict[str, Any]:
    """Turn validated form input into ``plans.add_action`` keywords (ids resolved, unknown ids → None)."""
    org = db.session.get(Organisation, int(form.owner_organisation.data)) if form.owner_organisation.data else None
    user = db.session.get(User, int(form.owner_user.data)) if form.owner_user.data else None
    arguments: dict[str, Any] = {
        "description": form.description.data,
        "owner_organisation": org,
        "owner_user": user,
        "due_on": form.due_on.data,
    }
    if "goal" in form:
        goal = db.session.get(PlanGoal, int(form.goal.data)) if form.goal.data else None
        if goal is not None and goal.case_id != case.id:
            goal = None
        arguments["goal"] = goal
    return arguments


def apply_refusal(form: Any, refused: plans.PlanRefused, fallback: str) -> None:
    name = refused.field if refused.field and refused.field in form else fallback
    form[name].errors = [*form[name].errors, str(refused)]


def _context(user: User, case: Case, **forms: Any) -> dict[str, Any]:
    """The plan tab. Its forms open on demand (``?form=goal|evaluation|case-manager``) and are offered
    only while the case takes changes; ``forms`` keeps a refused form's input."""
    open_case = accepts_changes(case)
    may_edit = open_case and can(user, Action.EDIT_PLAN, case)
    may_direct = open_case and can(user, Action.MANAGE_PARTICIPANTS, case)
    context: dict[str, Any] = {
        "plan": _plan_on_case_page(user, case),
        "can_edit_plan": may_edit,
        "goal_form": forms.get("goal_form") or (fill_goal_form(GoalForm(formdata=None), case) if may_edit else None),
        "evaluation_form": forms.get("evaluation_form")
        or (
            EvaluationForm(formdata=None, next_evaluation_on=case.next_evaluation_on, version=case.version)
            if may_edit
            else None
        ),
        "case_manager_form": None,
        "can_direct": may_direct,
        "status_form": ActionStatusForm(formdata=None) if may_edit else None,
        "plan_error": forms.get("plan_error"),
        "can_record_evaluation": may_edit,
    }
    context["completable"] = _completable(user, context["plan"]) if may_edit else set()
    opened = forms.get("open_form") or request.args.get("form")
    if may_direct and (opened == "case-manager" or forms.get("case_manager_form")):  # its choices are read
        form = forms.get("case_manager_form") or CaseManagerForm(formdata=None, version=case.version)
        form.case_manager.choices = [("", _("— nog niet benoemd —"))] + [
            (str(u.id), f"{u.display_name} ({u.organisation.name})") for u in plans.owner_users(case)
        ]
        if form.case_manager.data in (None, "") and context["plan"].case_manager and not form.errors:
            form.case_manager.data = str(context["plan"].case_manager.id)
        context["case_manager_form"] = form
    return context


def _completable(user: User, plan: plans.PlanView) -> set[int]:
    """Ids of the actions ``user`` may mark done or reopen (``COMPLETE_PLAN_ACTION``). The rule
    depends on the action's owner organisation only, so it is asked once per owner."""
    actions = [a for goals in plan.goals_by_domain.values() for g in goals for a in g.actions] + plan.loose_actions
    by_owner: dict[int, bool] = {}
    for action in actions:
        if action.owner_organisation_id not in by_owner:
            by_owner[action.owner_organisation_id] = can(user, Action.COMPLETE_PLAN_ACTION, action)
    return {a.id for a in actions if by_owner[a.owner_organisation_id]}


def load_section(user: User, case: Case) -> dict[str, Any] | None:
    """The plan tab, for everyone who may see the case."""
    if not can(user, Action.VIEW_CASE, case):
        return None
    return _context(user, case)


def facts(user: User, case: Case) -> list[CaseFact]:
    """The header's lines from the plan: the casusregisseur and the open (and overdue) actions."""
    plan = _plan_on_case_page(user, case)
    manager = plan.case_manager
    open_actions = ngettext("%(num)d open actie", "%(num)d open acties", plan.open_action_count)
    overdue = ngettext("%(num)d te laat", "%(num)d te laat", plan.overdue_count) if plan.overdue_count else None
    return [
        CaseFact(
            _("Casusregisseur"),
            f"{manager.display_name} · {manager.organisation.name}" if manager else _("nog niet benoemd"),
        ),
        CaseFact(_("Acties"), open_actions, url=section_url(case, "plan"), warning=overdue),
    ]


def summary(user: User, case: Case) -> dict[str, Any] | None:
    """The Overzicht's block: goals, open actions and whether an evaluation is due."""
    return {"plan": _plan_on_case_page(user, case)}


def _plan_on_case_page(user: User, case: Case) -> plans.PlanView:
    """The one audited read of the plan for the case page: its section and its timeline."""
    return read_once("plan", user, case, lambda: plans.plan_for(user, case))


def _plan_entry(event: plans.PlanEvent, case: Case) -> TimelineEntry:
    if event.kind == "goal":
        title = _("Doel toegevoegd: %(domain)s", domain=LIFE_DOMAIN_LABELS[event.domain.value])
    elif event.kind == "action":
        title = _("Actie afgesproken voor %(org)s", org=event.owner_organisation.name)
    elif event.kind == "goal_edit":
        title = _("Doel gewijzigd: %(domain)s", domain=LIFE_DOMAIN_LABELS[event.domain.value])
    elif event.kind == "evaluation":
        title = _("Evaluatie vastgelegd")
    elif event.kind == "edit":
        title = _("Actie gewijzigd")
    elif event.kind == "move":
        title = _("Actie verplaatst naar een ander doel")
    elif event.kind == "reassign":
        title = _("Actie overgedragen aan %(org)s", org=event.owner_organisation.name)
    else:
        title = _("Actie %(status)s", status=ACTION_STATUS_LABELS[event.to_status.value])
    return TimelineEntry(
        at=event.at,
        kind="plan",
        title=title,
        actor=event.actor.display_name if event.actor else None,
        organisation=event.actor.organisation.name if event.actor else None,
        detail=event.text,
        url=section_url(case, "plan", event.anchor),
    )


def timeline_plan(user: User, case: Case) -> list[TimelineEntry]:
    """Goals and actions agreed, and status changes; their texts only for readers of content."""
    if not can(user, Action.VIEW_CASE, case):
        return []
    return [_plan_entry(event, case) for event in _plan_on_case_page(user, case).history]


def _page(case: Case, status: int = 200, open_form: str | None = None, **forms: Any) -> tuple[str, int]:
    """The plan tab again, after a refused change: its form open with the input kept."""
    context = _context(current_user, case, open_form=open_form, **forms)
    return render_dossier(case, "plan", status=status, open_form=open_form, conflict=forms.get("conflict"), **context)


@bp.post("/cases/<int:case_id>/plan/goals")
def add_goal(case_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    form = fill_goal_form(GoalForm(), case)
    if form.validate_on_submit():
        owner = form.owner_organisation.data
        try:
            goal = plans.add_goal(
                case,
                by=current_user,
                domain=form.domain.data,
                text=form.text.data,
                target_on=form.target_on.data,
                owner_organisation=db.session.get(Organisation, int(owner)) if owner else None,
            )
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "text")
        else:
            return back_to_section(case, "plan", _("Doel toegevoegd."), f"goal-{goal.id}")
    return _page(case, 422, "goal", goal_form=form)


@bp.route("/cases/<int:case_id>/plan/goals/<int:goal_id>/actions", methods=["GET", "POST"])
def add_action(case_id: int, goal_id: int) -> Response | str | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    goal = plans.load_goal(current_user, case, goal_id)
    if (closed := closed_case_redirect(case)) is not None:
        return closed
    form = fill_action_form(ActionForm(), case, with_goal=False)
    if form.is_submitted():
        if form.validate():
            try:
                action = plans.add_action(case, by=current_user, goal=goal, **action_arguments(form, case))
            except plans.PlanRefused as refused:
                apply_refusal(form, refused, "description")
            else:
                return back_to_section(case, "plan", _("Actie toegevoegd."), f"action-{action.id}")
        return render_template("plans/action_form.html", case=case, goal=goal, form=form), 422
    return render_template("plans/action_form.html", case=case, goal=goal, form=form)


@bp.post("/cases/<int:case_id>/plan/actions/<int:action_id>/status")
def change_status(case_id: int, action_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    action = plans.load_action(current_user, case, action_id)
    form = ActionStatusForm()
    error, status = _("Kies een geldige status."), 422
    if form.validate_on_submit():
        try:
            plans.change_action_status(
                action, by=current_user, status=form.status.data, expected_version=form.version.data
            )
        except AccessDenied:  # the case is the user's to edit, the action not theirs to complete
            error, status = _("Alleen de eigenaar van de actie of de procesregisseur rondt haar af."), 403
        except plans.StalePlanItem:
            error, status = _("De actie is intussen gewijzigd; bekijk haar opnieuw."), 409
        except plans.PlanRefused as refused:
            error = str(refused)
        else:
            return back_to_section(case, "plan", _("Status van de actie gewijzigd."), f"action-{action.id}")
    return _page(case, status, plan_error=error)


OPEN_FORMS = {"evaluation_form": "evaluation", "case_manager_form": "case-manager"}


def _stale(case: Case, form: Any, exc: StaleCase, form_name: str) -> tuple[str, int]:
    """409 with the user's input kept and what changed meanwhile; resubmitting applies it to the
    current case (the form now carries its version)."""
    form.version.data = exc.current_version
    form.version.raw_data = [str(exc.current_version)]
    return _page(case, 409, OPEN_FORMS[form_name], conflict=exc.changes, **{form_name: form})


@bp.post("/cases/<int:case_id>/plan/evaluation")
def set_evaluation(case_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.EDIT_PLAN)
    form = EvaluationForm()
    if form.validate_on_submit():
        try:
            plans.set_next_evaluation(
                case, by=current_user, on=form.next_evaluation_on.data, expected_version=form.version.data
            )
        except StaleCase as exc:
            return _stale(case, form, exc, "evaluation_form")
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "next_evaluation_on")
        else:
            return back_to_section(case, "plan", _("Volgende evaluatie vastgelegd."))
    return _page(case, 422, "evaluation", evaluation_form=form)


@bp.post("/cases/<int:case_id>/plan/case-manager")
def set_case_manager(case_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.MANAGE_PARTICIPANTS)
    form = CaseManagerForm()
    form.case_manager.choices = [("", "")] + [(str(u.id), u.display_name) for u in plans.owner_users(case)]
    if form.validate_on_submit():
        manager = db.session.get(User, int(form.case_manager.data)) if form.case_manager.data else None
        try:
            plans.set_case_manager(case, by=current_user, manager=manager, expected_version=form.version.data)
        except StaleCase as exc:
            return _stale(case, form, exc, "case_manager_form")
        except plans.PlanRefused as refused:
            apply_refusal(form, refused, "case_manager")
        else:
            return back_to_section(case, "plan", _("Casusregisseur vastgelegd."))
    elif not form.errors.get("case_manager") and not form.errors.get("version"):
        form.case_manager.errors = [_("Kies een medewerker van een deelnemende organisatie.")]
    return _page(case, 422, "case-manager", case_manager_form=form)


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_section(
        app,
        CaseSection(
            key="plan",
            template="plans/_section.html",
            load=load_section,
            order=20,
            label=_l("Plan"),
            path="plan",
            facts=facts,
            summary=summary,
            summary_template="plans/_summary.html",
        ),
    )
    register_timeline_source(app, "plan", timeline_plan)
