"""Interventions report: the balance of preventie, zorg and repressie (the IVP principle).

The Integraal Veiligheidsplan asks that prevention, care and enforcement go together; this report
shows how the interventions recorded on cases divide over the three, per case type, per wijk and
per quarter. The category is the intervention kind's (``InterventionKind.category``: reference data
the functional admin keeps, seeded by the migration of the case-work content), so a new kind is
counted in its category without a code change.

One aggregate statement: done interventions (not planned or cancelled ones) whose ``occurred_on``
lies in the period, on the cases the scope and the filters select, grouped by case type, wijk,
year, month and category. The grouped rows (a few thousand at most) are folded into the three
tables here; restricted case types the reader may not see by name are grouped under "overig" in
SQL (``common.type_key``).
"""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from casebook.access import ReportScope, report_case_clause
from casebook.cases.models import Case
from casebook.interventions.models import Intervention, InterventionCategory, InterventionKind, InterventionStatus
from casebook.reports.filters import ReportFilters
from casebook.reports.queries import common
from casebook.reports.table import Category, CountTable, DurationTable

CATEGORY_LABELS = {
    InterventionCategory.PREVENTION: _l("Preventie"),
    InterventionCategory.CARE: _l("Zorg"),
    InterventionCategory.ENFORCEMENT: _l("Repressie"),
}


def category_columns() -> tuple[Category, ...]:
    """The three IVP categories, in the plan's order."""
    return tuple(Category(str(c), label) for c, label in CATEGORY_LABELS.items())


def quarter_key(year: int, month: int) -> str:
    """The key of ``common.quarters`` ("2026-K1") for a year and month."""
    return f"{year:04d}-K{(month - 1) // 3 + 1}"


def interventions(session: Session, scope: ReportScope, filters: ReportFilters) -> list[CountTable | DurationTable]:
    """Interventions per category × case type, × wijk, and per quarter (one statement).

    Counts interventions (not cases): a case with three home visits counts three times in
    preventie. The period filters the intervention's date, not the case's opening.
    """
    keys = common.case_type_category(session, scope, filters)
    type_id = common.type_key(Case.case_type_id, keys)
    year = cast(extract("year", Intervention.occurred_on), Integer)
    month = cast(extract("month", Intervention.occurred_on), Integer)
    statement = (
        select(type_id, Case.district_id, year, month, InterventionKind.category, func.count())
        .select_from(Intervention)
        .join(Case, Case.id == Intervention.case_id)
        .join(InterventionKind, InterventionKind.id == Intervention.kind_id)
        .where(
            Intervention.status == InterventionStatus.DONE,  # planned and cancelled ones were not done
            Intervention.occurred_on >= filters.start,
            Intervention.occurred_on < filters.end,
            report_case_clause(scope),
            *common.filter_clauses(
                filters,
                type_column=Case.case_type_id,
                district_column=Case.district_id,
                organisation_column=Case.lead_organisation_id,
            ),
        )
        .group_by(type_id, Case.district_id, year, month, InterventionKind.category)
    )
    district_code = common.district_codes(session)
    by_type: Counter[tuple[str, str]] = Counter()
    by_district: Counter[tuple[str, str]] = Counter()
    by_quarter: Counter[tuple[str, str]] = Counter()
    for case_type_id, district_id, y, m, category, n in session.execute(statement):
        column = str(InterventionCategory(category))
        by_type[(keys.key(case_type_id), column)] += n
        by_district[(district_code.get(district_id, common.NO_DISTRICT), column)] += n
        by_quarter[(column, quarter_key(int(y), int(m)))] += n
    columns = category_columns()
    note = _l("Aantal interventies met een datum in de periode, naar de categorie van hun soort.")
    return [
        CountTable(
            key="by_type_category",
            title=_l("Interventies per soort casus: preventie, zorg en repressie"),
            unit="interventions",
            rows=keys.categories,
            columns=columns,
            counts=dict(by_type),
            row_title=_l("Soort casus"),
            column_title=_l("Categorie"),
            chart="stacked",
            note=note,
        ),
        CountTable(
            key="by_district_category",
            title=_l("Interventies per wijk: preventie, zorg en repressie"),
            unit="interventions",
            rows=common.districts(session, filters),
            columns=columns,
            counts=dict(by_district),
            row_title=_l("Wijk"),
            column_title=_l("Categorie"),
            chart="stacked",
            note=note,
        ),
        CountTable(
            key="by_quarter_category",
            title=_l("Interventies per kwartaal: preventie, zorg en repressie"),
            unit="interventions",
            rows=columns,
            columns=tuple(Category(key, key) for key, _first, _next in common.quarters(filters)),
            counts=dict(by_quarter),
            row_title=_l("Categorie"),
            column_title=_l("Kwartaal"),
            chart="line",
            note=note,
        ),
    ]
