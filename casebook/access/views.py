"""Access screens: authorisations (admins and supervisors), break-the-glass (caseworkers and
coordinators) and its review queue (supervisors). Views parse and render; services decide and audit.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from casebook.access import break_glass as glass
from casebook.access import services
from casebook.access.forms import ACTION_LABELS, BreakGlassForm, GrantForm, ReviewForm
from casebook.access.models import ReviewStatus
from casebook.auth.models import Role, User
from casebook.cases.models import CaseType
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.i18n import select_locale
from casebook.organisations.models import Organisation

bp = Blueprint("access", __name__, url_prefix="/access")


@bp.record_once
def _template_helpers(state) -> None:
    """Templates ask the policy, never decide: ``can(current_user, 'audit.view')``,
    ``break_glass_active(current_user, case)`` (the banner on every page of a case).
    """
    from casebook.access import break_glass_active, can

    state.app.jinja_env.globals.update(can=can, break_glass_active=break_glass_active)


def _render_authorisations(form: GrantForm, status: int = 200) -> tuple[str, int]:
    grants = services.list_authorisations(current_user)
    return (
        render_template("access/authorisations.html", grants=grants, form=form, action_labels=ACTION_LABELS),
        status,
    )


@bp.get("/authorisations")
def authorisations() -> tuple[str, int]:
    return _render_authorisations(GrantForm(formdata=None).fill_choices(select_locale()))


@bp.post("/authorisations")
def grant() -> Response | tuple[str, int]:
    form = GrantForm().fill_choices(select_locale())
    if not form.validate():
        return _render_authorisations(form, 422)
    user = organisation = role = None
    if form.username.data:
        user = db.session.scalar(select(User).where(func.lower(User.username) == form.username.data.strip().lower()))
        if user is None:
            form.username.errors.append(_("Onbekende gebruiker."))
            return _render_authorisations(form, 422)
    if form.role.data:
        role = Role(form.role.data)
    if form.organisation.data:
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == form.organisation.data))
    case_type = db.session.scalar(select(CaseType).where(CaseType.code == form.case_type.data))
    try:
        services.grant_authorisation(
            current_user,
            case_type=case_type,
            actions=form.actions.data or [],
            max_confidentiality=Confidentiality.from_code(form.max_confidentiality.data),
            user=user,
            organisation=organisation,
            role=role,
        )
    except services.AuthorisationError as exc:
        form.form_errors.append(str(exc))
        return _render_authorisations(form, 422)
    flash(_("Autorisatie verleend."), "info")
    return redirect(url_for("access.authorisations"))


@bp.post("/authorisations/<int:authorisation_id>/revoke")
def revoke(authorisation_id: int) -> Response:
    grant = services.load_authorisation_for(current_user, authorisation_id)
    services.revoke_authorisation(current_user, grant)
    flash(_("Autorisatie ingetrokken."), "info")
    return redirect(url_for("access.authorisations"))


@bp.get("/break-glass")
def break_glass_search() -> str:
    """Search by exact reference; only an eligible case gets the reason form."""
    reference = request.args.get("reference", "").strip()
    lookup = glass.find_case(current_user, reference) if reference else None
    form = BreakGlassForm(formdata=None, reference=lookup.case.reference if lookup and lookup.case else "")
    return render_template("access/break_glass.html", reference=reference, lookup=lookup, form=form)


@bp.post("/break-glass")
def break_glass() -> Response | tuple[str, int]:
    form = BreakGlassForm()
    reference = (form.reference.data or "").strip()
    if form.validate():
        try:
            grant = glass.break_glass(current_user, reference, form.reason.data)
        except glass.BreakGlassError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            minutes = current_app.config["BREAK_GLASS_MINUTES"]
            flash(_("Noodtoegang geregistreerd: %(minutes)d minuten alleen lezen.", minutes=minutes), "info")
            return redirect(url_for("cases.detail", case_id=grant.case_id))
    lookup = glass.find_case(current_user, reference)
    return render_template("access/break_glass.html", reference=reference, lookup=lookup, form=form), 422


@bp.get("/break-glass/reviews")
def reviews() -> str:
    show = request.args.get("status", "pending")
    status = None if show == "all" else ReviewStatus.PENDING
    queue = glass.review_queue(current_user, status)
    return render_template("access/reviews.html", queue=queue, show=show, form=ReviewForm(formdata=None))


@bp.post("/break-glass/<int:grant_id>/review")
def review(grant_id: int) -> Response | tuple[str, int]:
    grant = glass.load_grant_for_review(current_user, grant_id)
    form = ReviewForm()
    if not form.validate():
        queue = glass.review_queue(current_user)
        return render_template("access/reviews.html", queue=queue, show="pending", form=form), 422
    try:
        glass.review(current_user, grant, ReviewStatus(form.verdict.data), form.note.data or "")
    except glass.ReviewConflict as exc:
        flash(str(exc), "error")
        queue = glass.review_queue(current_user)
        return render_template("access/reviews.html", queue=queue, show="pending", form=ReviewForm(formdata=None)), 409
    flash(_("Beoordeling vastgelegd."), "info")
    return redirect(url_for("access.reviews"))
