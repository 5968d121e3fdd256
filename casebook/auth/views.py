"""Login and logout. (MFA, lockout and server-side sessions come with the account-security issue.)"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from casebook import audit
from casebook.auth import bp
from casebook.auth.forms import LoginForm
from casebook.auth.services import authenticate, load_active_user
from casebook.extensions import login_manager
from casebook.web import public

login_manager.user_loader(load_active_user)
login_manager.login_view = "auth.login"


def safe_next(target: str | None) -> str:
    """Only local paths: ``/cases?x=1`` yes; ``//evil``, ``https://evil`` or ``\\\\evil`` no."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("site.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("site.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("site.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status
    user = authenticate(form.username.data, form.password.data)
    if user is None:
        flash(_("Gebruikersnaam of wachtwoord onjuist."), "error")
        form.password.data = ""
        return render_template("auth/login.html", form=form), 200
    session.clear()
    login_user(user, remember=False)
    return redirect(safe_next(form.next.data))


@bp.post("/logout")
def logout() -> Response:
    audit.record(current_user, "auth.logout", current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))
