"""Throughput (doorlooptijden): how long the steps of the approach take, per case type and quarter.

Each step is a pair of moments; a duration counts in the quarter its step *ended*, within the period:

- melding → weging: ``Signal.received_at`` → ``Signal.triaged_at`` (the signal's own case type);
- weging → plan van aanpak: the weighing of the signal that opened the case (``Signal.triaged_at``
  via ``Signal.case_id``; ``Case.opened_at`` for a case opened without one) → the first
  ``CaseStatusChange`` into the status ``plan_van_aanpak``;
- plan van aanpak → afschaling: that first change → the first change into ``afschaling``;
- opening → closing: ``Case.opened_at`` → ``Case.closed_at``.

The three steps of a case are read from ``report_case_fact`` (``casebook.reports.facts``), where
the refresh has derived each case's first entries once; the signal steps from the signals
themselves (the waiting signals are today's, never a copy).

Median and 80th percentile are nearest-rank, computed in SQL by ``common.percentile_rows`` (window
functions, portable): one statement per step. Then the signals waiting at the weegtafel now, within
and past ``SIGNAL_OVERDUE_WORKING_DAYS`` working days: one GROUP BY.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from casebook.access import ReportScope, report_case_clause, report_signal_clause
from casebook.db import utcnow
from casebook.reports.facts import ReportCaseFact
from casebook.reports.filters import ReportFilters
from casebook.reports.queries import common
from casebook.reports.table import Category, CountTable, DurationTable
from casebook.workdays import subtract_working_days


def _case_clauses(scope: ReportScope, filters: ReportFilters) -> list[Any]:
    fact = ReportCaseFact
    return [
        report_case_clause(scope, over=fact),
        *common.filter_clauses(
            filters,
            type_column=fact.case_type_id,
            district_column=fact.district_id,
            organisation_column=fact.lead_organisation_id,
        ),
    ]


def _durations(
    session: Session,
    *,
    key: str,
    title: Any,
    note: Any,
    query: Any,
    start_column: Any,
    end_column: Any,
    type_column: Any,
    keys: common.TypeKeys,
    buckets: list[tuple[str, Any, Any]],
    filters: ReportFilters,
) -> DurationTable:
    start, end = common.period_bounds(filters)
    rows = (
        query.add_columns(
            common.type_key(type_column, keys).label("type_id"),
            common.bucket(end_column, buckets).label("quarter"),
            common.days_between(start_column, end_column).label("days"),
        )
        .where(end_column >= start, end_column < end, start_column.is_not(None))
        .subquery("durations")
    )
    stats = {
        (keys.key(type_id), quarter): common.duration_stat(n, median, p80)
        for type_id, position, n, median, p80 in session.execute(
            common.percentile_rows(rows, ("type_id", "quarter"), session.get_bind().dialect.name)
        )
        if (quarter := common.bucket_key(position, buckets)) is not None
    }
    return DurationTable(
        key=key,
        title=title,
        rows=keys.categories,
        columns=tuple(Category(k, k) for k, _f, _n in buckets),
        stats=stats,
        row_title=_l("Soort casus"),
        column_title=_l("Kwartaal"),
        note=note,
    )


def throughput(session: Session, scope: ReportScope, filters: ReportFilters) -> list[DurationTable | CountTable]:
    from casebook.signals.models import Signal

    keys = common.case_type_category(session, scope, filters)
    buckets = common.quarters(filters)
    signal_filters = common.filter_clauses(
        filters,
        type_column=Signal.case_type_id,
        district_column=Signal.district_id,
        organisation_column=Signal.source_organisation_id,
    )
    shared = {"keys": keys, "buckets": buckets, "filters": filters}
    weighing = _durations(
        session,
        key="signal_to_triage",
        title=_l("Van melding tot weging"),
        note=_l("Dagen van ontvangst tot weging aan de weegtafel; per kwartaal van de weging."),
        query=select().select_from(Signal).where(report_signal_clause(scope), *signal_filters),
        start_column=Signal.received_at,
        end_column=Signal.triaged_at,
        type_column=Signal.case_type_id,
        **shared,
    )
    fact = ReportCaseFact
    case_query = select().select_from(fact).where(*_case_clauses(scope, filters))
    to_plan = _durations(
        session,
        key="triage_to_plan",
        title=_l("Van weging tot plan van aanpak"),
        note=_l("Dagen van de weging (of de opening) tot de fase plan van aanpak; per kwartaal van het plan."),
        query=case_query,
        start_column=func.coalesce(fact.weighed_at, fact.opened_at),
        end_column=fact.plan_at,
        type_column=fact.case_type_id,
        **shared,
    )
    to_afschaling = _durations(
        session,
        key="plan_to_afschaling",
        title=_l("Van plan van aanpak tot afschaling"),
        note=_l("Dagen van de fase plan van aanpak tot de fase afschaling; per kwartaal van de afschaling."),
        query=case_query,
        start_column=fact.plan_at,
        end_column=fact.afschaling_at,
        type_column=fact.case_type_id,
        **shared,
    )
    to_closing = _durations(
        session,
        key="opening_to_closing",
        title=_l("Van opening tot afsluiting"),
        note=_l("Dagen van opening tot afsluiting van de casus; per kwartaal van de afsluiting."),
        query=case_query,
        start_column=fact.opened_at,
        end_column=fact.closed_at,
        type_column=fact.case_type_id,
        **shared,
    )
    return [weighing, to_plan, to_afschaling, to_closing, _waiting(session, scope, filters, keys, signal_filters)]


def overdue_cutoff(today: Any) -> datetime:
    """Signals received before this instant are older than the allowed working days (as the queue)."""
    days = int(current_app.config["SIGNAL_OVERDUE_WORKING_DAYS"])
    last_overdue_day = subtract_working_days(today, days + 1)
    zone = common._zone()
    return datetime.combine(last_overdue_day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


WITHIN, OVERDUE = "within", "overdue"


def _waiting(
    session: Session, scope: ReportScope, filters: ReportFilters, keys: common.TypeKeys, signal_filters: list[Any]
) -> CountTable:
    """The signals waiting at the weegtafel today, within and past the term (one GROUP BY)."""
    from casebook.signals.models import Signal

    today = utcnow().astimezone(common._zone()).date()
    rows = (
        select(
            common.type_key(Signal.case_type_id, keys).label("type_id"),
            case((Signal.received_at < overdue_cutoff(today), literal(OVERDUE)), else_=literal(WITHIN)).label("term"),
        )
        .where(Signal.triaged_at.is_(None), report_signal_clause(scope), *signal_filters)
        .subquery("waiting")
    )
    grouped = session.execute(common.grouped(rows, "type_id", "term"))
    counts = {(keys.key(type_id), term): count for type_id, term, count in grouped}
    return CountTable(
        key="waiting_at_triage",
        title=_l("Meldingen die nu wachten op weging"),
        unit="signals",
        rows=keys.categories,
        columns=(Category(WITHIN, _l("Binnen de termijn")), Category(OVERDUE, _l("Over de termijn"))),
        counts=counts,
        row_title=_l("Soort"),
        column_title=_l("Termijn"),
        chart="stacked",
        note=_l(
            "De wachtende meldingen op het moment van tellen, los van de gekozen periode; "
            "de termijn is die van de weegtafel (werkdagen)."
        ),
    )
