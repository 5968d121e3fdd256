"""The one way to a report: ``build_report(user, name, filters)`` — policy, query, suppression, audit.

A report reaches a page, an export or the API only as ``Report``, whose tables are suppressed
(``ShownTable`` / ``ShownDurations``, threshold ``REPORT_MIN_CELL``): the raw counts of the queries
never leave this module. Every build writes one audit event (``report.view``, or ``report.export``
with the format) whose details are the report's name, period and filter ids — no personal data, a
report being aggregates. A reader without a report scope, or an unknown report name, is a 404
(``Refused``), audited as a denial.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from casebook import audit
from casebook.access import Action, Refused, ReportScope, can, deny, report_scope
from casebook.db import db, utcnow
from casebook.reports.filters import FilterChoices, ReportFilters, describe, filter_choices, parse_filters
from casebook.reports.queries import common
from casebook.reports.queries.caseload import caseload
from casebook.reports.queries.interventions import interventions
from casebook.reports.queries.results import results
from casebook.reports.queries.signals import signals
from casebook.reports.queries.throughput import throughput
from casebook.reports.queries.yearly import yearly
from casebook.reports.refresh import refreshed_at
from casebook.reports.suppression import suppress, suppress_durations
from casebook.reports.table import CountTable, DurationTable, ReportMeta, Shown

Query = Callable[[Any, ReportScope, ReportFilters], list[CountTable | DurationTable]]


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: Any
    description: Any
    query: Query
    template: str = "reports/report.html"  # the page; the yearly overview has its own, printable one
    by_year: bool = False  # filtered by a calendar year (default: the last whole one), not a free period
    counts_facts: bool = False  # counts the report facts (``casebook.reports.facts``), as of their refresh


REPORTS: dict[str, ReportDefinition] = {
    definition.name: definition
    for definition in (
        ReportDefinition(
            "caseload",
            _l("Caseload"),
            _l("Open casussen per wijk, soort en fase; per regisseur van het eigen team; het verloop per maand."),
            caseload,
        ),
        ReportDefinition(
            "throughput",
            _l("Doorlooptijden"),
            _l("Mediaan en 80e percentiel van melding tot weging, tot plan van aanpak, tot afschaling en afsluiting."),
            throughput,
            counts_facts=True,
        ),
        ReportDefinition(
            "signals",
            _l("Meldingen"),
            _l("Meldingen per bron, kanaal, wijk en soort, naar het besluit van de weegtafel."),
            signals,
        ),
        ReportDefinition(
            "interventions",
            _l("Interventies"),
            _l("De balans van preventie, zorg en repressie per soort casus, wijk en kwartaal."),
            interventions,
            counts_facts=True,
        ),
        ReportDefinition(
            "results",
            _l("Resultaten"),
            _l("Afgesloten casussen per resultaat, en hoe vaak een casus binnen een jaar terugkomt."),
            results,
            counts_facts=True,
        ),
        ReportDefinition(
            "yearly",
            _l("Jaaroverzicht"),
            _l("De kerncijfers per thema van het Integraal Veiligheidsplan voor een jaar, om af te drukken."),
            yearly,
            template="reports/yearly.html",
            by_year=True,
            counts_facts=True,
        ),
    )
}


@dataclass(frozen=True)
class Report:
    """A built report: its metadata and its suppressed tables, ready for a page, an export, the API."""

    definition: ReportDefinition
    meta: ReportMeta
    tables: tuple[Shown, ...]
    filters: ReportFilters
    scope: ReportScope

    @property
    def empty(self) -> bool:
        return all(table.empty for table in self.tables)


@dataclass(frozen=True)
class ReportContext:
    """What a report page needs before it has its filters: the definition, the scope, the choices."""

    definition: ReportDefinition
    scope: ReportScope
    choices: FilterChoices


def threshold() -> int:
    return max(1, int(current_app.config["REPORT_MIN_CELL"]))


def reader_scope(user: Any, action: Action = Action.VIEW_REPORTS) -> ReportScope:
    """The reader's scope. :raises Refused: (audited) no reports for this user."""
    scope = report_scope(user) if can(user, action) else None
    if scope is None:
        raise deny(user, action)
    return scope


def available(user: Any) -> list[ReportDefinition]:
    """The reports ``user`` may read, in the index's order (none: an empty list, no audit)."""
    return list(REPORTS.values()) if can(user, Action.VIEW_REPORTS) else []


def context_for(user: Any, name: str, action: Action = Action.VIEW_REPORTS) -> ReportContext:
    """The definition, scope and filter choices of report ``name`` for ``user``.

    :raises Refused: (audited) no reports for this user, or no report of that name.
    """
    definition = REPORTS.get(name)
    if definition is None:
        raise deny(user, action)  # the name typed is not kept: it may be anything
    scope = reader_scope(user, action)
    return ReportContext(definition, scope, filter_choices(db.session(), scope))


def parse(context: ReportContext, args: Mapping[str, Any], today: date | None = None) -> ReportFilters:
    """:raises FilterError: a value outside the reader's choices, a bad or too long period."""
    today = today or utcnow().date()
    if context.definition.by_year and not any(args.get(name) for name in ("year", "start", "end")):
        args = {**_plain(args), "year": str(today.year - 1)}
    return parse_filters(args, context.choices, today)


def _plain(args: Mapping[str, Any]) -> dict[str, Any]:
    """A MultiDict as a dict of lists (repeated parameters kept), or a dict as it is."""
    return {key: args.getlist(key) for key in args} if hasattr(args, "getlist") else dict(args)


def build_report(
    user: Any,
    name: str,
    filters: ReportFilters,
    *,
    context: ReportContext | None = None,
    action: Action = Action.VIEW_REPORTS,
    export_format: str | None = None,
) -> Report:
    """Report ``name`` over ``filters`` for ``user``: queried in the reader's scope, suppressed, audited.

    ``context`` saves the statements of ``context_for`` when the caller already has it (the page
    parsed its filters with it). ``action`` is ``EXPORT_REPORT`` for an export (``export_format``).

    :raises Refused: (audited) no reports for this user, or no report of that name.
    """
    context = context if context is not None and context.definition.name == name else context_for(user, name, action)
    common.tune_session(db.session())
    raw = context.definition.query(db.session(), context.scope, filters)
    minimum = threshold()
    tables = tuple(
        suppress_durations(table, minimum) if isinstance(table, DurationTable) else suppress(table, minimum)
        for table in raw
    )
    meta = ReportMeta(
        name=name,
        title=context.definition.title,
        period_start=filters.start,
        period_end=filters.end,
        scope_label=context.scope.label,
        threshold=minimum,
        created_at=utcnow(),
        filters_label=describe(filters, context.choices),
        counts_facts=context.definition.counts_facts,
        facts_as_of=refreshed_at(db.session()) if context.definition.counts_facts else None,
    )
    details: dict[str, Any] = {
        "report": name,
        "scope": context.scope.kind,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "districts": sorted(filters.district_ids),
        "case_types": sorted(filters.case_type_ids),
        "organisation": filters.organisation_id,
    }
    if export_format is not None:
        details["format"] = export_format
    audit.record(user, str(action), details=details)
    return Report(context.definition, meta, tables, filters, context.scope)


__all__ = ["REPORTS", "Refused", "Report", "ReportContext", "ReportDefinition", "build_report"]
