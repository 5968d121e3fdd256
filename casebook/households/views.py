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

from casebook.cases.errors import CaseRuleError
from casebook.cases.forms import optional_int
from casebook.households import bp
from casebook.households import services as households
from casebook.households.extensions import household_sections_for


class CoordinatorForm(FlaskForm):
    coordinator = SelectField(
        _l("Procesregisseur van het huishouden"), coerce=optional_int, validators=[InputRequired()]
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])  # what the user saw


def _render(
    household: Any, cases: list, form: CoordinatorForm | None = None, status: int = 200, *, conflict: bool = False
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
    html = render_template(
        "households/detail.html",
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
