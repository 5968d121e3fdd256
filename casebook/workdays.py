"""Working days: Monday to Friday, less the Dutch public holidays.

The holidays come from the ``holidays`` package (``holidays.NL``, its public category), not a
list kept here: Nieuwjaarsdag, Goede Vrijdag, both Easter and Whit days, Koningsdag (27 April, the
Saturday before when it falls on a Sunday), Hemelvaartsdag and both Christmas days.

Bevrijdingsdag (5 May): the Algemene termijnenwet names it every year, but most collective labour
agreements give it as a day off only in lustrum years (2025, 2030 …), and ``holidays.NL`` follows
that in its public category (every year only in its optional one). Casebook counts working days
for the people who do the work (triage, handoff and reminder deadlines), so it follows the public
category: 5 May is a holiday in lustrum years only.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    """The public holidays of ``year`` that fall on a weekday (those on a weekend change nothing)."""
    return frozenset(day for day in holidays.NL(years=year) if day.weekday() < 5)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def _weekdays_between(start: date, end: date) -> int:
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    holidays_in_range = sum(
        1 for year in range(start.year, end.year + 1) for day in _holidays_of(year) if start < day <= end
    )
    return _weekdays_between(start, end) - holidays_in_range


def subtract_working_days(end: date, days: int) -> date:
    """The latest date ``start`` such that ``working_days_between(start, end) >= days``."""
    day = end
    counted = 0
    while counted < days:
        if is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    return day
