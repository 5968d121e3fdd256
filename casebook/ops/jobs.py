"""Results of the scheduled jobs (``notifications send``, ``handoffs expire``, ``audit checkpoint`` …).

The jobs run as separate processes (systemd timers), so a counter in their memory dies with them and
a scrape of the web app never sees it. Each run is therefore one row in ``job_run``, written in its
own short transaction *after* the job's transaction has committed or rolled back — a failed run is
recorded as a failure, not lost with its rollback. ``/metrics`` counts the rows at scrape time.

Plumbing: imports nothing of the product, so any command may use it. A row holds the job name, the
outcome, times and an optional number (``position``: for ``audit checkpoint`` the chain ``seq`` it
signed, which the metrics and ``/readyz`` use as "sealed up to") — never personal data.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, db, utcnow

log = logging.getLogger(__name__)

SUCCESS = "success"
PARTIAL = "partial"  # the job ran to the end but some items failed (e.g. mails not accepted); retried next run
FAILURE = "failure"
OUTCOMES = (SUCCESS, PARTIAL, FAILURE)

# The job whose ``position`` is the audit chain seq its signed checkpoint covers (``casebook.ops.audit_lag``).
CHECKPOINT_JOB = "audit_checkpoint"


class JobRun(Base):
    """One run of a scheduled job. Append-only; one row per run (a few tens of thousands a year)."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job_outcome", "job", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    position: Mapped[int | None] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<JobRun {self.id} {self.job} {self.outcome}>"


class _RunState:
    def __init__(self) -> None:
        self.outcome: str | None = None
        self.position: int | None = None


_current: contextvars.ContextVar[_RunState | None] = contextvars.ContextVar("casebook_job_run", default=None)


def report(*, outcome: str | None = None, position: int | None = None) -> None:
    """Inside a ``recorded`` job: say the run was ``partial`` and/or what ``position`` it reached.

    Outside a recorded job (a test calling the service directly) it does nothing.
    """
    state = _current.get()
    if state is None:
        return
    if outcome is not None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown job outcome {outcome!r}")
        state.outcome = outcome
    if position is not None:
        state.position = position


def recorded(job: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a click command (outside ``@transactional``) so each run leaves a ``job_run`` row.

    The row commits in the command's session after the command's own transaction has ended: use it
    on ``@transactional`` or read-only commands (a successful run's leftovers would commit with it).

    A normal return is ``success`` (or what ``report`` said), an exception or a non-zero
    ``sys.exit`` is ``failure``; the exception propagates unchanged.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        from flask.cli import with_appcontext

        @functools.wraps(func)
        @with_appcontext
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            state = _RunState()
            token = _current.set(state)
            started = utcnow()
            clock = time.monotonic()
            outcome = FAILURE
            try:
                result = func(*args, **kwargs)
                outcome = state.outcome or SUCCESS
                return result
            except SystemExit as exc:
                outcome = (state.outcome or SUCCESS) if exc.code in (0, None) else FAILURE
                raise
            finally:
                _current.reset(token)
                _store(job, outcome, started, state.position, time.monotonic() - clock)

        return wrapper

    return decorate


def _store(job: str, outcome: str, started: datetime, position: int | None, seconds: float) -> None:
    """Write the row in a transaction of its own; a database that is down must not hide the job's own error."""
    session = db.session()
    try:
        if outcome == FAILURE:
            session.rollback()  # a failed job's leftovers never commit with its record
        session.add(JobRun(job=job, outcome=outcome, started_at=started, finished_at=utcnow(), position=position))
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not record the result of job %s (%s)", job, outcome)
    log.info("job %s finished: %s in %.1f s", job, outcome, seconds, extra={"job": job, "outcome": outcome})
