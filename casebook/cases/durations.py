"""ISO-8601 date durations (``P5Y``, ``P1Y6M``, ``P2W``, ``P10D``) for retention periods.

Retention is counted in calendar units: ``P1Y`` after 29 February is 28 February of the next
year (the day is clamped to the month's end), not 365 days. Time parts (``PT12H``) are refused:
an archive action date is a date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True)
class DateDuration:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def after(self, start: date) -> date:
        """``start`` plus this duration: years and months first (clamped), then weeks and days."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year = start.year + month_index // 12
        month = month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(weeks=self.weeks, days=self.days)


def parse_duration(text: str) -> DateDuration:
    """Parse an ISO-8601 date duration. :raises ValueError: not a date-only ISO-8601 duration."""
    match = _DURATION.match((text or "").strip().upper())
    if not match:
        raise ValueError(f"not an ISO-8601 date duration: {text!r}")
    years, months, weeks, days = (int(part) if part else 0 for part in match.groups())
    return DateDuration(years=years, months=months, weeks=weeks, days=days)
