"""The case list's orders: one keyset ``Order`` per column and direction, its cursors bound to it.

Each order ends in the case id, so it is total and its cursors never skip or repeat a row. Type,
status and district sort by their reference data's id (the order in which they were set up: a
status type's ids follow its lifecycle), so no join is needed to page; a case without a district
or a next evaluation sorts after those with one (ascending). The order's name (``cases:<sort>``)
is in its cursors, so a cursor of one order is refused by another (the screens then show the first
page, the API answers 400).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from casebook.cases.models import Case
from casebook.pagination import Order

# column name -> (the columns, the stand-in for NULL per column or None)
_COLUMNS: dict[str, tuple[tuple[InstrumentedAttribute[Any], ...], tuple[Any, ...] | None]] = {
    "reference": ((Case.reference, Case.id), None),
    "type": ((Case.case_type_id, Case.id), None),
    "status": ((Case.status_id, Case.id), None),
    "district": ((Case.district_id, Case.id), (2**31 - 1, None)),  # above every id (INTEGER columns)
    "opened_at": ((Case.opened_at, Case.id), None),
    "next_evaluation": ((Case.next_evaluation_on, Case.id), (date(9999, 12, 31), None)),
}
SORT_COLUMNS: tuple[str, ...] = tuple(_COLUMNS)


class UnknownSort(ValueError):
    """A sort that is not a column of the list (the screens ignore it; the API answers 422)."""


@dataclass(frozen=True)
class CaseSort:
    """A column of the case list and a direction; ``str()`` is the parameter (``-opened_at``)."""

    column: str = "opened_at"
    descending: bool = True

    def __str__(self) -> str:
        return ("-" if self.descending else "") + self.column

    @property
    def order(self) -> Order:
        columns, nulls = _COLUMNS[self.column]
        name = "cases" if self == DEFAULT_SORT else f"cases:{self}"  # the default keeps its cursors' name
        return Order(name, columns, descending=self.descending, nulls_as=nulls)

    def toggled(self, column: str) -> CaseSort:
        """The sort a column header links to: that column ascending, or reversed when it is this one."""
        if column == self.column:
            return CaseSort(column, not self.descending)
        return CaseSort(column, False)

    @classmethod
    def parse(cls, value: str | None) -> CaseSort:
        """``reference``, ``-opened_at`` … ; empty is the default. :raises UnknownSort:"""
        if not value:
            return DEFAULT_SORT
        if len(value) > 32:
            raise UnknownSort()
        descending = value.startswith("-")
        column = value[1:] if descending else value
        if column not in _COLUMNS:
            raise UnknownSort()
        return cls(column, descending)

    @classmethod
    def parse_or_default(cls, value: str | None) -> CaseSort:
        """The screens: an unknown sort is ignored."""
        try:
            return cls.parse(value)
        except UnknownSort:
            return DEFAULT_SORT


DEFAULT_SORT = CaseSort()  # newest first
