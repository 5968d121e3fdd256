"""Login (password, then the second factor), MFA enrolment, re-authentication, logout, activation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from casebook import audit
from casebook.audit import Outcome
from casebook.auth import bp, lockout, mfa, sessions
from casebook.auth.forms import ButtonForm, CodeForm, LoginForm, NewPasswordForm, ReauthForm
from casebook.auth.models import User, UserSession
from casebook.auth.services import UserError, activate, authenticate, find_activation
from casebook.db import db
from casebook.extensions import login_manager
from casebook.settings import is_production
from casebook.web import is_public_endpoint, public

login_manager.user_loader(lambda _user_id: None)  # identity comes only from a server-side session record
login_manager.request_loader(sessions.load_user_from_request)
login_manager.login_view = "auth.login"

NEXT_KEY = "login_next"

# Endpoints a logged-in user may still reach while their account needs attention first.
ACCOUNT_SETUP_ENDPOINTS = frozenset(
    {"auth.logout", "account.change_password", "auth.mfa_setup", "auth.mfa_setup_start", "auth.mfa_setup_confirm"}
)


def safe_next(target: str | None) -> str:
    """Only local paths: ``/cases?x=1`` yes; ``//evil``, ``https://evil`` or ``\\\\evil`` no."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("site.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("site.index")
    return target


def locked_message() -> str:
    minutes = current_app.config["LOGIN_LOCKOUT_SECONDS"] // 60
    return _(
        "Te veel mislukte pogingen. Om uw account te beschermen kunt u het over %(minutes)d minuten opnieuw "
        "proberen. Lukt het dan nog niet, neem contact op met de functioneel beheerder.",
        minutes=minutes,
    )


@bp.before_app_request
def _account_needs_attention() -> Any:
    """A user without the required second factor, or with an initial password, sets that up first."""
    if request.path.startswith("/api/") or request.endpoint in ACCOUNT_SETUP_ENDPOINTS:
        return None
    if is_public_endpoint(current_app, request.endpoint) or not current_user.is_authenticated:
        return None
    if mfa.is_required(current_user) and not mfa.is_enrolled(current_user):
        return redirect(url_for("auth.mfa_setup"))
    if current_user.must_change_password:
        flash(_("Kies eerst een eigen wachtwoord."), "info")
        return redirect(url_for("account.change_password"))
    return None


def _demo_exemption_shown() -> bool:
    if is_production(current_app.config) or not current_app.config["REQUIRE_MFA"]:
        return False
    return db.session.scalar(select(User.id).where(User.mfa_exempt_demo.is_(True)).limit(1)) is not None


def _render_login(form: LoginForm, status: int = 200, error: str | None = None) -> tuple[str, int]:
    return render_template("auth/login.html", form=form, error=error, demo_exempt=_demo_exemption_shown()), status


@bp.route("/login", methods=["GET", "POST"])
@public
@lockout.address_limit()
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("site.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _render_login(form, 422 if request.method == "POST" else 200)
    attempt = authenticate(form.username.data, form.password.data)
    form.password.data = ""
    if attempt.locked:
        return _render_login(form, 429, locked_message())
    if attempt.user is None:
        return _render_login(form, 200, _("Gebruikersnaam of wachtwoord onjuist."))
    user = attempt.user
    target = safe_next(form.next.data)
    if mfa.is_required(user) or mfa.is_enrolled(user):
        sessions.start(user, sessions.STAGE_MFA)
        session[NEXT_KEY] = target
        return redirect(url_for("auth.mfa_verify" if mfa.is_enrolled(user) else "auth.mfa_setup"))
    sessions.start(user, sessions.STAGE_FULL)
    return redirect(target)


def _expired_login() -> Any:
    flash(_("Uw inlogpoging is verlopen. Log opnieuw in."), "info")
    return redirect(url_for("auth.login"))


def _check_second_factor(user: User, code: str) -> str | None:
    """The method that accepted ``code`` ("totp" or "recovery_code"), or None."""
    if mfa.verify_totp(user, code):
        return "totp"
    if mfa.use_recovery_code(user, code):
        return "recovery_code"
    return None


@bp.route("/login/mfa", methods=["GET", "POST"])
@public
@lockout.address_limit()
def mfa_verify() -> Any:
    row = sessions.pending()
    if row is None:
        return _expired_login()
    user = row.user
    if not mfa.is_enrolled(user):
        return redirect(url_for("auth.mfa_setup"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/mfa.html", form=form), 422 if request.method == "POST" else 200
    if lockout.is_locked(user.username):
        return render_template("auth/mfa.html", form=form, error=locked_message()), 429
    method = _check_second_factor(user, form.code.data)
    if method is None:
        locked = lockout.register_failure(user.username)
        audit.record(user, "auth.mfa", user, outcome=Outcome.DENIED, details={"locked": locked}, durable=True)
        if locked:
            return render_template("auth/mfa.html", form=CodeForm(formdata=None), error=locked_message()), 429
        error = _("De code is onjuist of al gebruikt. Gebruik de volgende code uit uw app.")
        return render_template("auth/mfa.html", form=CodeForm(formdata=None), error=error), 200
    lockout.register_success(user.username)
    audit.record(user, "auth.mfa", user, details={"method": method})
    target = safe_next(session.get(NEXT_KEY))
    sessions.end(row, "mfa_passed")
    sessions.start(user, sessions.STAGE_FULL)
    if method == "recovery_code":
        flash(_("U heeft een herstelcode gebruikt. Er zijn er nog %(n)d over.", n=mfa.remaining_recovery_codes(user)))
    return redirect(target)


def _enrolling_session() -> UserSession | None:
    """A pending login, or a full session, of a user who has no confirmed second factor yet."""
    row = sessions.pending() or sessions.current()
    return row if row is not None and not mfa.is_enrolled(row.user) else None


@bp.get("/mfa/setup")
@public  # reachable between password and second factor; checks the pending session itself
def mfa_setup() -> Any:
    row = _enrolling_session()
    if row is None:
        return redirect(url_for("account.mfa_status")) if current_user.is_authenticated else _expired_login()
    secret = mfa.unseal(row.user)
    return _render_setup(row.user, secret, CodeForm(), 200)


def _render_setup(user: User, secret: str | None, form: CodeForm, status: int, error: str | None = None) -> Any:
    uri = mfa.provisioning_uri(user, secret) if secret else None
    return (
        render_template(
            "auth/mfa_setup.html",
            secret=mfa.secret_groups(secret) if secret else None,
            qr=mfa.qr_svg(uri) if uri else None,
            form=form,
            start_form=ButtonForm(),
            error=error,
        ),
        status,
    )


@bp.post("/mfa/setup/start")
@public
@lockout.address_limit()
def mfa_setup_start() -> Any:
    row = _enrolling_session()
    if row is None:
        return _expired_login()
    mfa.begin_enrolment(row.user)
    audit.record(row.user, "auth.mfa.enrol.start", row.user)
    return redirect(url_for("auth.mfa_setup"))


@bp.post("/mfa/setup/confirm")
@public
@lockout.address_limit()
def mfa_setup_confirm() -> Any:
    row = _enrolling_session()
    if row is None:
        return _expired_login()
    user = row.user
    form = CodeForm()
    secret = mfa.unseal(user)
    if not form.validate_on_submit() or secret is None:
        return _render_setup(user, secret, form, 422)
    if not mfa.confirm_enrolment(user, form.code.data):
        audit.record(user, "auth.mfa.enrol", user, outcome=Outcome.DENIED, durable=True)
        error = _("De code klopt niet. Controleer of de tijd op uw telefoon goed staat en probeer de volgende code.")
        return _render_setup(user, secret, CodeForm(formdata=None), 200, error)
    codes = mfa.new_recovery_codes(user)
    audit.record(user, "auth.mfa.enrol", user)
    target = safe_next(session.get(NEXT_KEY))
    sessions.end_all(user, sessions.EndReason.MFA_ENROLLED)
    sessions.start(user, sessions.STAGE_FULL)
    return render_template("auth/recovery_codes.html", codes=codes, next=target)


@bp.post("/logout")
def logout() -> Any:
    user = current_user._get_current_object()
    ended = sessions.end_all(user, sessions.EndReason.LOGOUT)
    audit.record(user, "auth.logout", user, details={"sessions_ended": ended})
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/reauth", methods=["GET", "POST"])
@lockout.address_limit()
def reauth() -> Any:
    """Confirm the password (and second factor) again before a sensitive operation."""
    user: User = current_user._get_current_object()
    form = ReauthForm(next=request.args.get("next", ""))
    ask_code = mfa.is_enrolled(user)
    if not form.validate_on_submit():
        return render_template(
            "auth/reauth.html", form=form, ask_code=ask_code
        ), 422 if request.method == "POST" else 200
    if lockout.is_locked(user.username):
        return render_template("auth/reauth.html", form=form, ask_code=ask_code, error=locked_message()), 429
    from casebook.auth.passwords import verify_password

    ok = verify_password(user.password_hash, form.password.data)
    if ok and ask_code:
        ok = _check_second_factor(user, form.code.data or "") is not None
    if not ok:
        locked = lockout.register_failure(user.username)
        audit.record(user, "auth.reauth", user, outcome=Outcome.DENIED, details={"locked": locked}, durable=True)
        status, error = (429, locked_message()) if locked else (200, _("Wachtwoord of code onjuist."))
        return render_template("auth/reauth.html", form=form, ask_code=ask_code, error=error), status
    lockout.register_success(user.username)
    audit.record(user, "auth.reauth", user)
    target = safe_next(form.next.data)
    current = sessions.current()
    if current is not None:
        sessions.end(current, "reauth")
    sessions.start(user, sessions.STAGE_FULL)
    return redirect(target)


@bp.route("/activate/<token>", methods=["GET", "POST"])
@public
@lockout.address_limit()
def activate_account(token: str) -> Any:
    """A one-time link from an admin: the user chooses their own password, then logs in (with MFA)."""
    row = find_activation(token)
    if row is None:
        return render_template("auth/activate.html", form=None), 404
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/activate.html", form=form), 422 if request.method == "POST" else 200
    try:
        user = activate(row, form.new_password.data)
    except UserError as exc:
        form.new_password.errors = [str(exc)]
        return render_template("auth/activate.html", form=form), 422
    sessions.end_all(user, sessions.EndReason.PASSWORD_CHANGE)
    session.clear()
    flash(_("Uw wachtwoord is ingesteld. Log nu in."), "info")
    return redirect(url_for("auth.login"))
