"""Case endpoints: thin — parse, one service call, shape."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from casebook import audit
from casebook.access import Action, Refused, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.problems import ApiProblem
from casebook.api.registry import Reply
from casebook.api.schemas.cases import CaseCreate, CaseListQuery, CaseOut, CasePage, CaseSummary
from casebook.api.views.dossier import case_out
from casebook.api.views.paging import CURSOR_ERRORS, page_members, valid_cursors
from casebook.audit import Outcome
from casebook.cases import search
from casebook.cases import services as cases
from casebook.cases.models import CaseType
from casebook.cases.sorting import CaseSort, UnknownSort
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.organisations.models import District, Organisation


def _invalid(field: str, message: str, code: str) -> ApiProblem:
    return ApiProblem(
        422, "validation-error", errors=[{"location": "query", "field": field, "message": message, "code": code}]
    )


@api.get("/cases", query=CaseListQuery, response=CasePage, tags=["cases"], errors=(*CURSOR_ERRORS, 422))
def list_cases(query: CaseListQuery) -> CasePage:
    """Cases the caller may see, open ones newest first by default; filters, search and sort as on the
    case list screen. Follow `next` for more (the links keep the query; a cursor works only with its sort)."""
    user = api_user()
    status = query.status or "open"
    filters = cases.CaseFilters(
        case_type=query.type,
        status=None if status in cases.LIST_STATES else status,
        state=status if status in cases.LIST_STATES else "all",
        district=query.district,
        organisation=query.organisation,
        mine=bool(query.mine),
    )
    try:
        sort = CaseSort.parse(query.sort)
    except UnknownSort:
        raise _invalid("sort", "Unknown sort column", "unknown_sort") from None
    try:
        found = search.parse(query.q) if query.q else None
        with valid_cursors():
            page = cases.list_for(user, filters, query.page_request(), sort=sort, search=found)
    except search.SearchRefused as refused:
        raise _invalid("q", str(refused.message), "bsn" if refused.bsn else "refused") from None
    return CasePage(items=[CaseSummary.of(c) for c in page.items], **page_members(page, query, "api.list_cases"))


@api.get("/cases/<id:case_id>", response=CaseOut, etag=True, tags=["cases"])
def get_case(case_id: int) -> CaseOut:
    """One case with its participants, subjects (person ids), signaleringen and summary. 404 when out of scope."""
    user = api_user()
    return case_out(user, cases.load_for(user, case_id))


def _lookup(model: type, column: object, value: str | None, field: str) -> object | None:
    """Reference data by code; an unknown code is a 422 on ``field``."""
    if value is None:
        return None
    found = db.session.scalar(select(model).where(column == value))
    if found is None or getattr(found, "active", True) is False:
        raise ApiProblem(
            422,
            "validation-error",
            errors=[{"location": "body", "field": field, "message": "Unknown code", "code": "unknown_code"}],
        )
    return found


@api.post("/cases", body=CaseCreate, response=CaseOut, status=201, etag=True, tags=["cases"])
def create_case(body: CaseCreate) -> Reply:
    """Open a case led by the caller's organisation (procesregisseurs only)."""
    user = api_user()
    if not can(user, Action.OPEN_CASE):
        audit.record(user, str(Action.OPEN_CASE), outcome=Outcome.DENIED)
        raise ApiProblem(403, "forbidden", detail="Alleen procesregisseurs openen casussen.")
    new = cases.NewCase(
        case_type=_lookup(CaseType, CaseType.code, body.type, "type"),  # type: ignore[arg-type]
        lead_organisation=user.organisation,
        district=_lookup(District, District.code, body.district, "district"),  # type: ignore[arg-type]
        confidentiality=Confidentiality.from_code(body.confidentiality) if body.confidentiality else None,
        referring_organisation=_lookup(  # type: ignore[arg-type]
            Organisation, Organisation.slug, body.referring_organisation, "referring_organisation"
        ),
        process_coordinator=user,
    )
    try:
        case = cases.open_case(new, by=user)  # the service asks the policy about the type (audited)
    except Refused:
        raise ApiProblem(403, "forbidden", detail="U mag geen casus van dit type openen.") from None
    return Reply(
        case_out(user, case),
        headers={"Location": url_for("api.get_case", case_id=case.id, _external=True)},
    )
