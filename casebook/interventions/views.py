"""Intervention routes, the interventions section (with the balance) and interventions on the timeline."""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.dossier import render_dossier
from casebook.cases.extensions import CaseSection, TimelineEntry, read_once, register_section, register_timeline_source
from casebook.cases.lifecycle import accepts_changes
from casebook.cases.models import Case
from casebook.casework import back_to_section, load_case, section_url
from casebook.db import db
from casebook.i18n import INTERVENTION_CATEGORY_LABELS, LIFE_DOMAIN_LABELS, select_locale, show_date
from casebook.interventions import bp
from casebook.interventions import services as interventions
from casebook.interventions.forms import InterventionForm, SettleForm
from casebook.interventions.models import InterventionCategory, InterventionKind, InterventionStatus
from casebook.organisations.models import Organisation
from casebook.reference import reference_values


def _kind_choices() -> tuple[tuple[int, str, str, str], ...]:
    """``(id, label_nl, label_en, category)`` of the active kinds: reference data, kept per process
    (``casebook.reference``); logging an intervention checks its kind is active again."""
    return reference_values(
        "intervention-kinds",
        lambda: tuple((k.id, k.label_nl, k.label_en, k.category.value) for k in interventions.active_kinds()),
        models=(InterventionKind,),
    )


def _fill(form: InterventionForm, case: Case, user: User) -> InterventionForm:
    locale = select_locale()
    form.kind.choices = [("", _("— kies —"))] + [
        (str(kind_id), f"{label_en if locale == 'en' else label_nl} ({INTERVENTION_CATEGORY_LABELS[category]})")
        for kind_id, label_nl, label_en, category in _kind_choices()
    ]
    orgs = interventions.participating_organisations(case)
    form.organisation.choices = [(str(o.id), o.name) for o in orgs]
    form.goal.choices = [("", _("— geen —"))] + [
        (str(g.id), f"{LIFE_DOMAIN_LABELS[g.domain.value]}: {str(g.text)[:80]}")
        for g in interventions.goal_choices(case)
    ]
    form.subject.choices = [("", _("— geen —"))] + [
        (str(p.id), p.full_name) for p in interventions.subject_choices(case)
    ]
    if not form.is_submitted() and any(o.id == user.organisation_id for o in orgs):
        form.organisation.data = str(user.organisation_id)
    return form


def _read(user: User, case: Case) -> list:
    """The one audited read of the interventions for the case page: its section and its timeline."""
    return read_once("interventions", user, case, lambda: interventions.interventions_for(user, case))


def _balance(rows: list) -> dict[InterventionCategory, int]:
    """Counts per category (all three present, zero included), from the rows already read: every
    intervention of the case is among them, so counting them again in SQL would only cost a query."""
    counts = dict.fromkeys(InterventionCategory, 0)
    for row in rows:
        if row.status is InterventionStatus.DONE:  # a plan is not yet a deed
            counts[InterventionCategory(row.kind.category)] += 1
    return counts


def _context(user: User, case: Case, form: InterventionForm | None = None) -> dict[str, Any]:
    """The interventions tab; the form (``?form=intervention``) only while the case takes changes,
    its choices read only when it is open."""
    may_add = accepts_changes(case) and can(user, Action.ADD_INTERVENTION, case)
    if form is None and may_add and request.args.get("form") == "intervention":
        form = _fill(InterventionForm(formdata=None), case, user)
    rows = _read(user, case)
    return {
        "interventions": [r for r in rows if r.status is not InterventionStatus.PLANNED],
        "planned": sorted((r for r in rows if r.status is InterventionStatus.PLANNED), key=lambda r: r.occurred_on),
        "settle_csrf": generate_csrf() if may_add else None,
        "balance": _balance(rows),
        "intervention_form": form if may_add else None,
        "can_add_intervention": may_add,
        "show_outcomes": can(user, Action.READ_CASE_CONTENT, case),  # an outcome is content
    }


def load_section(user: User, case: Case) -> dict[str, Any] | None:
    if not can(user, Action.VIEW_CASE, case):
        return None
    return _context(user, case)


def summary(user: User, case: Case) -> dict[str, Any] | None:
    """The Overzicht's block: the balance of prevention, care and enforcement."""
    rows = _read(user, case)
    return {"count": sum(1 for r in rows if r.status is InterventionStatus.DONE), "balance": _balance(rows)}


_TIMELINE_TITLES = {
    InterventionStatus.DONE: "Interventie: %(kind)s (%(category)s) op %(date)s",
    InterventionStatus.PLANNED: "Geplande interventie: %(kind)s (%(category)s) op %(date)s",
    InterventionStatus.CANCELLED: "Geannuleerde interventie: %(kind)s (%(category)s), gepland op %(date)s",
}
# the msgids above, for the catalogue's extractor
_l("Geplande interventie: %(kind)s (%(category)s) op %(date)s")
_l("Geannuleerde interventie: %(kind)s (%(category)s), gepland op %(date)s")


def timeline_interventions(user: User, case: Case) -> list[TimelineEntry]:
    if not can(user, Action.VIEW_CASE, case):
        return []
    locale = select_locale()
    content = can(user, Action.READ_CASE_CONTENT, case)
    return [
        TimelineEntry(
            at=row.recorded_at,
            kind="intervention",
            title=_(
                _TIMELINE_TITLES[row.status],
                kind=row.kind.label(locale),
                category=INTERVENTION_CATEGORY_LABELS[row.kind.category.value],
                date=show_date(row.occurred_on),
            ),
            actor=row.recorded_by.display_name if row.recorded_by else None,
            organisation=row.organisation.name,
            detail=row.outcome if content else None,
            url=section_url(case, "interventions", f"intervention-{row.id}"),
        )
        for row in _read(user, case)
    ]


@bp.post("/cases/<int:case_id>/interventions")
def add(case_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.ADD_INTERVENTION)
    form = _fill(InterventionForm(), case, current_user)
    if form.validate_on_submit():
        try:
            row = interventions.add_intervention(
                case,
                by=current_user,
                kind=db.session.get(InterventionKind, int(form.kind.data)),
                occurred_on=form.occurred_on.data,
                organisation=db.session.get(Organisation, int(form.organisation.data)),
                outcome=form.outcome.data,
                status=InterventionStatus(form.status.data or "done"),
                goal_id=int(form.goal.data) if form.goal.data else None,
                subject_person_id=int(form.subject.data) if form.subject.data else None,
            )
        except interventions.InterventionRefused as refused:
            name = refused.field if refused.field in form else "kind"
            form[name].errors = [*form[name].errors, str(refused)]
        else:
            return back_to_section(case, "interventions", _("Interventie vastgelegd."), f"intervention-{row.id}")
    return render_dossier(case, "interventions", status=422, open_form="intervention", intervention_form=form)


@bp.post("/cases/<int:case_id>/interventions/<int:intervention_id>/settle")
def settle(case_id: int, intervention_id: int) -> Response | tuple[str, int]:
    """Mark a planned intervention done or cancelled."""
    case = load_case(current_user, case_id, Action.ADD_INTERVENTION)
    row = interventions.load_intervention(current_user, case, intervention_id)
    form = SettleForm()
    if form.validate_on_submit() and form.status.data in ("done", "cancelled"):
        try:
            interventions.settle_intervention(
                row,
                by=current_user,
                status=InterventionStatus(form.status.data or "done"),
                expected_version=form.version.data,
                occurred_on=form.occurred_on.data,
            )
        except interventions.StaleIntervention:
            flash(_("De interventie is intussen gewijzigd; er is niets opgeslagen."), "error")
            return render_dossier(case, "interventions", status=409)
        except (interventions.NotPlanned, interventions.InterventionRefused) as refused:
            flash(str(refused), "error")
            return render_dossier(case, "interventions", status=422)
        done = form.status.data == "done"
        message = _("Interventie als uitgevoerd vastgelegd.") if done else _("Interventie geannuleerd.")
        return back_to_section(case, "interventions", message, f"intervention-{row.id}")
    return render_dossier(case, "interventions", status=422)


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_section(
        app,
        CaseSection(
            key="interventions",
            template="interventions/_section.html",
            load=load_section,
            order=30,
            label=_l("Interventies"),
            path="interventions",
            summary=summary,
            summary_template="interventions/_summary.html",
        ),
    )
    register_timeline_source(app, "intervention", timeline_interventions)
