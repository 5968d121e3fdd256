"""The case list: filters (GET), the search (POST, kept in the session), sort, saved filters, export.

Privacy of the query: the search box is a POST form and the search is kept server-side, in the
signed session, as what it resolved to — a canonical reference, or a family name's keyed digest
(``cases.search.CaseSearch``) — never as typed. Paging, sorting and the export reuse it; no URL,
log line or audit event carries the term. A BSN is refused with a pointer to the person search.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.cases import bp, listing
from casebook.cases import saved_filters as saved
from casebook.cases import services as cases
from casebook.cases.list_forms import (
    CaseListFilterForm,
    CaseSearchForm,
    DeleteFilterForm,
    SaveFilterForm,
    filter_args,
    saved_args,
)
from casebook.cases.search import CaseSearch, SearchKind, SearchRefused, parse
from casebook.cases.sorting import SORT_COLUMNS, CaseSort
from casebook.errors import RuleViolation
from casebook.i18n import select_locale
from casebook.pagination import PageRequest, first_page_if_invalid

SEARCH_KEY = "case_search"


def _kept_search() -> CaseSearch | None:
    """The search kept in the session, if any (anything malformed there is dropped)."""
    kept = session.get(SEARCH_KEY)
    if not isinstance(kept, dict):
        return None
    try:
        return CaseSearch(
            SearchKind(kept["kind"]),
            reference=kept.get("reference"),
            exact=bool(kept.get("exact", True)),
            name_digest=kept.get("digest"),
        )
    except (KeyError, ValueError, TypeError):
        session.pop(SEARCH_KEY, None)
        return None


def _keep(search: CaseSearch) -> None:
    session[SEARCH_KEY] = {
        "kind": str(search.kind),
        "reference": search.reference,
        "exact": search.exact,
        "digest": search.name_digest,
    }


def _state() -> tuple[CaseListFilterForm, cases.CaseFilters, CaseSort]:
    form = CaseListFilterForm(request.args).fill_choices(select_locale())
    return form, form.filters(), CaseSort.parse_or_default(request.args.get("sort"))


@bp.get("/cases")
def index() -> Any:
    return render_list()


def render_list(
    *,
    status: int = 200,
    search_form: CaseSearchForm | None = None,
    save_form: SaveFilterForm | None = None,
    search_error: str | None = None,
) -> Any:
    """The list page; a refused search or save re-renders it (422) with the message and the input."""
    form, filters, sort = _state()
    search = _kept_search()
    asked = PageRequest.from_args(request.args, current_app.config["PAGE_SIZE"])
    try:
        result, cursor_refused = first_page_if_invalid(
            lambda page: cases.list_for(
                current_user, filters, page, sort=sort, search=search, options=listing.PAGE_LOADING
            ),
            asked,
        )
    except SearchRefused as refused:  # a name search kept from before a change of roles
        session.pop(SEARCH_KEY, None)
        search, search_error, status = None, str(refused.message), 422
        result, cursor_refused = first_page_if_invalid(
            lambda page: cases.list_for(current_user, filters, page, sort=sort, options=listing.PAGE_LOADING), asked
        )
    args = filter_args(filters, str(sort) if sort != CaseSort() else None)
    if asked.exact_total:
        args["total"] = "exact"
    search_form = search_form or CaseSearchForm(formdata=None)
    if search_error:
        search_form.q.errors = [search_error]
    html = render_template(
        "cases/list.html",
        form=form,
        page=result,
        filters=filters,
        args=args,
        sort=sort,
        sort_columns=SORT_COLUMNS,
        search=search,
        search_form=search_form,
        save_form=save_form or SaveFilterForm(formdata=None),
        subjects=listing.subjects_of(current_user, result.items),
        cursor_refused=cursor_refused,
    )
    return html, status


@bp.post("/cases/search")
def search() -> Any:
    """Start (or, with ``clear``, end) a search; the list is shown again with the filters of the URL."""
    form = CaseSearchForm()
    if not form.validate_on_submit():
        return render_list(status=422, search_form=form, search_error=_("Het formulier is verlopen; probeer opnieuw."))
    args = {key: value for key, value in request.args.items() if key not in ("after", "before")}  # page one
    if request.form.get("clear") or not (form.q.data or "").strip():
        session.pop(SEARCH_KEY, None)
        return redirect(url_for("cases.index", **args))
    try:
        parsed = parse(form.q.data or "")
        cases.check_search(current_user, parsed)
    except SearchRefused as refused:
        if refused.bsn:
            form.q.data = ""  # a BSN is not shown back either
        return render_list(status=422, search_form=form, search_error=str(refused.message))
    _keep(parsed)
    return redirect(url_for("cases.index", **args))


@bp.post("/cases/filters")
def save_filter() -> Any:
    """Save the list's current filters (of the URL; never the search) under a name."""
    form = SaveFilterForm()
    if not form.validate_on_submit():
        return render_list(status=422, save_form=form)
    _form, filters, sort = _state()
    params = filter_args(filters, str(sort) if sort != CaseSort() else None)
    try:
        saved.save(current_user, form.name.data or "", params)
    except RuleViolation as refused:
        form.name.errors = [str(refused)]
        return render_list(status=422, save_form=form)
    return redirect(url_for("cases.index", **params))


@bp.get("/cases/filters")
def saved_filters() -> Any:
    """The user's own saved filters: apply (a link to the filtered list) or delete."""
    rows = saved.list_own(current_user)
    return render_template(
        "cases/saved_filters.html",
        saved_filters=[(row, saved_args(row.params)) for row in rows],
        delete_form=DeleteFilterForm(formdata=None),
    )


@bp.post("/cases/filters/<int:filter_id>/delete")
def delete_filter(filter_id: int) -> Any:
    if DeleteFilterForm().validate_on_submit():
        saved.delete(current_user, filter_id)
    return redirect(url_for("cases.saved_filters"))


@bp.get("/cases/export")
def export() -> Response:
    """The list as CSV or XLSX (``format``), with the filters of the URL and the kept search."""
    _form, filters, sort = _state()
    fmt = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    try:
        made = listing.export(current_user, filters, sort, _kept_search(), fmt, select_locale())
    except SearchRefused:
        session.pop(SEARCH_KEY, None)
        made = listing.export(current_user, filters, sort, None, fmt, select_locale())
    return Response(
        made.content,
        mimetype=made.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{made.filename}"',
            "Cache-Control": "no-store",
            "X-Casebook-Export-Rows": str(made.rows),
        },
    )
