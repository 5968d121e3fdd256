"""Results report: how cases end, and how often the trouble comes back.

**The cohort** is the cases *closed in the period*: a case counts once, at its first closing in the
period (an approved closure, ``CaseClosureStep`` of kind ``approved``: the second step of the
two-step closing, which also sets the case's end status), with the result chosen at that closing.
Closing steps are history, never changed: a case closed in March and reopened in June still
counts as closed in March with March's result (the case's own ``result_id`` is cleared by the
reopening, so it could not say this).

**The recidivism proxy** (terugval) divides the same cohort into three, so the row total is the
cohort again:

- *heropend*: the case itself was reopened (a status change with ``reopened``) after the closing
  and at most 365 days after it;
- *nieuwe casus*: not reopened, but a person who was a subject of the case is a subject of another
  case opened after the closing and at most 365 days after it (any case of the municipality: the
  reader learns a count, suppressed like every other cell, never which case);
- *geen terugval*: neither.

The window is 365 days after each closing; for closings less than a year ago it has not ended,
so their recidivism can still rise (the table's note says so). It is a proxy: a reopening can be
an administrative correction, and a new case about a person can concern something else.

The closings and their recurrence are read from ``report_closing_fact`` (``casebook.reports.facts``;
``recurrence`` below is the SQL its refresh runs once per closing). Two aggregate statements (one
per table) over the same cohort subquery; restricted case types the
reader may not see by name are grouped under "overig" in SQL (``common.type_key``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from casebook.access import ReportScope, report_case_clause
from casebook.cases.models import (
    Case,
    CaseResult,
    CaseStatusChange,
    CaseSubject,
)
from casebook.reports.facts import ReportClosingFact
from casebook.reports.filters import ReportFilters
from casebook.reports.queries import common
from casebook.reports.table import Category, CountTable, DurationTable

NO_RESULT = "none"
WINDOW_DAYS = 365
RECURRENCE = {
    "none": _l("Geen terugval"),
    "reopened": _l("Heropend binnen 12 maanden"),
    "new_case": _l("Nieuwe casus binnen 12 maanden"),
}


def closings(filters: ReportFilters) -> Any:
    """The cohort as a subquery of ``report_closing_fact``: per case its first approved closure in
    the period, with the case's keys, the result's code and the recurrence the refresh derived."""
    start, end = common.period_bounds(filters)
    fact = ReportClosingFact
    ranked = (
        select(
            fact,
            func.row_number()
            .over(partition_by=fact.case_id, order_by=(fact.closed_at, fact.closure_step_id))
            .label("nth"),
        )
        .where(fact.closed_at >= start, fact.closed_at < end)
        .subquery("ranked_closings")
    )
    return select(ranked).where(ranked.c.nth == 1).subquery("closing")


def in_scope(statement: Select, closing: Any, scope: ReportScope, filters: ReportFilters) -> Select:
    """``statement`` over the cohort, limited to the reader's scope and filters (the case's keys on the fact)."""
    return statement.where(
        report_case_clause(scope, over=closing.c),
        *common.filter_clauses(
            filters,
            type_column=closing.c.case_type_id,
            district_column=closing.c.district_id,
            organisation_column=closing.c.lead_organisation_id,
        ),
    )


def recurrence(closing: Any) -> Any:
    """``'reopened'``, ``'new_case'`` or ``'none'`` for a row of the cohort (see the module docstring)."""
    reopening = aliased(CaseStatusChange)
    reopened = (
        select(reopening.id)
        .where(
            reopening.case_id == closing.c.case_id,
            reopening.reopened.is_(True),
            reopening.changed_at > closing.c.closed_at,
            common.days_between(closing.c.closed_at, reopening.changed_at) <= WINDOW_DAYS,
        )
        .exists()
    )
    closed_subject, later_subject, later_case = aliased(CaseSubject), aliased(CaseSubject), aliased(Case)
    new_case = (
        select(later_case.id)
        .select_from(closed_subject)
        .join(later_subject, later_subject.person_id == closed_subject.person_id)
        .join(later_case, later_case.id == later_subject.case_id)
        .where(
            closed_subject.case_id == closing.c.case_id,
            later_subject.case_id != closing.c.case_id,
            later_case.opened_at > closing.c.closed_at,
            common.days_between(closing.c.closed_at, later_case.opened_at) <= WINDOW_DAYS,
        )
        .exists()
    )
    return case((reopened, literal("reopened")), (new_case, literal("new_case")), else_=literal("none"))


def result_categories(session: Session) -> tuple[Category, ...]:
    """The closing results by code (results are per case type; one code is one row whatever the
    type), in their position order, and "zonder resultaat" last. One statement over reference data."""
    language = common.locale()
    rows = session.execute(
        select(CaseResult.code, CaseResult.label_nl, CaseResult.label_en).order_by(
            CaseResult.position, CaseResult.code, CaseResult.id
        )
    )
    seen: dict[str, str] = {}
    for code, label_nl, label_en in rows:
        seen.setdefault(code, label_en if language == "en" else label_nl)
    return (*(Category(code, label) for code, label in seen.items()), Category(NO_RESULT, _l("Zonder resultaat")))


def results(session: Session, scope: ReportScope, filters: ReportFilters) -> list[CountTable | DurationTable]:
    """Closed cases per result × case type, and the recidivism proxy per case type (two statements)."""
    keys = common.case_type_category(session, scope, filters)
    closing = closings(filters)
    type_id = common.type_key(closing.c.case_type_id, keys)

    by_result = in_scope(select(type_id, closing.c.result_code, func.count()), closing, scope, filters)
    result_counts: Counter[tuple[str, str]] = Counter()
    for case_type_id, code, n in session.execute(by_result.group_by(type_id, closing.c.result_code)):
        result_counts[(code or NO_RESULT, keys.key(case_type_id))] += n

    kind = closing.c.recurrence
    by_recurrence = in_scope(select(type_id, kind, func.count()), closing, scope, filters)
    recurrence_counts: Counter[tuple[str, str]] = Counter()
    for case_type_id, outcome, n in session.execute(by_recurrence.group_by(type_id, kind)):
        recurrence_counts[(keys.key(case_type_id), outcome)] += n

    return [
        CountTable(
            key="closed_by_result",
            title=_l("Afgesloten casussen per resultaat"),
            unit="cases",
            rows=result_categories(session),
            columns=keys.categories,
            counts=dict(result_counts),
            row_title=_l("Resultaat"),
            column_title=_l("Soort casus"),
            chart="stacked",
            note=_l("Casussen met een goedgekeurde afsluiting in de periode (de eerste), naar het resultaat daarvan."),
        ),
        CountTable(
            key="recidivism",
            title=_l("Terugval na afsluiten: heropend of nieuwe casus binnen 12 maanden"),
            unit="cases",
            rows=keys.categories,
            columns=tuple(Category(key, label) for key, label in RECURRENCE.items()),
            counts=dict(recurrence_counts),
            row_title=_l("Soort casus"),
            column_title=_l("Binnen 12 maanden na afsluiten"),
            chart="stacked",
            note=_l(
                "Dezelfde afgesloten casussen. Nieuwe casus: een betrokkene is betrokkene in een casus die "
                "daarna is geopend. Bij afsluitingen van minder dan een jaar geleden loopt de termijn nog."
            ),
        ),
    ]
