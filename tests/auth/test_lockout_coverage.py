"""The lockout's clock (found by ``make mutate``): failures count over the whole window and a lock
lasts its full time, not the one second of a rate item without a period; a lock that has run out
gives the account a fresh count, so one more typo does not lock it again at once.
"""

from __future__ import annotations

import time

from casebook.auth import lockout


def _configure(app, monkeypatch, *, failures: int, window: int, lock: int) -> None:
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", failures)
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_WINDOW", window)
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_SECONDS", lock)


def test_failures_spread_over_the_window_still_lock(app, monkeypatch):
    _configure(app, monkeypatch, failures=2, window=600, lock=600)
    assert lockout.register_failure("slow-guesser") is False
    time.sleep(1.2)  # longer than a one-second window
    assert lockout.register_failure("slow-guesser") is True


def test_a_lock_lasts_longer_than_a_second(app, monkeypatch):
    _configure(app, monkeypatch, failures=1, window=600, lock=600)
    assert lockout.register_failure("someone") is True
    time.sleep(1.2)
    assert lockout.is_locked("someone")


def test_after_a_lock_runs_out_one_new_failure_does_not_lock_again(app, monkeypatch):
    _configure(app, monkeypatch, failures=3, window=600, lock=1)
    assert [lockout.register_failure("someone") for _ in range(3)] == [False, False, True]
    assert lockout.is_locked("someone")
    time.sleep(1.2)  # the lock (1 s) has run out; the failure window (10 min) has not
    assert not lockout.is_locked("someone")
    assert lockout.register_failure("someone") is False
    assert not lockout.is_locked("someone")
