"""Authorisation admin (admins and supervisors). Views parse and render; ``casebook.access.services``
decides and audits.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from casebook.access import services
from casebook.auth.models import Role
from casebook.authorisations import bp
from casebook.authorisations.forms import ACTION_LABELS, GrantForm
from casebook.cases.models import CaseType
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.i18n import select_locale
from casebook.organisations.models import Organisation


def _render_authorisations(form: GrantForm, status: int = 200) -> tuple[str, int]:
    grants = services.list_authorisations(current_user)
    return (
        render_template("authorisations/index.html", grants=grants, form=form, action_labels=ACTION_LABELS),
        status,
    )


@bp.get("/authorisations")
def index() -> tuple[str, int]:
    return _render_authorisations(GrantForm(formdata=None).fill_choices(select_locale()))


@bp.post("/authorisations")
def grant() -> Response | tuple[str, int]:
    form = GrantForm().fill_choices(select_locale())
    if not form.validate():
        return _render_authorisations(form, 422)
    user = organisation = role = None
    if form.username.data:
        user = services.find_grantee(current_user, form.username.data)
        if user is None:  # unknown, or outside the granting supervisor's organisation: one answer
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
    return redirect(url_for("authorisations.index"))


@bp.post("/authorisations/<int:authorisation_id>/revoke")
def revoke(authorisation_id: int) -> Response:
    grant = services.load_authorisation_for(current_user, authorisation_id)
    services.revoke_authorisation(current_user, grant)
    flash(_("Autorisatie ingetrokken."), "info")
    return redirect(url_for("authorisations.index"))
