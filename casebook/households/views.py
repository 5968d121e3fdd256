"""The household page: members, per member the viewer's visible cases, the procesregisseur, the plan."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from casebook.access import Action, can
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.cases.forms import optional_int
from casebook.casework import load_case
from casebook.households import bp, forming
from casebook.households import services as households
from casebook.households.extensions import household_sections_for
from casebook.i18n import RELATION_LABELS


class CoordinatorForm(FlaskForm):
    coordinator = SelectField(
        _l("Procesregisseur van het huishouden"), coerce=optional_int, validators=[InputRequired()]
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])  # what the user saw


class MemberForm(FlaskForm):
    person = SelectField(_l("Betrokkene"), coerce=optional_int, validators=[InputRequired()])
    relation = SelectField(_l("Relatie"), validators=[InputRequired()])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])  # the household's, as seen


class VersionForm(FlaskForm):
    """Forming a household (the case's version) or removing a member (the household's version)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _member_form(household: Any, cases: list, form: MemberForm | None = None) -> MemberForm:
    if form is None:
        form = MemberForm(formdata=None, version=household.version)
    form.person.choices = [(None, "—")] + [(p.id, p.full_name) for p in forming.member_candidates(household, cases)]
    form.relation.choices = [("", "—")] + [(value, str(label)) for value, label in RELATION_LABELS.items()]
    return form


def _render(
    household: Any,
    cases: list,
    form: CoordinatorForm | None = None,
    status: int = 200,
    *,
    conflict: bool = False,
    member_form: MemberForm | None = None,
    member_conflict: bool = False,
) -> tuple[str, int]:
    coordination = households.coordination_of(household.id)
    may_set = households.may_set_coordinator(current_user, household)
    if form is None:
        form = CoordinatorForm(formdata=None, version=households.coordination_version(coordination))
        form.coordinator.data = coordination.process_coordinator_id if coordination else None
    form.coordinator.choices = [(None, "—")] + [
        (u.id, f"{u.display_name} ({u.organisation.name})") for u in households.coordinator_choices(cases)
    ]
    sections = [
        (section, Markup(render_template(section.template, household=household, cases=cases, **ctx)))  # noqa: S704
        for section, ctx in household_sections_for(current_user, household, cases)
    ]
    may_manage = can(current_user, Action.MANAGE_HOUSEHOLD_MEMBERS, household)
    html = render_template(
        "households/detail.html",
        may_manage=may_manage,
        member_form=_member_form(household, cases, member_form) if may_manage else None,
        member_conflict=member_conflict,
        remove_form=VersionForm(formdata=None, version=household.version),
        household=household,
        members=households.members_with_cases(current_user, household, cases),
        cases=cases,
        coordination=coordination,
        may_set=may_set,
        form=form,
        sections=sections,
        conflict=conflict,
    )
    return html, status


@bp.get("/households/<int:household_id>")
def detail(household_id: int) -> Any:
    household, cases = households.load_household_for(current_user, household_id)
    return _render(household, cases)


@bp.post("/households/<int:household_id>/coordinator")
def set_coordinator(household_id: int) -> Any:
    household, cases = households.load_household_for(current_user, household_id)
    form = CoordinatorForm()
    form.coordinator.choices = [(None, "—")] + [(u.id, u.display_name) for u in households.coordinator_choices(cases)]
    if not form.validate():
        return _render(household, cases, form, 422)
    try:
        households.set_coordinator(
            household, cases, form.coordinator.data, by=current_user, expected_version=form.version.data
        )
    except households.StaleCoordination as exc:
        form.version.data = exc.current_version  # a conscious resubmit applies to the current choice
        form.version.raw_data = [str(exc.current_version)]
        return _render(household, cases, form, 409, conflict=True)
    except CaseRuleError as exc:
        form.coordinator.errors = [*form.coordinator.errors, str(exc.message)]
        return _render(household, cases, form, 422)
    flash(_("Procesregisseur van het huishouden vastgelegd."), "info")
    return redirect(url_for("households.detail", household_id=household.id))


@bp.post("/cases/<int:case_id>/household")
def create(case_id: int) -> Any:
    """Form the household of a case; then its members are added on the household page."""
    case = load_case(current_user, case_id, Action.CREATE_HOUSEHOLD)
    form = VersionForm()
    if form.validate():
        try:
            household = forming.create_household(case, by=current_user, expected_version=form.version.data)
        except (StaleCase, forming.HouseholdExists):
            flash(_("De casus is intussen gewijzigd of hoort al bij een huishouden; er is niets opgeslagen."), "error")
            return redirect(url_for("cases.detail", case_id=case.id), 303)
        flash(_("Huishouden gevormd. Voeg nu de leden toe."), "info")
        return redirect(url_for("households.detail", household_id=household.id), 303)
    flash(_("Het formulier is verlopen; probeer het opnieuw."), "error")
    return redirect(url_for("cases.detail", case_id=case.id), 303)


@bp.post("/households/<int:household_id>/members")
def add_member(household_id: int) -> Any:
    household, cases = households.load_household_for(current_user, household_id)
    form = _member_form(household, cases, MemberForm())
    if not form.validate():
        return _render(household, cases, status=422, member_form=form)
    try:
        forming.add_member(
            household,
            cases,
            by=current_user,
            person_id=form.person.data,
            relation=form.relation.data,
            expected_version=form.version.data,
        )
    except forming.StaleHousehold as exc:
        form.version.data = exc.current_version
        form.version.raw_data = [str(exc.current_version)]
        return _render(household, cases, status=409, member_form=form, member_conflict=True)
    except CaseRuleError as exc:
        target = form[exc.field] if exc.field in ("person", "relation") else form.person
        target.errors = [*target.errors, str(exc.message)]
        return _render(household, cases, status=422, member_form=form)
    flash(_("Lid toegevoegd aan het huishouden."), "info")
    return redirect(url_for("households.detail", household_id=household.id, _anchor="members"), 303)


@bp.post("/households/<int:household_id>/members/<int:member_id>/remove")
def remove_member(household_id: int, member_id: int) -> Any:
    household, cases = households.load_household_for(current_user, household_id)
    member = forming.load_member(current_user, household, member_id)
    form = VersionForm()
    if not form.validate():
        return _render(household, cases, status=422)
    try:
        forming.remove_member(household, member, by=current_user, expected_version=form.version.data)
    except forming.StaleHousehold:
        return _render(household, cases, status=409, member_conflict=True)
    flash(_("Lid uit het huishouden gehaald."), "info")
    return redirect(url_for("households.detail", household_id=household.id, _anchor="members"), 303)
