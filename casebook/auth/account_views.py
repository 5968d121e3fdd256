"""The user's own account: active sessions ("Mijn sessies"), password, second factor."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook import audit
from casebook.access import Action, load_or_404
from casebook.auth import account_bp as bp
from casebook.auth import lockout, mfa, sessions
from casebook.auth.forms import ButtonForm, PasswordChangeForm
from casebook.auth.models import User, UserSession
from casebook.auth.reauth import require_recent_login
from casebook.auth.services import UserError, change_password
from casebook.auth.views import locked_message


def _user() -> User:
    return current_user._get_current_object()


@bp.get("/sessions")
def sessions_list() -> Any:
    user = _user()
    rows = sessions.active_sessions(user)
    audit.record(user, "auth.session.list", user)
    current = sessions.current()
    return render_template(
        "auth/sessions.html", rows=rows, current_id=current.id if current else None, form=ButtonForm()
    )


def _load_own_session(session_id: int) -> UserSession:
    """The user's own open session; anyone else's, or an ended one, is a 404 (audited)."""
    return load_or_404(_user(), UserSession, session_id, Action.END_OWN_SESSION, audit_read=False)


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id: int) -> Any:
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("account.sessions_list"))
    row = _load_own_session(session_id)
    is_current = sessions.current() is row
    sessions.end(row, "ended_by_user")
    audit.record(_user(), "auth.session.end", row, details={"reason": "ended_by_user"})
    if is_current:
        flash(_("U bent uitgelogd."), "info")
        return redirect(url_for("auth.login"))
    flash(_("De sessie is beëindigd."), "info")
    return redirect(url_for("account.sessions_list"))


@bp.post("/sessions/end-others")
def end_other_sessions() -> Any:
    """End every other session of the user, and revoke their API tokens: "log me out everywhere else"."""
    user = _user()
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("account.sessions_list"))
    ended = sessions.end_all(user, sessions.EndReason.ENDED_BY_USER, keep=sessions.current())
    audit.record(user, "auth.session.end_others", user, details={"sessions_ended": ended})
    flash(_("Uw andere sessies zijn beëindigd en uw API-tokens ingetrokken."), "info")
    return redirect(url_for("account.sessions_list"))


@bp.route("/password", methods=["GET", "POST"], endpoint="change_password")
def change_password_view() -> Any:
    user = _user()
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 422 if request.method == "POST" else 200
    if lockout.is_locked(user.username):  # the current password is guessable here too: same lockout
        form.current_password.errors = [locked_message()]
        return render_template("auth/password.html", form=form), 429
    try:
        ok = change_password(user, form.current_password.data, form.new_password.data)
    except UserError as exc:
        form.new_password.errors = [str(exc)]
        return render_template("auth/password.html", form=form), 422
    if not ok:
        form.current_password.errors = [_("Het huidige wachtwoord is onjuist.")]
        return render_template("auth/password.html", form=form), 422
    sessions.end_all(user, sessions.EndReason.PASSWORD_CHANGE)
    sessions.start(user, sessions.STAGE_FULL)
    flash(_("Uw wachtwoord is gewijzigd. Al uw andere sessies zijn beëindigd."), "info")
    return redirect(url_for("site.index"))


@bp.get("/mfa")
def mfa_status() -> Any:
    user = _user()
    return render_template(
        "auth/mfa_status.html",
        enrolled=mfa.is_enrolled(user),
        required=mfa.is_required(user),
        remaining=mfa.remaining_recovery_codes(user),
        form=ButtonForm(),
    )


@bp.post("/mfa/recovery-codes")
@require_recent_login(300)
def new_recovery_codes() -> Any:
    user = _user()
    if not ButtonForm().validate_on_submit() or not mfa.is_enrolled(user):
        return redirect(url_for("account.mfa_status"))
    codes = mfa.new_recovery_codes(user)
    audit.record(user, "auth.mfa.recovery_codes", user)
    return render_template("auth/recovery_codes.html", codes=codes, next=url_for("account.mfa_status"))
