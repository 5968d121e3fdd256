"""Handoff screens: inbox, new handoff from a case, detail with the decisions, requests for a case.

Views parse and render; every rule is in the services. A refused rule re-renders the form with
the input kept (422); a lost race renders a clear message (409); an object out of reach is 404.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from casebook.access import Action, can, deny
from casebook.auth.models import User
from casebook.cases import services as cases
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.handoffs import bp, notifications, requests, services
from casebook.handoffs import inbox as inbox_service
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.forms import DecisionForm, EmptyForm, HandoffForm, ReasonForm, TransferRequestForm
from casebook.handoffs.models import HandoffKind, LegalBasis, SenderAfterTransfer
from casebook.handoffs.rules import receivers_allowed_for
from casebook.i18n import select_locale


@bp.get("/handoffs")
def inbox() -> str:
    return render_template("handoffs/inbox.html", inbox=inbox_service.inbox_for(current_user), form=EmptyForm())


# --- new handoff -------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/handoffs/new", methods=["GET", "POST"])
def new(case_id: int) -> Any:
    case = cases.load_for(current_user, case_id, Action.DRAFT_HANDOFF)
    answering = _request_being_answered(case)
    form = HandoffForm().fill_choices(current_user, case, select_locale())
    if request.method == "GET" and answering is not None:
        form.kind.data = "transfer"
        form.receiver.data = str(answering.requesting_organisation_id)
    if request.method == "POST" and form.validate_on_submit():
        sends = can(current_user, Action.SEND_HANDOFF, case)
        try:
            data = _handoff_input(form, case, answering)
            handoff = (services.send if sends else services.draft)(case, data, by=current_user)
        except HandoffError as exc:
            _attach(form, exc)
        except HandoffConflict as exc:
            return render_template("handoffs/conflict.html", message=exc.message), 409
        else:
            flash(_("Overdracht verstuurd.") if sends else _("Concept opgeslagen; een procesregisseur verstuurt het."))
            return redirect(url_for("handoffs.detail", handoff_id=handoff.id))
    status = 422 if request.method == "POST" else 200
    return _render_new(case, form, answering), status


def _render_new(case, form: HandoffForm, answering) -> str:
    return render_template(
        "handoffs/new.html",
        case=case,
        form=form,
        answering=answering,
        sends=can(current_user, Action.SEND_HANDOFF, case),
    )


def _request_being_answered(case):
    request_id = request.values.get("request", type=int)
    if not request_id:
        return None
    transfer_request = requests.load_for(current_user, request_id)
    if transfer_request.case_id != case.id or not can(current_user, Action.ANSWER_TRANSFER_REQUEST, transfer_request):
        raise deny(current_user, Action.ANSWER_TRANSFER_REQUEST, transfer_request)
    return transfer_request


def _handoff_input(form: HandoffForm, case, answering) -> services.HandoffInput:
    receiver = next((o for o in receivers_allowed_for(case) if str(o.id) == form.receiver.data), None)
    basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == form.legal_basis.data))
    if receiver is None:
        raise HandoffError(_("Kies een organisatie."), field="receiver")
    if basis is None:
        raise HandoffError(_("Kies een grondslag."), field="legal_basis")
    items = []
    for value in form.items.data or []:
        kind, _sep, item_id = value.partition(":")
        items.append((kind, int(item_id)))
    kind = HandoffKind(form.kind.data)
    return services.HandoffInput(
        kind=kind,
        receiver=receiver,
        summary=form.summary.data or "",
        legal_basis=basis,
        person_informed=form.person_informed.data == "yes",
        receiver_involvement=Involvement(form.receiver_involvement.data) if kind is HandoffKind.REFERRAL else None,
        sender_after=SenderAfterTransfer(form.sender_after.data) if kind is HandoffKind.TRANSFER else None,
        items=tuple(items),
        plan_action_id=int(form.plan_action.data) if form.plan_action.data else None,
        origin_request=answering,
    )


def _attach(form, exc: HandoffError) -> None:
    field = form._fields.get(exc.field or "")
    if field is not None:
        field.errors = [*field.errors, str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


# --- detail and decisions ------------------------------------------------------------------------------


@bp.get("/handoffs/<int:handoff_id>")
def detail(handoff_id: int) -> str:
    return _render_detail(services.load_for(current_user, handoff_id))


def _render_detail(handoff, *, decision_form=None, reason_form=None) -> str:
    user = current_user
    decide = can(user, Action.DECIDE_HANDOFF, handoff)
    if decision_form is None:
        decision_form = DecisionForm()
        if decide and handoff.kind is HandoffKind.TRANSFER:
            decision_form.fill_choices(
                services.eligible_process_coordinators(handoff), services.eligible_case_managers(handoff)
            )
    return render_template(
        "handoffs/detail.html",
        handoff=handoff,
        items=services.rendered_items(user, handoff),
        decision_form=decision_form,
        reason_form=reason_form or ReasonForm(),
        form=EmptyForm(),
        may=dict(
            decide=decide,
            cancel=can(user, Action.CANCEL_HANDOFF, handoff),
            send=can(user, Action.SEND_HANDOFF_DRAFT, handoff),
            complete=can(user, Action.COMPLETE_HANDOFF, handoff),
            view_case=can(user, Action.VIEW_CASE, handoff.case),
        ),
    )


def _conflict(exc: HandoffConflict) -> tuple[str, int]:
    return render_template("handoffs/conflict.html", message=exc.message), 409


@bp.post("/handoffs/<int:handoff_id>/accept")
def accept(handoff_id: int) -> Any:
    handoff = services.load_for(current_user, handoff_id)
    form = DecisionForm()
    if handoff.kind is HandoffKind.TRANSFER:
        form.fill_choices(services.eligible_process_coordinators(handoff), services.eligible_case_managers(handoff))
    else:
        form.process_coordinator.choices = form.case_manager.choices = [("", "")]
    if not form.validate_on_submit():
        return _render_detail(handoff, decision_form=form), 422
    coordinator = db.session.get(User, int(form.process_coordinator.data)) if form.process_coordinator.data else None
    case_manager = db.session.get(User, int(form.case_manager.data)) if form.case_manager.data else None
    try:
        services.accept(
            handoff,
            by=current_user,
            process_coordinator=coordinator,
            case_manager=case_manager,
            sender_actions=form.sender_actions.data,
        )
    except HandoffError as exc:
        _attach(form, exc)
        return _render_detail(handoff, decision_form=form), 422
    except HandoffConflict as exc:
        return _conflict(exc)
    flash(_("Overdracht geaccepteerd."))
    return redirect(url_for("cases.detail", case_id=handoff.case_id))


@bp.post("/handoffs/<int:handoff_id>/reject")
def reject(handoff_id: int) -> Any:
    handoff = services.load_for(current_user, handoff_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render_detail(handoff, reason_form=form), 422
    try:
        services.reject(handoff, by=current_user, reason=form.reason.data)
    except HandoffError as exc:
        _attach(form, exc)
        return _render_detail(handoff, reason_form=form), 422
    except HandoffConflict as exc:
        return _conflict(exc)
    flash(_("Overdracht afgewezen; de verzender is op de hoogte gebracht."))
    return redirect(url_for("handoffs.inbox"))


def _simple(handoff_id: int, operation, message: str, target: str = "detail") -> Any:
    handoff = services.load_for(current_user, handoff_id)
    if not EmptyForm().validate_on_submit():
        return _render_detail(handoff), 422
    try:
        operation(handoff, by=current_user)
    except HandoffError as exc:
        flash(str(exc.message), "error")
        return _render_detail(handoff), 422
    except HandoffConflict as exc:
        return _conflict(exc)
    flash(message)
    if target == "inbox":
        return redirect(url_for("handoffs.inbox"))
    return redirect(url_for("handoffs.detail", handoff_id=handoff_id))


@bp.post("/handoffs/<int:handoff_id>/cancel")
def cancel(handoff_id: int) -> Any:
    return _simple(handoff_id, services.cancel, _("Overdracht ingetrokken."), target="inbox")


@bp.post("/handoffs/<int:handoff_id>/send")
def send_draft(handoff_id: int) -> Any:
    return _simple(handoff_id, services.send_draft, _("Overdracht verstuurd."))


@bp.post("/handoffs/<int:handoff_id>/complete")
def complete(handoff_id: int) -> Any:
    return _simple(handoff_id, services.complete, _("Verwijzing afgerond; de verzender is op de hoogte gebracht."))


@bp.post("/handoffs/notifications/read")
def notifications_read() -> Any:
    if EmptyForm().validate_on_submit():
        notifications.mark_all_read(current_user)
    return redirect(url_for("handoffs.inbox"))


# --- requests for a case ---------------------------------------------------------------------------------


@bp.route("/handoffs/requests/new", methods=["GET", "POST"])
def new_request() -> Any:
    if not can(current_user, Action.REQUEST_TRANSFER):
        raise deny(current_user, Action.REQUEST_TRANSFER)
    form = TransferRequestForm()
    if request.method == "GET":
        form.reference.data = request.args.get("reference", "")[:20]
        return render_template("handoffs/request_new.html", form=form)
    if form.validate_on_submit():
        try:
            created = requests.create(form.reference.data, form.motivation.data, by=current_user)
        except HandoffError as exc:
            _attach(form, exc)
        else:
            flash(_("Verzoek tot overdracht verstuurd naar de regiehouder."))
            return redirect(url_for("handoffs.request_detail", request_id=created.id))
    return render_template("handoffs/request_new.html", form=form), 422


@bp.get("/handoffs/requests/<int:request_id>")
def request_detail(request_id: int) -> str:
    return _render_request(requests.load_for(current_user, request_id))


def _render_request(transfer_request, *, reason_form=None) -> str:
    return render_template(
        "handoffs/request_detail.html",
        transfer_request=transfer_request,
        reason_form=reason_form or ReasonForm(),
        form=EmptyForm(),
        may=dict(
            answer=can(current_user, Action.ANSWER_TRANSFER_REQUEST, transfer_request),
            withdraw=can(current_user, Action.WITHDRAW_TRANSFER_REQUEST, transfer_request),
        ),
    )


@bp.post("/handoffs/requests/<int:request_id>/decline")
def request_decline(request_id: int) -> Any:
    transfer_request = requests.load_for(current_user, request_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render_request(transfer_request, reason_form=form), 422
    try:
        requests.decline(transfer_request, by=current_user, reason=form.reason.data)
    except HandoffError as exc:
        _attach(form, exc)
        return _render_request(transfer_request, reason_form=form), 422
    except HandoffConflict as exc:
        return _conflict(exc)
    flash(_("Verzoek afgewezen; de aanvrager is op de hoogte gebracht."))
    return redirect(url_for("handoffs.inbox"))


@bp.post("/handoffs/requests/<int:request_id>/withdraw")
def request_withdraw(request_id: int) -> Any:
    transfer_request = requests.load_for(current_user, request_id)
    if not EmptyForm().validate_on_submit():
        return _render_request(transfer_request), 422
    try:
        requests.withdraw(transfer_request, by=current_user)
    except HandoffConflict as exc:
        return _conflict(exc)
    flash(_("Verzoek ingetrokken."))
    return redirect(url_for("handoffs.inbox"))
