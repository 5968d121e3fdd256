"""The clock of account security (session timeouts, TOTP steps, activation links).

Call ``clock.now()`` through the module so tests can replace it:
``monkeypatch.setattr(clock, "now", lambda: moment)``.
"""

from __future__ import annotations

from datetime import datetime

from casebook.db import utcnow


def now() -> datetime:
    return utcnow()
