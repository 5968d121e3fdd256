"""Screens of the weegtafel's work: assign a signal, ask a partner, and the partner's inbox and answer."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.cases.errors import CaseRuleError
from casebook.signals import bp, work, work_forms
from casebook.signals import services as signals
from casebook.signals.forms import AnswerForm, AskForm, AssignForm
from casebook.signals.views import _attach, render_signal


@bp.post("/signals/<int:signal_id>/assign")
def assign(signal_id: int) -> Any:
    signal = signals.load_signal_for(current_user, signal_id)
    form = work_forms.assign_form(signal, AssignForm())
    if not form.validate():
        return render_signal(signal, 422, assign_form=form)
    try:
        work.assign(signal, form.assignee.data, by=current_user, expected_version=form.version.data)
    except work.StaleSignal:
        flash(_("De melding is intussen gewijzigd; er is niets opgeslagen. Bekijk haar opnieuw."), "error")
        return render_signal(signal, 409)
    except CaseRuleError as exc:
        _attach(form, exc)
        return render_signal(signal, 422, assign_form=form)
    flash(_("Toewijzing opgeslagen."), "info")
    return redirect(url_for("signals.detail", signal_id=signal.id, _anchor="work"))


@bp.post("/signals/<int:signal_id>/information-requests")
def ask(signal_id: int) -> Any:
    signal = signals.load_signal_for(current_user, signal_id)
    form = work_forms.ask_form(signal, AskForm())
    if not form.validate():
        return render_signal(signal, 422, ask_form=form)
    try:
        work.ask(
            signal, form.organisation.data, form.question.data, by=current_user, expected_version=form.version.data
        )
    except work.StaleSignal:
        flash(_("De melding is intussen gewijzigd; er is niets opgeslagen. Bekijk haar opnieuw."), "error")
        return render_signal(signal, 409, ask_form=form)
    except CaseRuleError as exc:
        _attach(form, exc)
        return render_signal(signal, 422, ask_form=form)
    flash(_("Vraag verstuurd. De melding wacht op informatie; de werkdagenklok staat stil."), "info")
    return redirect(url_for("signals.detail", signal_id=signal.id, _anchor="work"))


@bp.get("/information-requests")
def inbox() -> str:
    """The questions addressed to the user's organisation (the question only, never the signal)."""
    return render_template("signals/inbox.html", requests=work.inbox(current_user))


def _render_request(request: Any, status: int = 200, form: AnswerForm | None = None) -> tuple[str, int]:
    if form is None:
        form = AnswerForm(formdata=None)
        form.version.data = request.version
    return render_template("signals/request.html", request_=request, form=form), status


@bp.get("/information-requests/<int:request_id>")
def request_detail(request_id: int) -> Any:
    return _render_request(work.load_request_for(current_user, request_id))


@bp.post("/information-requests/<int:request_id>/answer")
def answer(request_id: int) -> Any:
    request = work.load_request_for(current_user, request_id)
    form = AnswerForm()
    if not form.validate():
        return _render_request(request, 422, form)
    try:
        work.answer(request, form.answer.data, by=current_user, expected_version=form.version.data)
    except (work.StaleRequest, work.AlreadyAnswered) as exc:
        message = exc.message if isinstance(exc, work.AlreadyAnswered) else None
        flash(str(message or _("De vraag is intussen gewijzigd; er is niets opgeslagen.")), "error")
        return _render_request(request, 409, form)
    except CaseRuleError as exc:
        _attach(form, exc)
        return _render_request(request, 422, form)
    flash(_("Antwoord verstuurd."), "info")
    return redirect(url_for("signals.inbox"))
