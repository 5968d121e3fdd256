"""What every report query shares: the case-type key with "overig", the filters as SQL, periods as
SQL buckets (month, quarter), durations in days and percentiles — all portable between SQLite and
PostgreSQL, so a report is one or a few GROUP BY statements whatever the database.

Restricted case types (radicalisation, domestic violence) that the reader is not authorised for
are counted under ``OTHER`` ("overig") — in SQL (``type_key``), so medians over the merged row are
right too. The "overig" row is shown whenever such types exist, so its presence says nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, func, literal, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float, Integer

from casebook.access import ReportScope
from casebook.cases.models import CaseType
from casebook.i18n import select_locale
from casebook.organisations.models import District
from casebook.reports.filters import ReportFilters
from casebook.reports.table import Category, DurationStat

OTHER = "overig"
OTHER_ID = 0  # the type id "overig" is grouped under in SQL (no row has it)
NO_DISTRICT = "onbekend"


def locale() -> str:
    try:
        return select_locale()
    except RuntimeError:  # outside a request (CLI, bench)
        return "nl"


# --- the session ---------------------------------------------------------------------------

REPORT_WORK_MEM = "64MB"


def tune_session(session: Session) -> None:
    """On PostgreSQL, settings for the rest of this transaction only (``set_config(…, true)`` is
    ``SET LOCAL``), in one statement: no JIT — it compiles every report statement anew for about
    70 ms and saves less than that — and enough ``work_mem`` that the sorts and hashes over a
    year of a million cases stay in memory. Other databases: nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(select(func.set_config("jit", "off", True), func.set_config("work_mem", REPORT_WORK_MEM, True)))


# --- case types and "overig" -------------------------------------------------------------------


@dataclass(frozen=True)
class TypeKeys:
    """The case types as the reader sees them: their categories, and the ids merged into "overig"."""

    categories: tuple[Category, ...]
    key_of: dict[int, str]  # type id (or OTHER_ID) → category key
    hidden_ids: frozenset[int]

    def key(self, type_id: int | None) -> str:
        return self.key_of.get(int(type_id or OTHER_ID), OTHER)


def case_type_category(session: Session, scope: ReportScope, filters: ReportFilters | None = None) -> TypeKeys:
    """One statement over the case types: the reader's categories (filtered types only, when the
    filter names some), with "overig" last when restricted types are hidden from this reader."""
    types = list(session.scalars(select(CaseType).order_by(CaseType.label_nl, CaseType.id)))
    hidden = frozenset(t.id for t in types if t.restricted and t.id not in scope.restricted_case_type_ids)
    wanted = filters.case_type_ids if filters is not None else frozenset()
    shown = [t for t in types if t.id not in hidden and (not wanted or t.id in wanted)]
    language = locale()
    categories = [Category(t.code, t.label(language)) for t in shown]
    key_of = {t.id: t.code for t in shown}
    if hidden and not wanted:
        categories.append(Category(OTHER, _l("Overig")))
        key_of[OTHER_ID] = OTHER
    return TypeKeys(tuple(categories), key_of, hidden)


def type_key(column: Any, keys: TypeKeys) -> ColumnElement[int]:
    """The type id to group by: hidden restricted types become ``OTHER_ID``."""
    if not keys.hidden_ids:
        return column
    return case((column.in_(sorted(keys.hidden_ids)), literal(OTHER_ID)), else_=column)


DistrictCodes = dict[int | None, str]


def districts_and_codes(
    session: Session, filters: ReportFilters | None = None
) -> tuple[tuple[Category, ...], DistrictCodes]:
    """One statement: the wijken as categories (the filtered ones only, and "onbekend" for cases
    without one unless filtered), and every wijk's code by id (``None``: "onbekend")."""
    rows = session.execute(select(District.id, District.code, District.name).order_by(District.name, District.id))
    wanted = filters.district_ids if filters is not None else frozenset()
    shown: list[Category] = []
    codes: dict[int | None, str] = {None: NO_DISTRICT}
    for district_id, code, name in rows:
        codes[district_id] = code
        if not wanted or district_id in wanted:
            shown.append(Category(code, name))
    if not wanted:
        shown.append(Category(NO_DISTRICT, _l("Wijk onbekend")))
    return tuple(shown), codes


def districts(session: Session, filters: ReportFilters | None = None) -> tuple[Category, ...]:
    """The wijken as categories (``districts_and_codes`` without the codes)."""
    return districts_and_codes(session, filters)[0]


def district_codes(session: Session) -> DistrictCodes:
    """Every wijk's code by id (``None``: "onbekend"), for a query that needs no categories."""
    return districts_and_codes(session)[1]


def filter_clauses(
    filters: ReportFilters, *, type_column: Any, district_column: Any, organisation_column: Any | None
) -> list[ColumnElement[bool]]:
    """The reader's filters over a query's columns (the period is each query's own)."""
    clauses: list[ColumnElement[bool]] = []
    if filters.case_type_ids:
        clauses.append(type_column.in_(sorted(filters.case_type_ids)))
    if filters.district_ids:
        clauses.append(district_column.in_(sorted(filters.district_ids)))
    if filters.organisation_id is not None and organisation_column is not None:
        clauses.append(organisation_column == filters.organisation_id)
    return clauses


# --- time --------------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    try:
        return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    except (RuntimeError, KeyError):
        return ZoneInfo("Europe/Amsterdam")


def instant(day: date) -> datetime:
    """Midnight of a local (Amsterdam) day as the UTC instant the database compares with.

    Naive UTC when the database stores naive datetimes (SQLite): compared as text there."""
    moment = datetime.combine(day, time(0), tzinfo=_zone()).astimezone(UTC)
    return moment


def period_bounds(filters: ReportFilters) -> tuple[datetime, datetime]:
    return instant(filters.start), instant(filters.end)


def months(filters: ReportFilters) -> list[tuple[str, date, date]]:
    """(key "2026-03", first day, first day of the next month) for every month the period touches."""
    result = []
    day = date(filters.start.year, filters.start.month, 1)
    while day < filters.end:
        following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        result.append((f"{day.year:04d}-{day.month:02d}", day, following))
        day = following
    return result


def quarters(filters: ReportFilters) -> list[tuple[str, date, date]]:
    """(key "2026-K1", first day, first day of the next quarter) for every quarter the period touches."""
    result = []
    day = date(filters.start.year, (filters.start.month - 1) // 3 * 3 + 1, 1)
    while day < filters.end:
        month = day.month + 3
        following = date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
        result.append((f"{day.year:04d}-K{(day.month - 1) // 3 + 1}", day, following))
        day = following
    return result


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year}"


MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


BEFORE_FIRST = -1  # the position ``bucket`` gives a value before the first bucket, when asked to


def bucket(column: Any, buckets: Sequence[tuple[str, date, date]], *, before: bool = False) -> Any:
    """A CASE that gives the position (0, 1, …) of the bucket ``column`` falls in (portable:
    comparisons only, no date functions); ``bucket_key`` turns it back into the bucket's key.

    A small integer, not the key's text: the database groups and sorts it without a collation,
    which at a million rows is most of a report's time. Values before the first bucket get
    ``BEFORE_FIRST`` when ``before`` (else NULL), values after the last NULL."""
    whens = [(column < instant(buckets[0][1]), literal(BEFORE_FIRST if before else None, Integer()))] if buckets else []
    whens += [(column < instant(following), literal(i, Integer())) for i, (_k, _f, following) in enumerate(buckets)]
    return case(*whens, else_=literal(None, Integer())) if whens else literal(None, Integer())


def bucket_key(position: int | None, buckets: Sequence[tuple[str, date, date]]) -> str | None:
    """The key of the bucket at ``position`` (``bucket``'s value); None for NULL and ``BEFORE_FIRST``."""
    if position is None or not 0 <= int(position) < len(buckets):
        return None
    return buckets[int(position)][0]


# --- durations ---------------------------------------------------------------------------------


class days_between(FunctionElement):
    """Days from ``start`` to ``end`` as a float: julianday on SQLite, epoch seconds on PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)})) / 86400.0)"


class median_and_p80(FunctionElement):
    """The values at ranks ⌈0.5·n⌉ and ⌈0.8·n⌉ of ``days`` in its group (nearest rank), as one
    aggregate giving an array of the two.

    PostgreSQL: ``percentile_disc`` over an array of fractions — one sort per group for both, no
    window passes (the fractions are nudged down by 1e-9 so ``ceil(fraction·n)`` is exact in
    floating point for any realistic n). Other databases have no ordered-set aggregates:
    ``percentile_rows`` then ranks with windows instead.
    """

    inherit_cache = True


@compiles(median_and_p80, "postgresql")
def _median_and_p80_postgresql(element: median_and_p80, compiler: Any, **kw: Any) -> str:
    (days,) = list(element.clauses)
    return f"percentile_disc(ARRAY[0.5 - 1e-9, 0.8 - 1e-9]) WITHIN GROUP (ORDER BY {compiler.process(days, **kw)})"


def percentile_rows(durations: Any, group_columns: Iterable[Any], dialect: str = "") -> Any:
    """n, median and 80th percentile (nearest rank: the values at ranks ⌈n/2⌉ and ⌈0.8·n⌉) of
    ``durations`` (a subquery with the group columns and ``days``) per group, in one statement.

    On PostgreSQL an ordered-set aggregate (``median_and_p80``); elsewhere each row gets its rank
    and its group's size from window functions and the rows at those ranks are picked (portable).
    """
    groups = list(group_columns)
    partition = [durations.c[g] for g in groups]
    if dialect == "postgresql":
        ranks = (
            select(*partition, func.count().label("n"), median_and_p80(durations.c.days).label("ranks"))
            .group_by(*partition)
            .subquery("ranks")
        )
        return select(
            *(ranks.c[g] for g in groups),
            ranks.c.n,
            literal_column("ranks.ranks[1]", Float()).label("median"),
            literal_column("ranks.ranks[2]", Float()).label("p80"),
        )
    ranked = select(
        *partition,
        durations.c.days,
        func.row_number().over(partition_by=partition, order_by=durations.c.days).label("rank"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery("ranked")
    median_rank = (ranked.c.n * 5 + 9) // 10  # ⌈n·0.5⌉ in integer arithmetic
    p80_rank = (ranked.c.n * 8 + 9) // 10  # ⌈n·0.8⌉
    return select(
        *(ranked.c[g] for g in groups),
        func.max(ranked.c.n).label("n"),
        func.max(case((ranked.c.rank == median_rank, ranked.c.days))).label("median"),
        func.max(case((ranked.c.rank == p80_rank, ranked.c.days))).label("p80"),
    ).group_by(*(ranked.c[g] for g in groups))


def duration_stat(n: Any, median: Any, p80: Any) -> DurationStat:
    def days(value: Any) -> float | None:
        return None if value is None else round(float(value), 1)

    return DurationStat(int(n or 0), days(median), days(p80))


def grouped(rows: Any, *columns: str) -> Any:
    """``SELECT columns…, count(*) FROM rows GROUP BY columns…``: the grouping happens over a
    subquery's plain columns, because PostgreSQL does not take a CASE with bound parameters in the
    select list and the same CASE in GROUP BY as one expression (the parameters differ)."""
    keys = [rows.c[name] for name in columns]
    return select(*keys, func.count().label("count")).group_by(*keys)
