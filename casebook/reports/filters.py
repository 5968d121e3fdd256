"""The filters of every report: a period, wijken, case types and an organisation — within the scope.

One parser for the screens (query string) and the API (the same query string), so both refuse the
same input with the same message: a value that is not one of the reader's choices (an unknown
wijk, a case type the reader may not see by name, an organisation outside the scope) is a
``FilterError`` naming its field — a 422 problem in the API, a message at the form on the screens.
An out-of-scope choice and a nonexistent one answer alike, so a filter reveals nothing.

Parameters: ``start`` and ``end`` (``YYYY-MM-DD`` or ``YYYY-MM``; ``end`` is the last day of the
period, included), or ``year`` (a calendar year, for the yearly overview); ``district`` and
``case_type`` (codes, repeatable); ``organisation`` (a slug). Default: the last 12 whole months,
the current one included. A period is at most ``MAX_YEARS`` long.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access import ReportScope
from casebook.cases.models import CaseType
from casebook.errors import RuleViolation
from casebook.organisations.models import District, Organisation

MAX_YEARS = 10
DEFAULT_MONTHS = 12
FIRST_YEAR, LAST_YEAR = 1900, 2999
PARAMETERS = ("start", "end", "year", "district", "case_type", "organisation")


@dataclass(frozen=True)
class ReportFilters:
    """What one report counts within the reader's scope. ``end`` is exclusive."""

    start: date
    end: date
    district_ids: frozenset[int] = frozenset()  # empty: all
    case_type_ids: frozenset[int] = frozenset()
    organisation_id: int | None = None

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


class FilterError(RuleViolation):
    """A filter value the reader cannot use; ``field`` is the parameter's name."""


@dataclass(frozen=True)
class Choice:
    id: int
    key: str  # the code or slug in the query string
    label: str


@dataclass(frozen=True)
class FilterChoices:
    """The values the reader may filter on: every wijk, the case types they may see by name, and
    the organisations within the scope (none for a teamleider: their scope is one organisation)."""

    districts: tuple[Choice, ...]
    case_types: tuple[Choice, ...]
    organisations: tuple[Choice, ...] = field(default=())


def filter_choices(session: Session, scope: ReportScope, locale: str = "nl") -> FilterChoices:
    """Three small statements over reference data (districts, case types, organisations)."""
    districts = tuple(
        Choice(d.id, d.code, d.name) for d in session.scalars(select(District).order_by(District.name, District.id))
    )
    case_types = tuple(
        Choice(t.id, t.code, t.label(locale))
        for t in session.scalars(select(CaseType).order_by(CaseType.label_nl, CaseType.id))
        if not t.restricted or t.id in scope.restricted_case_type_ids
    )
    organisations: tuple[Choice, ...] = ()
    if scope.kind != "organisation":
        organisations = tuple(
            Choice(o.id, o.slug, o.name)
            for o in session.scalars(select(Organisation).order_by(Organisation.name, Organisation.id))
        )
    return FilterChoices(districts, case_types, organisations)


def default_period(today: date) -> tuple[date, date]:
    """The last ``DEFAULT_MONTHS`` whole months, this one included: [start, end)."""
    month_index = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    start = date(month_index // 12, month_index % 12 + 1, 1)
    return start, _next_month(date(today.year, today.month, 1))


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _parse_day(raw: str, name: str, *, last: bool) -> date:
    """``YYYY-MM-DD``, or ``YYYY-MM`` (its first day; with ``last``, its last day)."""
    raw = raw.strip()
    try:
        if match := _MONTH.match(raw):
            year, month = int(match[1]), int(match[2])
            day = calendar.monthrange(year, month)[1] if last else 1
            value = date(year, month, day)
        elif match := _DAY.match(raw):
            value = date(int(match[1]), int(match[2]), int(match[3]))
        else:
            raise ValueError
    except ValueError:
        raise FilterError(_l("Vul een datum in als JJJJ-MM-DD."), name) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise FilterError(_l("Kies een datum tussen %(first)s en %(last)s.", first=FIRST_YEAR, last=LAST_YEAR), name)
    return value


def _values(args: Mapping[str, Any], name: str) -> list[str]:
    """Every value of a parameter: a MultiDict's list, a JSON list, or one string."""
    if hasattr(args, "getlist"):
        raw = args.getlist(name)
    else:
        value = args.get(name)
        raw = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    return [str(v).strip() for v in raw if str(v).strip()]


def _pick(values: list[str], choices: tuple[Choice, ...], name: str) -> frozenset[int]:
    by_key = {c.key: c.id for c in choices}
    unknown = [v for v in values if v not in by_key]
    if unknown:
        raise FilterError(_l("Deze keuze bestaat niet of valt buiten uw bereik."), name)
    return frozenset(by_key[v] for v in values)


def parse_filters(args: Mapping[str, Any], choices: FilterChoices, today: date) -> ReportFilters:
    """The filters of a query string (or a JSON object of the same names).

    :raises FilterError: a malformed date, a period that ends before it starts or is longer than
        ``MAX_YEARS``, or a value that is not among ``choices`` (the message never repeats the value).
    """
    start, end = default_period(today)
    years, starts, ends = _values(args, "year"), _values(args, "start"), _values(args, "end")
    if years:
        if not re.fullmatch(r"\d{4}", years[0]) or not FIRST_YEAR <= int(years[0]) <= LAST_YEAR:
            raise FilterError(_l("Kies een jaar als JJJJ."), "year")
        start, end = date(int(years[0]), 1, 1), date(int(years[0]) + 1, 1, 1)
    if starts:
        start = _parse_day(starts[0], "start", last=False)
    if ends:
        end = _parse_day(ends[0], "end", last=True) + timedelta(days=1)
    if starts and not ends and not years:
        end = max(end, start + timedelta(days=1))
    if end <= start:
        raise FilterError(_l("Het einde van de periode ligt vóór het begin."), "end")
    if end > _add_years(start, MAX_YEARS):
        message = _l("Een periode is hoogstens %(years)s jaar; kies een kortere periode.", years=MAX_YEARS)
        raise FilterError(message, "start")
    districts = _pick(_values(args, "district"), choices.districts, "district")
    case_types = _pick(_values(args, "case_type"), choices.case_types, "case_type")
    organisations = _pick(_values(args, "organisation")[:1], choices.organisations, "organisation")
    return ReportFilters(
        start=start,
        end=end,
        district_ids=districts,
        case_type_ids=case_types,
        organisation_id=next(iter(organisations), None),
    )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def as_args(filters: ReportFilters, choices: FilterChoices) -> dict[str, Any]:
    """The query string of ``filters`` (for export links and the API's echo): codes, never ids."""
    keys = {
        "district": {c.id: c.key for c in choices.districts},
        "case_type": {c.id: c.key for c in choices.case_types},
        "organisation": {c.id: c.key for c in choices.organisations},
    }
    args: dict[str, Any] = {"start": filters.start.isoformat(), "end": filters.last_day.isoformat()}
    if filters.district_ids:
        args["district"] = sorted(keys["district"][i] for i in filters.district_ids)
    if filters.case_type_ids:
        args["case_type"] = sorted(keys["case_type"][i] for i in filters.case_type_ids)
    if filters.organisation_id is not None:
        args["organisation"] = keys["organisation"][filters.organisation_id]
    return args


def describe(filters: ReportFilters, choices: FilterChoices) -> str:
    """One line for the export's header and the page: the period and the chosen values, by name."""
    names = {
        "district": {c.id: c.label for c in choices.districts},
        "case_type": {c.id: c.label for c in choices.case_types},
        "organisation": {c.id: c.label for c in choices.organisations},
    }
    parts = [f"{filters.start.isoformat()} – {filters.last_day.isoformat()}"]
    if filters.district_ids:
        parts.append(str(_l("wijk")) + ": " + ", ".join(sorted(names["district"][i] for i in filters.district_ids)))
    if filters.case_type_ids:
        parts.append(
            str(_l("soort casus")) + ": " + ", ".join(sorted(names["case_type"][i] for i in filters.case_type_ids))
        )
    if filters.organisation_id is not None:
        parts.append(str(_l("organisatie")) + ": " + names["organisation"][filters.organisation_id])
    return "; ".join(parts)
