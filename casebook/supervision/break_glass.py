"""Break-the-glass screens: a caseworker or coordinator takes read-only emergency access to a case
with a stated reason; supervisors review the use. The service (``casebook.access.break_glass``)
decides, records and audits; these views parse and render.
"""

from __future__ import annotations

from flask import Response, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.access import break_glass as glass
from casebook.access.models import ReviewStatus
from casebook.people import services as people
from casebook.people.forms import PersonSearchForm
from casebook.supervision import break_glass_bp as bp
from casebook.supervision import glass_search
from casebook.supervision.forms import BreakGlassForm, ReviewForm


def _page(**context) -> str:
    context.setdefault("person_form", PersonSearchForm(formdata=None))
    context.setdefault("reference", "")
    context.setdefault("lookup", None)
    context.setdefault("person_results", None)
    return render_template("supervision/break_glass.html", **context)


@bp.get("")
def search() -> str:
    """Search by exact reference; only an eligible case gets the reason form."""
    reference = request.args.get("reference", "").strip()
    lookup = glass.find_case(current_user, reference) if reference else None
    form = BreakGlassForm(formdata=None, reference=lookup.case.reference if lookup and lookup.case else "")
    return _page(reference=reference, lookup=lookup, form=form)


@bp.post("/person")
def search_person() -> Response:
    """Search by BSN, or family name + birth date (posted: no BSN in a URL); offers the cases the glass
    may be broken for, each leading to the reason form."""
    form = PersonSearchForm()
    status = 200
    results = None
    if form.validate():
        try:
            results = glass_search.find_cases_by_person(
                current_user,
                bsn=form.bsn.data or None,
                family_name=form.family_name.data,
                birth_date=form.birth_date.data,
            )
        except people.BsnNotProcessed as refused:
            form.bsn.errors = [*form.bsn.errors, refused.message]
            status = 422
    else:
        status = 422
    response = make_response(
        _page(person_form=form, person_results=results, form=BreakGlassForm(formdata=None)), status
    )
    response.headers["Cache-Control"] = "no-store"
    return response


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
    return _page(reference=reference, lookup=lookup, form=form), 422


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
