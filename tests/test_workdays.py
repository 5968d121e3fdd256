"""Working days honour the Dutch public holidays (``holidays.NL``, public category)."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.workdays import is_working_day, subtract_working_days, working_days_between


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 27), "Koningsdag (a Monday)"),
        (date(2026, 12, 25), "Eerste kerstdag"),
        (date(2025, 12, 26), "Tweede kerstdag"),
        (date(2026, 4, 3), "Goede vrijdag"),
        (date(2026, 4, 6), "Tweede paasdag"),
        (date(2026, 5, 14), "Hemelvaartsdag"),
        (date(2026, 5, 25), "Tweede pinksterdag"),
        (date(2027, 1, 1), "Nieuwjaarsdag"),
        (date(2025, 5, 5), "Bevrijdingsdag in a lustrum year"),
    ],
)
def test_public_holidays_are_no_working_days(day, name):
    assert not is_working_day(day), name


def test_liberation_day_counts_as_working_day_outside_lustrum_years():
    """holidays.NL names 5 May a public holiday only every fifth year (the CAO practice)."""
    assert is_working_day(date(2026, 5, 5))  # a Tuesday
    assert is_working_day(date(2027, 5, 5))  # a Wednesday


def test_koningsdag_on_a_sunday_moves_to_the_saturday():
    # 27 April 2025 was a Sunday: Koningsdag was Saturday 26 April, so Monday 28 April is worked.
    assert is_working_day(date(2025, 4, 28))
    assert working_days_between(date(2025, 4, 25), date(2025, 4, 28)) == 1


def test_easter_week_loses_good_friday_and_easter_monday():
    # Thursday 2 April 2026 → Tuesday 7 April 2026: Friday and Monday are holidays.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1


def test_christmas_week():
    # Monday 21 → Monday 28 December 2026: Friday 25 is Kerst (26 is a Saturday).
    assert working_days_between(date(2026, 12, 21), date(2026, 12, 28)) == 4
    # across the year's end: Kerst 2026 and Nieuwjaarsdag 2027 both fall out
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5  # 28-31 Dec and 4 Jan


def test_koningsdag_2026_is_skipped():
    # Friday 24 April → Tuesday 28 April 2026: Monday 27 is Koningsdag.
    assert working_days_between(date(2026, 4, 24), date(2026, 4, 28)) == 1
    assert subtract_working_days(date(2026, 4, 28), 2) == date(2026, 4, 23)


def test_liberation_day_2025_is_skipped():
    # Friday 2 May → Tuesday 6 May 2025: Monday 5 May 2025 is Bevrijdingsdag (lustrum year).
    assert working_days_between(date(2025, 5, 2), date(2025, 5, 6)) == 1
    # the same days in 2031 (not a lustrum year; 5 May 2031 is a Monday) count both
    assert working_days_between(date(2031, 5, 2), date(2031, 5, 6)) == 2


@pytest.mark.parametrize("days", [1, 2, 3, 5, 10])
@pytest.mark.parametrize("end", [date(2026, 4, 7), date(2026, 4, 28), date(2026, 12, 29), date(2027, 1, 5)])
def test_subtract_is_the_latest_start_with_that_many_days_around_holidays(days, end):
    start = subtract_working_days(end, days)
    assert working_days_between(start, end) >= days
    assert working_days_between(start + (date(2026, 1, 2) - date(2026, 1, 1)), end) < days
