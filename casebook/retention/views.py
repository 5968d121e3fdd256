"""The destruction-list screens: the lists, one list with its items, approving, taking items off,
and the certificate. Views parse and render; ``casebook.retention.services`` decides and audits."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.access import Action, can, require_audited
from casebook.casework import local_today
from casebook.errors import Conflict, RuleViolation
from casebook.retention import bp, services
from casebook.retention.certificate import certificate, kind_label, reason_label
from casebook.retention.forms import ApproveForm, DrawUpForm, WithholdForm
from casebook.retention.models import DestructionList, ItemStatus, ListStatus


def status_label(status: ListStatus) -> str:
    return {
        ListStatus.AWAITING_APPROVAL: _("ter goedkeuring"),
        ListStatus.APPROVED: _("goedgekeurd, wacht op vernietiging"),
        ListStatus.DESTROYED: _("vernietigd"),
    }[status]


def item_status_label(status: ItemStatus) -> str:
    return {
        ItemStatus.LISTED: _("op de lijst"),
        ItemStatus.WITHHELD: _("uitgezonderd"),
        ItemStatus.DESTROYED: _("vernietigd"),
    }[status]


def _index(form: DrawUpForm | None = None, status: int = 200):
    lists = services.lists_for(current_user)
    return (
        render_template(
            "retention/index.html",
            lists=lists,
            counts=services.item_counts(lists),
            status_label=status_label,
            form=form or DrawUpForm(formdata=None),
            may_draw_up=can(current_user, Action.DRAW_UP_DESTRUCTION_LIST),
        ),
        status,
    )


@bp.get("")
def index():
    return _index()


@bp.post("/plan")
def draw_up():
    """Draw up a list now (as the weekly timer does), for today or a given peildatum."""
    require_audited(current_user, Action.DRAW_UP_DESTRUCTION_LIST)
    form = DrawUpForm()
    if not form.validate():
        return _index(form, 422)
    listing = services.draw_up(form.as_of.data or local_today(), by=current_user)
    if listing is None:
        flash(_("Niets is de bewaartermijn voorbij dat nog niet op een lijst staat."), "info")
        return redirect(url_for("retention.index"))
    flash(_("Vernietigingslijst %(id)s is opgesteld en wacht op goedkeuring.", id=listing.id), "info")
    return redirect(url_for("retention.detail", list_id=listing.id))


def _detail(
    listing: DestructionList,
    *,
    withhold_form: WithholdForm | None = None,
    message: str | None = None,
    status: int = 200,
):
    return (
        render_template(
            "retention/detail.html",
            listing=listing,
            approve_form=ApproveForm(formdata=None, version=listing.version),
            withhold_form=withhold_form or WithholdForm(formdata=None, version=listing.version),
            may_approve=services.may_approve(current_user, listing),
            may_withhold=listing.status is ListStatus.AWAITING_APPROVAL
            and can(current_user, Action.WITHHOLD_DESTRUCTION_ITEM, listing),
            message=message,
            status_label=status_label,
            item_status_label=item_status_label,
            kind_label=kind_label,
            reason_label=reason_label,
        ),
        status,
    )


@bp.get("/<int:list_id>")
def detail(list_id: int):
    return _detail(services.load_list(current_user, list_id))


@bp.post("/<int:list_id>/approve")
def approve(list_id: int):
    listing = services.load_list(current_user, list_id, Action.APPROVE_DESTRUCTION_LIST)
    form = ApproveForm()
    if not form.validate():
        return _detail(listing, message=_("Het formulier is niet volledig."), status=422)
    try:
        services.approve(listing, by=current_user, version=form.version.data)
    except services.AlreadyApproved:
        return _detail(
            listing,
            message=_("U kunt deze lijst niet (nogmaals) goedkeuren: twee verschillende personen keuren goed."),
            status=409,
        )
    except Conflict:
        return _detail(listing, message=_("De lijst is intussen gewijzigd. Bekijk hem opnieuw."), status=409)
    flash(_("Goedkeuring vastgelegd."), "info")
    return redirect(url_for("retention.detail", list_id=listing.id))


@bp.post("/<int:list_id>/withhold")
def withhold(list_id: int):
    listing = services.load_list(current_user, list_id, Action.WITHHOLD_DESTRUCTION_ITEM)
    form = WithholdForm()
    if not form.validate():
        return _detail(listing, withhold_form=form, message=_("Kies een reden."), status=422)
    item = services.load_item(current_user, listing, form.item_id.data)
    try:
        services.withhold(item, by=current_user, reason=form.reason.data, version=form.version.data)
    except RuleViolation as exc:
        return _detail(listing, withhold_form=form, message=str(exc), status=422)
    except Conflict:
        return _detail(listing, message=_("De lijst is intussen gewijzigd of al goedgekeurd."), status=409)
    flash(_("%(reference)s is van de lijst gehaald.", reference=item.reference), "info")
    return redirect(url_for("retention.detail", list_id=listing.id))


@bp.get("/<int:list_id>/verklaring.pdf")
def certificate_pdf(list_id: int) -> Response:
    listing = services.load_list(current_user, list_id)
    try:
        printed = certificate(listing, by=current_user)
    except Conflict:
        return _detail(listing, message=_("De verklaring van vernietiging is er pas na de vernietiging."), status=409)  # type: ignore[return-value]
    return Response(
        printed.content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{printed.filename}"', "Cache-Control": "no-store"},
    )
