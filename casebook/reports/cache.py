"""Built reports, kept until the next refresh of the report facts.

A history report (``ReportDefinition.counts_facts``) is a function of the facts, the reader's scope,
the filters and the language — and the facts change only when ``casebook reports refresh`` runs. So
its raw tables are computed once per refresh for each combination asked for, kept here, and read
back by every later reader with the same scope and filters. The two reports of today's state
(caseload, signals) count the live tables; they are kept the same way, so their numbers are those
of the moment they were counted (the page says when), at most one refresh interval old. The refresh
empties the table and then builds the default view (the default period, no filters) of every report
for every scope a reader of reports has, so the pages people open first answer from here.

What is kept are the raw counts — aggregates, no personal data, no content — exactly as the query
returned them: suppression still runs on every read (``services.build_report``), so a change of
``REPORT_MIN_CELL`` applies at once. The key is a hash of everything the tables depend on; the
scope's part is everything in ``ReportScope`` that a query reads (kind, organisation, restricted
types by name, team), so two readers share an entry only when the policy gives them the same counts.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, delete, exc, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casebook.access import ReportScope
from casebook.db import Base, utcnow
from casebook.reports.filters import ReportFilters
from casebook.reports.table import Category, CountTable, DurationStat, DurationTable

log = logging.getLogger(__name__)

Tables = list[CountTable | DurationTable]


class ReportResult(Base):
    """One built history report: its raw tables as JSON, for the facts of ``refreshed_at``."""

    __tablename__ = "report_result"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    refreshed_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    tables: Mapped[str] = mapped_column(Text)


def cache_key(name: str, scope: ReportScope, filters: ReportFilters, language: str, as_of: datetime) -> str:
    """A hash of everything a history report's raw tables depend on."""
    parts = {
        "report": name,
        "scope": [
            scope.kind,
            scope.organisation_id,
            sorted(scope.restricted_case_type_ids),
            None if scope.team_user_ids is None else sorted(scope.team_user_ids),
        ],
        "filters": [
            filters.start.isoformat(),
            filters.end.isoformat(),
            sorted(filters.district_ids),
            sorted(filters.case_type_ids),
            filters.organisation_id,
        ],
        "language": language,
        "as_of": as_of.isoformat(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# --- tables to JSON and back (labels as the text of the language in the key) ----------------------


def _categories(categories: Iterable[Category]) -> list[list[str]]:
    return [[c.key, str(c.label)] for c in categories]


def _encode(table: CountTable | DurationTable) -> dict[str, Any]:
    common = {
        "key": table.key,
        "title": str(table.title),
        "rows": _categories(table.rows),
        "columns": _categories(table.columns),
        "row_title": str(table.row_title),
        "column_title": str(table.column_title),
        "note": str(table.note),
    }
    if isinstance(table, DurationTable):
        stats = [[r, c, s.n, s.median, s.p80] for (r, c), s in table.stats.items()]
        return {"kind": "durations", **common, "stats": stats}
    counts = [[r, c, n] for (r, c), n in table.counts.items()]
    return {
        "kind": "counts",
        **common,
        "unit": table.unit,
        "chart": table.chart,
        "row_sums": table.row_sums,
        "counts": counts,
    }


def _decode(data: dict[str, Any]) -> CountTable | DurationTable:
    rows = tuple(Category(key, label) for key, label in data["rows"])
    columns = tuple(Category(key, label) for key, label in data["columns"])
    shared = {
        "key": data["key"],
        "title": data["title"],
        "rows": rows,
        "columns": columns,
        "row_title": data["row_title"],
        "column_title": data["column_title"],
        "note": data["note"],
    }
    if data["kind"] == "durations":
        stats = {(r, c): DurationStat(n, median, p80) for r, c, n, median, p80 in data["stats"]}
        return DurationTable(**shared, stats=stats)
    counts = {(r, c): n for r, c, n in data["counts"]}
    return CountTable(**shared, unit=data["unit"], chart=data["chart"], row_sums=data["row_sums"], counts=counts)


def encode(tables: Sequence[CountTable | DurationTable]) -> str:
    return json.dumps([_encode(table) for table in tables], ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Tables:
    return [_decode(item) for item in json.loads(text)]


# --- reading and keeping -----------------------------------------------------------------------


def cached(session: Session, key: str) -> tuple[Tables, datetime] | None:
    """The kept tables under ``key`` and when they were counted, or None."""
    row = session.execute(select(ReportResult.tables, ReportResult.created_at).where(ReportResult.key == key)).first()
    return None if row is None else (decode(row.tables), row.created_at)


def keep(
    session: Session, key: str, as_of: datetime, tables: Sequence[CountTable | DurationTable], counted_at: datetime
) -> None:
    """Keep the tables under ``key``. Two readers building the same report at once both try: the
    second insert fails on the key inside a savepoint and is dropped (the first one's is the same)."""
    try:
        with session.begin_nested():
            session.add(ReportResult(key=key, refreshed_at=as_of, created_at=counted_at, tables=encode(tables)))
    except exc.IntegrityError:
        log.info("report result %s was kept by another request meanwhile", key[:12])


def forget_all(session: Session) -> None:
    """Empty the table: the facts are being rebuilt, every kept result is of the old ones."""
    session.execute(delete(ReportResult))
