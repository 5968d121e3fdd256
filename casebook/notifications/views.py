"""The notifications page, marking read, and the user's e-mail address and reminder choices.

Views parse and render; the services check ownership and the policy. Every change is a POST with
the CSRF token; a bad address re-renders the form with the input kept (422).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.auth.forms import ButtonForm
from casebook.notifications import bp, services
from casebook.notifications.forms import PreferencesForm
from casebook.pagination import InvalidCursor, PageRequest


def _user() -> Any:
    return current_user._get_current_object()


@bp.get("/notifications")
def index() -> str:
    asked = PageRequest.from_args(request.args, current_app.config["PAGE_SIZE"])
    refused = False
    try:
        page = services.page_for(_user(), asked)
    except InvalidCursor:
        refused = True
        page = services.page_for(_user(), asked.first())
    return render_template("notifications/index.html", page=page, cursor_refused=refused, form=ButtonForm())


@bp.post("/notifications/<int:notification_id>/read")
def read_one(notification_id: int) -> Any:
    if ButtonForm().validate_on_submit():
        services.mark_read(_user(), notification_id)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read")
def read_all() -> Any:
    if ButtonForm().validate_on_submit():
        marked = services.mark_all_read(_user())
        if marked:
            flash(_("Alle notificaties zijn als gelezen gemarkeerd."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences() -> Any:
    user = _user()
    if request.method == "GET":
        form = PreferencesForm(formdata=None, email=user.email)
        for kind, channel in services.preferences_of(user).items():
            form[f"kind_{kind}"].data = channel.value
        return render_template("notifications/preferences.html", form=form)
    form = PreferencesForm()
    if not form.validate_on_submit():
        return render_template("notifications/preferences.html", form=form), 422
    services.save_preferences(user, email=form.email.data, channels=form.channels())
    flash(_("Uw keuzes voor notificaties zijn opgeslagen."), "success")
    return redirect(url_for("notifications.preferences"))
