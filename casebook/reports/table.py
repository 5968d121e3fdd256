"""The tables a report is made of: raw counts in, suppressed tables out.

A query returns ``CountTable`` / ``DurationTable`` (raw numbers that may identify people). They are
never rendered, exported or sent: ``casebook.reports.suppression`` turns them into ``ShownTable`` /
``ShownDurations``, and only those reach templates, charts, exports and the API. A suppressed cell
carries no value at all (``value is None``), so no later layer can leak it by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Every suppressed cell is shown as this one symbol, whether it was below the threshold itself
# (primary) or hidden so that a small one cannot be recomputed (complementary). "<5" would be false
# for a complementary cell of 30 and would hand the reader an upper bound for every hidden cell,
# which can make a cell recomputable again; a neutral dot says only "not shown". The legend
# (``suppression_legend``) states the threshold.
SUPPRESSED_SYMBOL = "·"

CHART_KINDS = ("bar", "stacked", "line", "none")


@dataclass(frozen=True)
class Category:
    """A row or column heading: a stable key (district slug, "2026-03", case type code, "overig") and its label."""

    key: str
    label: Any


@dataclass(frozen=True)
class CountTable:
    """Raw counts of one cross-tabulation — never rendered, exported or sent as is."""

    key: str
    title: Any
    unit: str  # "cases" | "persons" | "signals" | "interventions"
    rows: tuple[Category, ...]
    columns: tuple[Category, ...]
    counts: Mapping[tuple[str, str], int]  # (row key, column key) -> count; missing = 0
    row_title: Any = ""
    column_title: Any = ""
    chart: str = "bar"  # "bar" (grouped), "stacked", "line" (columns are the x axis), "none"
    note: Any = ""
    # False for a stock measured at several moments (open cases at each month end): a row's cells do
    # not add up to anything, so no row total or grand total is shown (suppression still counts them).
    row_sums: bool = True

    def count(self, row: str, column: str) -> int:
        return int(self.counts.get((row, column), 0))


@dataclass(frozen=True)
class DurationStat:
    """Median and 80th percentile in days over ``n`` durations (computed by SQL)."""

    n: int
    median: float | None
    p80: float | None


@dataclass(frozen=True)
class DurationTable:
    """Durations per row × column (e.g. case type × quarter); a cell is a ``DurationStat``."""

    key: str
    title: Any
    rows: tuple[Category, ...]
    columns: tuple[Category, ...]
    stats: Mapping[tuple[str, str], DurationStat]
    row_title: Any = ""
    column_title: Any = ""
    note: Any = ""

    def stat(self, row: str, column: str) -> DurationStat:
        return self.stats.get((row, column)) or DurationStat(0, None, None)


@dataclass(frozen=True)
class ReportMeta:
    """What a report is about, for the export header and the page: name, period (end exclusive), scope."""

    name: str
    title: Any
    period_start: date
    period_end: date
    scope_label: Any
    threshold: int
    created_at: datetime
    filters_label: Any = ""
    counts_facts: bool = False  # counted from the report facts (``casebook.reports.facts``)
    # The moment the numbers are of: the facts' last refresh for a report that counts them (None:
    # never refreshed), else when the numbers were counted (kept until the next refresh).
    as_of: datetime | None = None


@dataclass(frozen=True)
class Cell:
    """A shown value, or a suppressed one: then ``value`` is None and ``suppressed`` is True."""

    value: int | float | None
    suppressed: bool = False

    @property
    def display(self) -> str:
        """The text for a page or an export: the number, or the suppression symbol."""
        if self.suppressed or self.value is None:
            return SUPPRESSED_SYMBOL
        return str(self.value)

    def as_dict(self) -> dict[str, Any]:
        return {"value": None if self.suppressed else self.value, "suppressed": self.suppressed}


SUPPRESSED = Cell(None, True)


@dataclass(frozen=True)
class ShownTable:
    """A ``CountTable`` after suppression: every cell and total is a ``Cell``; safe to render, export, send.

    ``empty``: the table counts nothing at all (the page says so instead of drawing it).
    """

    key: str
    title: Any
    unit: str
    rows: tuple[Category, ...]
    columns: tuple[Category, ...]
    cells: Mapping[tuple[str, str], Cell] = field(hash=False)
    row_totals: Mapping[str, Cell] = field(hash=False)
    column_totals: Mapping[str, Cell] = field(hash=False)
    grand_total: Cell
    threshold: int
    empty: bool
    row_title: Any = ""
    column_title: Any = ""
    chart: str = "bar"
    note: Any = ""
    row_sums: bool = True

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[(row, column)]

    @property
    def symbol(self) -> str:
        return SUPPRESSED_SYMBOL

    @property
    def any_suppressed(self) -> bool:
        return (
            self.grand_total.suppressed
            or any(c.suppressed for c in self.cells.values())
            or any(c.suppressed for c in self.row_totals.values())
            or any(c.suppressed for c in self.column_totals.values())
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON for the API: suppressed cells as ``{"value": null, "suppressed": true}``."""
        return {
            "key": self.key,
            "kind": "counts",
            "title": str(self.title),
            "unit": self.unit,
            "row_title": str(self.row_title),
            "column_title": str(self.column_title),
            "note": str(self.note),
            "threshold": self.threshold,
            "empty": self.empty,
            "rows": [{"key": r.key, "label": str(r.label)} for r in self.rows],
            "columns": [{"key": c.key, "label": str(c.label)} for c in self.columns],
            "cells": [
                {"row": r.key, "column": c.key, **self.cell(r.key, c.key).as_dict()}
                for r in self.rows
                for c in self.columns
            ],
            "row_totals": [{"row": r.key, **self.row_totals[r.key].as_dict()} for r in self.rows]
            if self.row_sums
            else [],
            "column_totals": [{"column": c.key, **self.column_totals[c.key].as_dict()} for c in self.columns],
            "grand_total": self.grand_total.as_dict() if self.row_sums else None,
        }


@dataclass(frozen=True)
class DurationCell:
    """A shown duration statistic: ``n`` follows the count rule; median and p80 are hidden when n is too small."""

    n: Cell
    median: Cell
    p80: Cell


@dataclass(frozen=True)
class ShownDurations:
    """A ``DurationTable`` after suppression; safe to render, export, send."""

    key: str
    title: Any
    rows: tuple[Category, ...]
    columns: tuple[Category, ...]
    stats: Mapping[tuple[str, str], DurationCell] = field(hash=False)
    threshold: int
    empty: bool
    row_title: Any = ""
    column_title: Any = ""
    note: Any = ""
    chart: str = "none"

    def stat(self, row: str, column: str) -> DurationCell:
        return self.stats[(row, column)]

    @property
    def symbol(self) -> str:
        return SUPPRESSED_SYMBOL

    @property
    def any_suppressed(self) -> bool:
        return any(s.n.suppressed or s.median.suppressed for s in self.stats.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": "durations",
            "title": str(self.title),
            "row_title": str(self.row_title),
            "column_title": str(self.column_title),
            "note": str(self.note),
            "threshold": self.threshold,
            "empty": self.empty,
            "rows": [{"key": r.key, "label": str(r.label)} for r in self.rows],
            "columns": [{"key": c.key, "label": str(c.label)} for c in self.columns],
            "cells": [
                {
                    "row": r.key,
                    "column": c.key,
                    "n": self.stat(r.key, c.key).n.as_dict(),
                    "median": self.stat(r.key, c.key).median.as_dict(),
                    "p80": self.stat(r.key, c.key).p80.as_dict(),
                }
                for r in self.rows
                for c in self.columns
            ],
        }


Shown = ShownTable | ShownDurations


def suppression_legend(threshold: int) -> str:
    """The legend line under a table with suppressed cells (Dutch UI text, translated)."""
    from flask_babel import gettext as _

    return _(
        "%(symbol)s = niet getoond: minder dan %(threshold)s, of verborgen zodat een klein aantal niet "
        "uit de andere cellen en de totalen terug te rekenen is.",
        symbol=SUPPRESSED_SYMBOL,
        threshold=threshold,
    )
