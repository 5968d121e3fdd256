"""The yearly overview, in the style of the IVP's "Resultaten" pages: headline numbers per theme.

The Integraal Veiligheidsplan reports per theme — jeugd, radicalisering, woonoverlast, huiselijk
geweld, volwassen veelplegers — how many signals came in, how many cases were opened and closed
(and with what result), how many still run at the year's end, and how the interventions divide over
preventie, zorg and repressie. A theme is a set of case types (``THEMES``, by case type code, as the
demo and the reference data name them); a case type in no theme, and a restricted type the reader
may not see by name, is counted under "overig" (so the restricted themes appear only for readers
authorised for them).

Every table has the themes as rows and columns that divide its unit (a signal has one decision, a
closing one result), so its row totals are the headline numbers and suppression works on it as on
any other table. Five aggregate statements, one per table, plus the reference data.

"Lopend" counts the cases opened before the period's end whose current closing (``closed_at``) is
not before it: a case closed then and reopened since counts as running (the case keeps only its
latest closing date; the closing history is in the results report).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, cast, extract, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from casebook.access import ReportScope, report_case_clause, report_signal_clause
from casebook.cases.models import Case, CaseResult, CaseType
from casebook.interventions.models import Intervention, InterventionCategory, InterventionKind, InterventionStatus
from casebook.reports.filters import ReportFilters
from casebook.reports.queries import common
from casebook.reports.queries.interventions import category_columns, quarter_key
from casebook.reports.queries.results import NO_RESULT, closings, result_categories
from casebook.reports.table import Category, CountTable, DurationTable
from casebook.signals.models import Signal, TriageDecision

# theme key → (label, case type codes); "overig" takes every other type
THEMES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "jeugd": (_l("Jeugd"), ("youth",)),
    "radicalisering": (_l("Radicalisering"), ("radicalisation",)),
    "woonoverlast": (_l("Woonoverlast"), ("housing_nuisance",)),
    "huiselijk_geweld": (_l("Huiselijk geweld"), ("domestic_violence",)),
    "veelplegers": (_l("Volwassen veelplegers"), ("adult_offender",)),
}
OTHER = common.OTHER
PENDING = "pending"
DECISIONS = {
    TriageDecision.OPEN_CASE: _l("Casus geopend"),
    TriageDecision.ADVICE: _l("Advies"),
    TriageDecision.REFER: _l("Doorverwezen"),
    TriageDecision.NO_ACTION: _l("Geen actie"),
    PENDING: _l("Nog niet gewogen"),
}


class Themes:
    """The reader's themes: the rows of every table, and the theme of each grouped type id."""

    def __init__(self, session: Session, keys: common.TypeKeys) -> None:
        codes = dict(session.execute(select(CaseType.id, CaseType.code)).all())
        theme_of_code = {code: theme for theme, (_label, type_codes) in THEMES.items() for code in type_codes}
        self.keys = keys
        self.theme_of: dict[int, str] = {}
        for type_id, key in keys.key_of.items():
            self.theme_of[type_id] = OTHER if key == OTHER else theme_of_code.get(codes.get(type_id, ""), OTHER)
        shown = set(self.theme_of.values())
        self.rows = tuple(Category(theme, label) for theme, (label, _codes) in THEMES.items() if theme in shown)
        if OTHER in shown:
            self.rows += (Category(OTHER, _l("Overig")),)

    def of(self, type_id: int | None) -> str:
        return self.theme_of.get(int(type_id or common.OTHER_ID), OTHER)


def _case_filters(filters: ReportFilters) -> list:
    return common.filter_clauses(
        filters,
        type_column=Case.case_type_id,
        district_column=Case.district_id,
        organisation_column=Case.lead_organisation_id,
    )


def _fold(session: Session, statement: Any, themes: Themes, missing: str = "") -> dict[tuple[str, str], int]:
    """(theme, column key) → count from rows (grouped type id, column value or None, count)."""
    counts: Counter[tuple[str, str]] = Counter()
    for type_id, column, n in session.execute(statement):
        counts[(themes.of(type_id), missing if column is None else str(column))] += n
    return dict(counts)


def yearly(session: Session, scope: ReportScope, filters: ReportFilters) -> list[CountTable | DurationTable]:
    """The overview of the period ``filters`` gives (the page asks for a calendar year: ``?year=``).

    Tables, in this order and with these keys (the template ``reports/yearly.html`` reads them):
    ``signals`` (per decision), ``opened`` (per quarter), ``closed`` (per result), ``running``
    (open at the period's end) and ``interventions`` (per IVP category).
    """
    keys = common.case_type_category(session, scope, filters)
    themes = Themes(session, keys)
    start, end = common.period_bounds(filters)
    case_type = common.type_key(Case.case_type_id, keys)

    signal_type = common.type_key(Signal.case_type_id, keys)
    decision = type_coerce(Signal.decision, String)  # the value (None: not weighed yet), not the enum
    signals = (
        select(signal_type, decision, func.count())
        .where(
            Signal.received_at >= start,
            Signal.received_at < end,
            report_signal_clause(scope),
            *common.filter_clauses(
                filters,
                type_column=Signal.case_type_id,
                district_column=Signal.district_id,
                organisation_column=Signal.source_organisation_id,
            ),
        )
        .group_by(signal_type, decision)
    )

    year = cast(extract("year", Case.opened_at), Integer)
    month = cast(extract("month", Case.opened_at), Integer)
    opened_rows = session.execute(
        select(case_type, year, month, func.count())
        .where(Case.opened_at >= start, Case.opened_at < end, report_case_clause(scope), *_case_filters(filters))
        .group_by(case_type, year, month)
    )
    opened: Counter[tuple[str, str]] = Counter()
    for type_id, y, m, n in opened_rows:
        opened[(themes.of(type_id), quarter_key(int(y), int(m)))] += n

    closing = closings(filters)
    closed = (
        select(case_type, CaseResult.code, func.count())
        .select_from(closing)
        .join(Case, Case.id == closing.c.case_id)
        .outerjoin(CaseResult, CaseResult.id == closing.c.result_id)
        .where(report_case_clause(scope), *_case_filters(filters))
        .group_by(case_type, CaseResult.code)
    )

    running = (
        select(case_type, literal("running"), func.count())
        .where(
            Case.opened_at < end,
            or_(Case.closed_at.is_(None), Case.closed_at >= end),
            report_case_clause(scope),
            *_case_filters(filters),
        )
        .group_by(case_type)
    )

    category = InterventionKind.category
    interventions = (
        select(case_type, category, func.count())
        .select_from(Intervention)
        .join(Case, Case.id == Intervention.case_id)
        .join(InterventionKind, InterventionKind.id == Intervention.kind_id)
        .where(
            Intervention.status == InterventionStatus.DONE,  # planned and cancelled ones were not done
            Intervention.occurred_on >= filters.start,
            Intervention.occurred_on < filters.end,
            report_case_clause(scope),
            *_case_filters(filters),
        )
        .group_by(case_type, category)
    )
    intervention_counts = {
        (theme, str(InterventionCategory(column))): n
        for (theme, column), n in _fold(session, interventions, themes).items()
    }

    def table(
        key: str, title: Any, unit: str, columns: tuple[Category, ...], counts: dict, note: Any, **kw: Any
    ) -> CountTable:
        return CountTable(
            key=key, title=title, unit=unit, rows=themes.rows, columns=columns, counts=counts,
            row_title=_l("Thema"), note=note, **kw,
        )  # fmt: skip

    return [
        table(
            "signals", _l("Meldingen per thema en besluit van de weegtafel"), "signals",
            tuple(Category(str(k), label) for k, label in DECISIONS.items()), _fold(session, signals, themes, PENDING),
            _l("Meldingen ontvangen in het jaar, naar het besluit bij de weging."),
            column_title=_l("Besluit"), chart="stacked",
        ),
        table(
            "opened", _l("Nieuwe casussen per thema en kwartaal"), "cases",
            tuple(Category(key, key) for key, _first, _next in common.quarters(filters)), dict(opened),
            _l("Casussen geopend in het jaar."), column_title=_l("Kwartaal"), chart="stacked",
        ),
        table(
            "closed", _l("Afgesloten casussen per thema en resultaat"), "cases", result_categories(session),
            _fold(session, closed, themes, NO_RESULT),
            _l("Casussen met een goedgekeurde afsluiting in het jaar (de eerste), naar het resultaat daarvan."),
            column_title=_l("Resultaat"), chart="stacked",
        ),
        table(
            "running", _l("Lopende casussen aan het eind van het jaar"), "cases",
            (Category("running", _l("Lopend")),), _fold(session, running, themes),
            _l("Casussen geopend vóór het einde van het jaar en toen niet afgesloten."), chart="bar",
        ),
        table(
            "interventions", _l("Interventies per thema: preventie, zorg en repressie"), "interventions",
            category_columns(), intervention_counts,
            _l("Interventies met een datum in het jaar, naar de categorie van hun soort."),
            column_title=_l("Categorie"), chart="stacked",
        ),
    ]  # fmt: skip
