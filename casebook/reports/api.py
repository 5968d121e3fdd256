"""``GET /api/v1/reports`` and ``GET /api/v1/reports/{name}``: the same suppressed tables as the pages.

Registered on the API's registry by ``casebook.reports.init_app`` (before the API blueprint is
registered), so they are in the OpenAPI document like every other operation. The tables are the
``as_dict()`` of the suppressed tables: a suppressed cell is ``{"value": null, "suppressed": true}``.
A reader without reports and an unknown report answer 404; a filter value outside the reader's
choices, or a period that is malformed or longer than ten years, 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from casebook.access import Action
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.problems import ApiProblem
from casebook.api.schemas.common import ApiModel, Code, QueryModel
from casebook.reports import services
from casebook.reports.filters import FilterError


class ReportSummary(ApiModel):
    name: str
    title: str
    description: str


class ReportList(ApiModel):
    items: list[ReportSummary]


class ReportQuery(QueryModel):
    start: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="First day (`YYYY-MM-DD`, or a month `YYYY-MM`)."
    )
    end: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="Last day, included (`YYYY-MM-DD`, or a month `YYYY-MM`)."
    )
    year: str | None = Field(None, pattern=r"^\d{4}$", description="A calendar year instead of start and end.")
    district: list[Code] = Field(default_factory=list, description="Wijk codes (repeat the parameter for several).")
    case_type: list[Code] = Field(default_factory=list, description="Case type codes the caller may see by name.")
    organisation: Code | None = Field(None, description="Organisation slug (not for a teamleider's scope).")


class ReportOut(ApiModel):
    name: str
    title: str
    scope: str = Field(description="What the caller's reports count: `organisation`, `zvh` or `municipality`.")
    scope_label: str
    period_start: date
    period_end: date = Field(description="The first day after the period (exclusive).")
    filters: str = Field(description="The period and the chosen filters, by name.")
    threshold: int = Field(description="Cells and totals below this number are suppressed.")
    created_at: datetime
    as_of: datetime | None = Field(
        default=None,
        description=(
            "The moment the numbers are of: the last refresh of the report facts for the history reports, "
            "else when they were counted (kept until the next refresh). Null before the first refresh."
        ),
    )
    empty: bool = Field(description="No table counts anything in this period.")
    tables: list[dict[str, Any]] = Field(
        description=(
            "Each table as `{key, kind: counts|durations, title, rows, columns, cells, …}`; a suppressed cell "
            'is `{"value": null, "suppressed": true}`. Count tables carry row, column and grand totals.'
        )
    )


@api.get("/reports", response=ReportList, tags=["reports"])
def list_reports() -> ReportList:
    """The reports the caller may read (404 for users without reports)."""
    user = api_user()
    reports = services.available(user)
    if not reports:
        services.reader_scope(user)  # the audited 404
    return ReportList(
        items=[ReportSummary(name=d.name, title=str(d.title), description=str(d.description)) for d in reports]
    )


@api.get("/reports/<name>", query=ReportQuery, response=ReportOut, tags=["reports"])
def get_report(name: str, query: ReportQuery) -> ReportOut:
    """One report over the filters, small numbers suppressed; audited as `report.view`."""
    user = api_user()
    context = services.context_for(user, name)
    try:
        filters = services.parse(context, query.model_dump(exclude_none=True))
    except FilterError as refused:
        raise ApiProblem(
            422,
            "validation-error",
            detail=str(refused),
            errors=[
                {"location": "query", "field": refused.field or "(query)", "message": str(refused), "code": "filter"}
            ],
        ) from None
    report = services.build_report(user, name, filters, context=context, action=Action.VIEW_REPORTS)
    meta = report.meta
    return ReportOut(
        name=name,
        title=str(meta.title),
        scope=report.scope.kind,
        scope_label=str(meta.scope_label),
        period_start=meta.period_start,
        period_end=meta.period_end,
        filters=str(meta.filters_label),
        threshold=meta.threshold,
        created_at=meta.created_at,
        as_of=meta.as_of,
        empty=report.empty,
        tables=[table.as_dict() for table in report.tables],
    )
