"""The weegtafel's working-day clock of a signal, which stands still while information is awaited.

A signal's age is counted in working days (``casebook.workdays``) from the day it was received.
While an information request to a partner is open the clock is paused: its age is frozen
(``clock_paused_age``). When the last open request is answered the clock runs on from the frozen
age: its origin moves to the latest day from which today is that many working days away
(``subtract_working_days``), so ``working_days_between(origin, today)`` continues where it stopped.
Only the two functions of ``casebook.workdays`` are used, so public holidays count as they do there.

``overdue_clause`` is the SQL twin of ``age_of(...) > limit`` for the queue's filter and counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_

from casebook.db import utcnow
from casebook.signals.models import Signal
from casebook.workdays import subtract_working_days, working_days_between


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def local_today() -> date:
    return local_date(utcnow())


def origin_of(signal: Signal) -> date:
    """The day the clock counts from: the day received, or where a pause left it."""
    return signal.clock_origin_on or local_date(signal.received_at)


def age_of(signal: Signal, today: date) -> int:
    """Working days on the clock: frozen while the signal waits for information."""
    if signal.clock_paused_at is not None:
        return signal.clock_paused_age or 0
    return working_days_between(origin_of(signal), today)


def pause(signal: Signal, today: date) -> None:
    """Stop the clock (no-op when it stands still already)."""
    if signal.clock_paused_at is None:
        signal.clock_paused_age = age_of(signal, today)
        signal.clock_paused_at = utcnow()


def resume(signal: Signal, today: date) -> None:
    """Run the clock on from its frozen age (no-op when it runs)."""
    if signal.clock_paused_at is not None:
        signal.clock_origin_on = subtract_working_days(today, signal.clock_paused_age or 0)
        signal.clock_paused_at = None
        signal.clock_paused_age = None


def paused_working_days(signal: Signal, today: date) -> int:
    """How many working days the current pause has lasted (0 when the clock runs)."""
    if signal.clock_paused_at is None:
        return 0
    return working_days_between(local_date(signal.clock_paused_at), today)


def overdue_clause(today: date, limit: int) -> ColumnElement[bool]:
    """Signals whose clock shows more than ``limit`` working days on ``today``."""
    last_overdue_day = subtract_working_days(today, limit + 1)
    received_cutoff = datetime.combine(last_overdue_day + timedelta(days=1), time(0), tzinfo=zone()).astimezone(UTC)
    running = and_(
        Signal.clock_paused_at.is_(None),
        or_(
            and_(Signal.clock_origin_on.is_(None), Signal.received_at < received_cutoff),
            Signal.clock_origin_on <= last_overdue_day,
        ),
    )
    return or_(running, and_(Signal.clock_paused_at.is_not(None), Signal.clock_paused_age > limit))
