"""ISO-8601 retention durations and working-day arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.cases.durations import DateDuration, parse_duration
from casebook.workdays import subtract_working_days, working_days_between


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P5Y", DateDuration(years=5)),
        ("P20Y", DateDuration(years=20)),
        ("P1Y6M", DateDuration(years=1, months=6)),
        ("P2W", DateDuration(weeks=2)),
        ("P10D", DateDuration(days=10)),
        ("p1y2m3d", DateDuration(years=1, months=2, days=3)),
    ],
)
def test_parse_date_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "5Y", "PT12H", "P1YT1H", "P-1Y", "P1.5Y", "P1Y1Y", None])
def test_refuse_what_is_not_a_date_duration(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_adding_years_and_months_clamps_to_month_end():
    assert parse_duration("P1Y").after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert parse_duration("P1M").after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_duration("P5Y").after(date(2026, 11, 28)) == date(2031, 11, 28)
    assert parse_duration("P11M").after(date(2026, 3, 15)) == date(2027, 2, 15)
    assert parse_duration("P1Y2W").after(date(2026, 1, 1)) == date(2027, 1, 15)


def test_working_days_skip_weekends():
    friday, monday = date(2026, 11, 27), date(2026, 11, 30)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, date(2026, 12, 7)) == 5
    assert working_days_between(date(2026, 11, 28), date(2026, 11, 29)) == 0  # saturday to sunday


@pytest.mark.parametrize("days", [1, 2, 5, 6, 11])
def test_subtract_working_days_is_the_latest_start_with_that_many_days(days):
    for end in (date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 5)):
        start = subtract_working_days(end, days)
        assert working_days_between(start, end) >= days
        assert working_days_between(start + (date(2026, 1, 2) - date(2026, 1, 1)), end) < days
