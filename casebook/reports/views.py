"""Report screens: the index of the reports the reader may see, one page per report, its exports.

Views parse and render; ``casebook.reports.services`` asks the policy, queries, suppresses and
audits. A reader without reports, and an unknown report, get the audited 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from casebook.access import Action, can, deny
from casebook.db import utcnow
from casebook.reports import charts, export, services
from casebook.reports.filters import FilterError
from casebook.reports.forms import ReportFilterForm

bp = Blueprint("reports", __name__, url_prefix="/reports")

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", export.report_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.report_xlsx),
}


@bp.get("/")
def index() -> str:
    """The reports the reader may see (no personal data: names and descriptions only)."""
    reports = services.available(current_user)
    if not reports:
        raise deny(current_user, Action.VIEW_REPORTS)
    return render_template("reports/index.html", reports=reports)


def _page(name: str, action: Action, export_format: str | None = None):
    """(context, form, report or None, status): the report of the query string, or the form's refusal."""
    context = services.context_for(current_user, name, action)
    form = ReportFilterForm(request.args)
    try:
        filters = services.parse(context, request.args)
    except FilterError as refused:
        form.fill(context.choices, None).refuse(refused.field, refused)
        return context, form, None, 422
    form.fill(context.choices, filters)
    report = services.build_report(
        current_user, name, filters, context=context, action=action, export_format=export_format
    )
    return context, form, report, 200


@bp.get("/<name>")
def show(name: str) -> tuple[str, int]:
    context, form, report, status = _page(name, Action.VIEW_REPORTS)
    query = {k: v for k, v in request.args.items(multi=True) if k in FILTER_NAMES}
    return (
        render_template(
            context.definition.template,
            definition=context.definition,
            scope=context.scope,
            form=form,
            report=report,
            chart=charts.render_svg,
            query=query,
            may_export=can(current_user, Action.EXPORT_REPORT),
        ),
        status,
    )


FILTER_NAMES = ("start", "end", "year", "district", "case_type", "organisation")


@bp.get("/<name>/export.<fmt>")
def download(name: str, fmt: str) -> Response | tuple[str, int]:
    """The report as CSV or XLSX, suppressed like the page; audited as ``report.export``."""
    if fmt not in EXPORTS:
        raise deny(current_user, Action.EXPORT_REPORT)
    context, form, report, status = _page(name, Action.EXPORT_REPORT, fmt)
    if report is None:
        return render_template(
            context.definition.template,
            definition=context.definition,
            scope=context.scope,
            form=form,
            report=None,
            chart=charts.render_svg,
            query={},
            may_export=True,
        ), status
    mimetype, render = EXPORTS[fmt]
    stamp = utcnow().strftime("%Y%m%d")
    return Response(
        render(report.meta, report.tables),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="rapportage-{name}-{stamp}.{fmt}"'},
    )
