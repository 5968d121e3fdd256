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
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from casebook import audit
from casebook.access import Action, Refused, ReportScope, can, deny, report_scope
from casebook.db import db, utcnow
from casebook.reports import cache
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


def raw_tables(
    definition: ReportDefinition, scope: ReportScope, filters: ReportFilters, refreshed: datetime | None
) -> tuple[list[CountTable | DurationTable], datetime | None]:
    """The report's raw tables and the moment their numbers are of (``ReportMeta.as_of``).

    From ``casebook.reports.cache`` when this scope and these filters were counted since the
    facts' refresh ``refreshed``, else counted now and kept there. Before the first refresh
    (``refreshed`` None) nothing is kept: today's reports count live, the history reports find
    empty facts."""
    session = db.session()
    common.tune_session(session)
    if refreshed is None:
        return definition.query(session, scope, filters), None
    key = cache.cache_key(definition.name, scope, filters, common.locale(), refreshed)
    found = cache.cached(session, key)
    if found is not None:
        tables, counted_at = found
    else:
        tables, counted_at = definition.query(session, scope, filters), utcnow()
        cache.keep(session, key, refreshed, tables, counted_at)
    return tables, refreshed if definition.counts_facts else counted_at


def warm_defaults(today: date | None = None) -> int:
    """Build the default view of every report for every scope a reader of reports has (once per
    distinct scope), so the pages people open first after a refresh answer from the cache.

    Run by ``casebook reports refresh`` after the facts; no audit event (nobody read anything).
    Returns the number of reports built."""
    from sqlalchemy import select

    from casebook.auth.models import User

    session = db.session()
    as_of = refreshed_at(session)
    if as_of is None:
        return 0
    scopes: dict[tuple, ReportScope] = {}
    for reader in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
        # the policy says who reads which scope (most users: none, decided without a statement)
        scope = report_scope(reader) if can(reader, Action.VIEW_REPORTS) else None
        if scope is not None:
            identity = (scope.kind, scope.organisation_id, scope.restricted_case_type_ids, scope.team_user_ids)
            scopes.setdefault(identity, scope)
    built = 0
    for scope in scopes.values():
        choices = filter_choices(session, scope)
        for definition in REPORTS.values():
            filters = parse(ReportContext(definition, scope, choices), {}, today)
            raw_tables(definition, scope, filters, as_of)
            built += 1
    return built


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
    raw, as_of = raw_tables(context.definition, context.scope, filters, refreshed_at(db.session()))
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
        as_of=as_of,
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
