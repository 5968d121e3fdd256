"""User administration screens (Beheer) and the access review (toegangsreview)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.admin import bp, services
from casebook.admin.forms import PasswordMethodForm, RolesForm, UserCreateForm
from casebook.auth import mfa, sessions
from casebook.auth.forms import ButtonForm
from casebook.auth.models import Role, User
from casebook.auth.reauth import require_recent_login
from casebook.auth.services import UserError
from casebook.db import db
from casebook.organisations.models import Organisation

# The takeover actions (a new password or second factor, other roles or organisation, blocking an
# account) need the admin's password (and second factor) within the last five minutes: a hijacked or
# unattended admin session alone cannot hand an account to someone else.
STEP_UP_SECONDS = 5 * 60


def _me() -> User:
    return current_user._get_current_object()


def _activation_url(token: str) -> str:
    return url_for("auth.activate_account", token=token, _external=True)


@bp.get("/users")
def users() -> Any:
    rows = services.list_users(_me())
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user() -> Any:
    services.require_user_manager(_me())
    form = UserCreateForm().fill_choices()
    if not form.validate_on_submit():
        return render_template("admin/user_new.html", form=form), 422 if request.method == "POST" else 200
    try:
        account = services.create_account(
            _me(),
            username=form.username.data,
            display_name=form.display_name.data,
            organisation=db.session.get(Organisation, form.organisation.data),
            roles=[Role(r) for r in form.roles.data],
            method=form.method.data,
            initial_password=form.initial_password.data,
        )
    except UserError as exc:
        target = form.initial_password if form.method.data == services.PASSWORD else form.username
        target.errors = [*target.errors, str(exc)]
        return render_template("admin/user_new.html", form=form), 422
    return render_template(
        "admin/user_created.html",
        user=account.user,
        activation_url=_activation_url(account.activation_token) if account.activation_token else None,
    )


def _detail(user: User, **forms: Any) -> str:
    roles_form = forms.pop("roles_form", None) or RolesForm(
        organisation=user.organisation_id, roles=[r.value for r in user.roles]
    )
    return render_template(
        "admin/user_detail.html",
        user=user,
        enrolled=mfa.is_enrolled(user),
        active_sessions=len(sessions.active_sessions(user)),
        roles_form=roles_form.fill_choices(),
        password_form=forms.pop("password_form", None) or PasswordMethodForm(),
        button=ButtonForm(),
        activation_url=forms.pop("activation_url", None),
    )


@bp.get("/users/<int:user_id>")
def user_detail(user_id: int) -> Any:
    user = services.load_user_for(_me(), user_id)
    return _detail(user)


def _button_action(user_id: int, action: Any, done: str) -> Any:
    user = services.load_user_for(_me(), user_id)
    if ButtonForm().validate_on_submit():
        try:
            action(user)
        except UserError as exc:
            flash(str(exc), "error")
        else:
            flash(done, "info")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/disable")
@require_recent_login(STEP_UP_SECONDS)
def disable_user(user_id: int) -> Any:
    return _button_action(user_id, lambda u: services.set_active(_me(), u, False), _("Het account is geblokkeerd."))


@bp.post("/users/<int:user_id>/enable")
@require_recent_login(STEP_UP_SECONDS)
def enable_user(user_id: int) -> Any:
    return _button_action(user_id, lambda u: services.set_active(_me(), u, True), _("Het account is weer actief."))


@bp.post("/users/<int:user_id>/reset-mfa")
@require_recent_login(STEP_UP_SECONDS)
def reset_mfa(user_id: int) -> Any:
    done = _("De tweede factor is gewist; de gebruiker stelt bij de volgende keer inloggen een nieuwe in.")
    return _button_action(user_id, lambda u: services.reset_mfa(_me(), u), done)


@bp.post("/users/<int:user_id>/end-sessions")
def end_sessions(user_id: int) -> Any:
    return _button_action(user_id, lambda u: services.end_user_sessions(_me(), u), _("Alle sessies zijn beëindigd."))


@bp.post("/users/<int:user_id>/roles")
@require_recent_login(STEP_UP_SECONDS)
def change_roles(user_id: int) -> Any:
    user = services.load_user_for(_me(), user_id)
    form = RolesForm().fill_choices()
    if not form.validate_on_submit():
        return _detail(user, roles_form=form), 422
    try:
        changed = services.change_roles(
            _me(), user, [Role(r) for r in form.roles.data], db.session.get(Organisation, form.organisation.data)
        )
    except UserError as exc:
        form.roles.errors = [*form.roles.errors, str(exc)]
        return _detail(user, roles_form=form), 422
    flash(_("Rollen en organisatie zijn gewijzigd.") if changed else _("Er is niets gewijzigd."), "info")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-password")
@require_recent_login(STEP_UP_SECONDS)
def reset_password(user_id: int) -> Any:
    user = services.load_user_for(_me(), user_id)
    form = PasswordMethodForm()
    if not form.validate_on_submit():
        return _detail(user, password_form=form), 422
    try:
        token = services.reset_password(_me(), user, form.method.data, form.initial_password.data)
    except UserError as exc:
        form.initial_password.errors = [*form.initial_password.errors, str(exc)]
        return _detail(user, password_form=form), 422
    if token:
        return _detail(user, activation_url=_activation_url(token))
    flash(_("Het startwachtwoord is ingesteld; de gebruiker moet het bij de eerste keer inloggen wijzigen."), "info")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.get("/access-review")
def access_review() -> Any:
    rows = services.review_rows(_me())
    return render_template(
        "admin/access_review.html",
        rows=rows,
        form=ButtonForm(),
        authorisations_available=services.authorisation_summaries is not None,
    )


@bp.post("/access-review/<int:user_id>")
def mark_reviewed(user_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        services.mark_reviewed(_me(), user_id)
        flash(_("De review is vastgelegd."), "info")
    return redirect(url_for("admin.access_review"))
