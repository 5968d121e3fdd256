"""Start page, language switch and the favicon at the root (health checks: ``casebook.ops``)."""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, send_from_directory
from flask_login import current_user

from casebook.i18n import choose_locale
from casebook.site import bp
from casebook.web import public


@bp.get("/")
def index() -> str:
    """My work: the user's cases, evaluations, signals to triage and closures to approve."""
    from casebook.signals.services import local_today
    from casebook.work import services as work

    return render_template("work/index.html", widgets=work.my_work(current_user, local_today()))


@bp.get("/favicon.ico")
@public
def favicon() -> Response:
    """The icon browsers ask for at the root whatever the page says; the pages link the SVG beside it."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon")


@bp.post("/language")
@public
def set_language() -> Response:
    """Switch the UI language for this session (and remember it on the account when logged in).

    Public so the login page can be read in English; it changes nothing but the caller's own
    session (or their own account) and is CSRF-protected like every form.
    """
    from casebook.auth.views import safe_next

    user = current_user._get_current_object() if current_user.is_authenticated else None
    choose_locale(request.form.get("locale", ""), user)

    return redirect(safe_next(request.form.get("next")))
