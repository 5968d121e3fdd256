"""Break-the-glass screens: a caseworker or coordinator takes read-only emergency access to a case
with a stated reason; supervisors review the use. The service (``casebook.access.break_glass``)
decides, records and audits; these views parse and render.
"""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.access import break_glass as glass
from casebook.access.models import ReviewStatus
from casebook.supervision import break_glass_bp as bp
from casebook.supervision.forms import BreakGlassForm, ReviewForm


@bp.get("")
def search() -> str:
    """Search by exact reference; only an eligible case gets the reason form."""
    reference = request.args.get("reference", "").strip()
    lookup = glass.find_case(current_user, reference) if reference else None
    form = BreakGlassForm(formdata=None, reference=lookup.case.reference if lookup and lookup.case else "")
    return render_template("supervision/break_glass.html", reference=reference, lookup=lookup, form=form)


@bp.post("")
def take() -> Response | tuple[str, int]:
    form = BreakGlassForm()
    reference = (form.reference.data or "").strip()
    if form.validate():
        try:
            grant = glass.break_glass(current_user, reference, form.reason.data)
        except glass.BreakGlassError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            minutes = current_app.config["BREAK_GLASS_MINUTES"]
            flash(_("Noodtoegang geregistreerd: %(minutes)d minuten alleen lezen.", minutes=minutes), "info")
            return redirect(url_for("cases.detail", case_id=grant.case_id))
    lookup = glass.find_case(current_user, reference)
    return render_template("supervision/break_glass.html", reference=reference, lookup=lookup, form=form), 422


@bp.get("/reviews")
def reviews() -> str:
    show = request.args.get("status", "pending")
    status = None if show == "all" else ReviewStatus.PENDING
    queue = glass.review_queue(current_user, status)
    return render_template("supervision/reviews.html", queue=queue, show=show, form=ReviewForm(formdata=None))


@bp.post("/<int:grant_id>/review")
def review(grant_id: int) -> Response | tuple[str, int]:
    grant = glass.load_grant_for_review(current_user, grant_id)
    form = ReviewForm()
    if not form.validate():
        queue = glass.review_queue(current_user)
        return render_template("supervision/reviews.html", queue=queue, show="pending", form=form), 422
    glass.review(current_user, grant, ReviewStatus(form.verdict.data), form.note.data or "")
    flash(_("Beoordeling vastgelegd."), "info")
    return redirect(url_for("break_glass.reviews"))
