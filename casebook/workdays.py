"""Working days: Monday to Friday. Public holidays are not counted out (yet)."""

from __future__ import annotations

from datetime import date, timedelta


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def subtract_working_days(end: date, days: int) -> date:
    """The latest date ``start`` such that ``working_days_between(start, end) >= days``."""
    day = end
    counted = 0
    while counted < days:
        if day.weekday() < 5:
            counted += 1
        day -= timedelta(days=1)
    return day
