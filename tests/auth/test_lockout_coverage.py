"""The lockout's counter after a lock (found by ``make mutate``): a lock that has run out gives the
account a fresh count, so one more typo does not lock it again at once.
"""

from __future__ import annotations

import time

from casebook.auth import lockout


def test_after_a_lock_runs_out_one_new_failure_does_not_lock_again(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_WINDOW", 600)
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_SECONDS", 1)
    assert [lockout.register_failure("someone") for _ in range(3)] == [False, False, True]
    assert lockout.is_locked("someone")
    time.sleep(1.2)  # the lock (1 s) has run out; the failure window (10 min) has not
    assert not lockout.is_locked("someone")
    assert lockout.register_failure("someone") is False
    assert not lockout.is_locked("someone")
