"""Prometheus metrics: what the processes count, and what ``/metrics`` reads from the database.

Two kinds, because a web app under gunicorn is several processes and the jobs are others again:

- **counted in the process** — request latency, database pool use, failed logins and lockouts.
  With several gunicorn workers each worker counts its own, so ``PROMETHEUS_MULTIPROC_DIR`` must
  be set (prometheus_client's multiprocess mode): each process writes its values to files there
  and a scrape, answered by any one worker, adds them all up. The directory must be empty when
  gunicorn starts (the unit wipes it) and ``gunicorn_child_exit`` must be the gunicorn
  ``child_exit`` hook, so a dead worker's live gauges are dropped. Without the variable
  (development, tests, one process) the values live in memory.
- **read at scrape time from the database**, the one place every process and job shares: audit
  events written (the chain head), events not yet covered by a signed checkpoint, handoffs pending,
  and the results of the scheduled jobs (``casebook.ops.jobs``). One scrape costs four small
  indexed statements.

The metric objects are process globals on purpose: a process has one set of counters whatever
apps it builds. Labels never hold ids, paths or anything a user typed: the route is the endpoint
name, the status a class (``2xx``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# The in-process metrics belong to no registry of prometheus_client's (``registry=None``): importing
# casebook registers nothing globally; each scrape builds its own registry (``scrape``).
REQUEST_DURATION = Histogram(
    "casebook_http_request_duration_seconds",
    "Time from the start of a request to its response, by route (endpoint name), method and status class.",
    ("endpoint", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)
DB_POOL_CHECKED_OUT = Gauge(
    "casebook_db_pool_checked_out",
    "Database connections in use (summed over the live processes).",
    multiprocess_mode="livesum",
    registry=None,
)
DB_POOL_SIZE = Gauge(
    "casebook_db_pool_size",
    "Configured size of the connection pools (summed over the live processes).",
    multiprocess_mode="livesum",
    registry=None,
)
DB_POOL_OVERFLOW = Gauge(
    "casebook_db_pool_overflow",
    "Connections beyond the pool size (negative: pool slots not yet opened), summed over the live processes.",
    multiprocess_mode="livesum",
    registry=None,
)
LOGIN_FAILURES = Counter(
    "casebook_login_failures",
    "Failed passwords and second-factor codes (login, second step, re-authentication).",
    registry=None,
)
LOCKOUTS = Counter(
    "casebook_account_lockouts",
    "Accounts locked after too many failures (one per lock, not per refused attempt).",
    registry=None,
)

PROCESS_METRICS = (REQUEST_DURATION, DB_POOL_CHECKED_OUT, DB_POOL_SIZE, DB_POOL_OVERFLOW, LOGIN_FAILURES, LOCKOUTS)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """One request into the latency histogram; an unmatched URL counts as endpoint ``unmatched``."""
    REQUEST_DURATION.labels(
        endpoint=endpoint or "unmatched",
        method=method if method in METHODS else "other",
        status=f"{status // 100}xx",
    ).observe(seconds)


def login_failed(*, locked_now: bool) -> None:
    """Called where ``casebook.auth.lockout`` counts a failure; ``locked_now``: this failure locked the account."""
    LOGIN_FAILURES.inc()
    if locked_now:
        LOCKOUTS.inc()


def watch_pool(engine: Any) -> None:
    """Keep the pool gauges current on every checkout and checkin of ``engine``'s pool (cheap: three
    attribute reads). A pool without sizes (SQLite in memory) reports checked-out connections only."""
    from sqlalchemy import event

    pool = engine.pool
    if getattr(pool, "_casebook_watched", False):
        return
    pool._casebook_watched = True  # type: ignore[attr-defined]
    _forget_live_gauges_at_exit()

    def update(returning: int) -> None:
        try:
            DB_POOL_CHECKED_OUT.set(max(pool.checkedout() - returning, 0))
            DB_POOL_SIZE.set(pool.size())
            DB_POOL_OVERFLOW.set(pool.overflow())
        except (AttributeError, NotImplementedError):
            pass

    # "checkin" fires before the connection is back in the pool: it still counts as checked out.
    event.listen(pool, "checkout", lambda *_args: update(0))
    event.listen(pool, "checkin", lambda *_args: update(1))
    update(0)


_exit_hook_pids: set[int] = set()


def _forget_live_gauges_at_exit() -> None:
    """Multiprocess mode: a process that exits normally (a command, a worker stopped gracefully) drops
    its own live gauges, so the pool sums count live processes only; ``gunicorn_child_exit`` does it
    for a worker that was killed."""
    pid = os.getpid()
    if not multiprocess_dir() or pid in _exit_hook_pids:
        return
    import atexit

    from prometheus_client import multiprocess

    _exit_hook_pids.add(pid)
    atexit.register(lambda: multiprocess.mark_process_dead(pid) if os.getpid() == pid else None)


def gunicorn_child_exit(server: Any, worker: Any) -> None:
    """The gunicorn ``child_exit`` hook (``deploy/gunicorn.conf.py``): drop a dead worker's live gauges."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


class DatabaseCollector(Collector):
    """The figures every process shares, read from the database when ``/metrics`` is scraped."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "casebook_metrics_database_up", "1 when the database figures of this scrape could be read."
        )
        try:
            families = list(self._families())
        except Exception:
            log.warning("metrics: database figures unavailable", exc_info=True)
            self.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator[Metric]:
        from sqlalchemy import func, select

        from casebook.handoffs.models import Handoff, HandoffStatus
        from casebook.ops import audit_lag
        from casebook.ops.jobs import JobRun

        session = self.session
        now = datetime.now(UTC)
        lag = audit_lag.measure(session, now)
        written = CounterMetricFamily(
            "casebook_audit_events", "Audit events written (the chain's head position; all processes)."
        )
        written.add_metric([], lag.head_seq)
        yield written
        unsealed = GaugeMetricFamily(
            "casebook_audit_events_unsealed",
            "Audit events not yet covered by a signed checkpoint (`casebook audit checkpoint`).",
        )
        unsealed.add_metric([], lag.unsealed)
        yield unsealed
        age = GaugeMetricFamily(
            "casebook_audit_oldest_unsealed_age_seconds",
            "Age of the oldest audit event not yet covered by a checkpoint (0 when all are).",
        )
        age.add_metric([], lag.oldest_unsealed_age_seconds)
        yield age

        pending, overdue = session.execute(
            select(func.count(), func.count().filter(Handoff.expires_at < now)).where(
                Handoff.status == HandoffStatus.PENDING
            )
        ).one()
        handoffs = GaugeMetricFamily(
            "casebook_handoffs_pending",
            "Handoffs waiting for the receiver; overdue=true: past their date, to expire.",
            labels=("overdue",),
        )
        handoffs.add_metric(["false"], int(pending) - int(overdue or 0))
        handoffs.add_metric(["true"], int(overdue or 0))
        yield handoffs

        runs = CounterMetricFamily(
            "casebook_job_runs", "Runs of the scheduled jobs by job and outcome.", labels=("job", "outcome")
        )
        last = GaugeMetricFamily(
            "casebook_job_last_run_timestamp_seconds",
            "When a job last finished with this outcome (Unix time).",
            labels=("job", "outcome"),
        )
        rows = session.execute(
            select(JobRun.job, JobRun.outcome, func.count(), func.max(JobRun.finished_at)).group_by(
                JobRun.job, JobRun.outcome
            )
        ).all()
        for job, outcome, count, finished in rows:
            runs.add_metric([job, outcome], count)
            if isinstance(finished, str):  # SQLite hands back text for an aggregate of a timestamp
                finished = datetime.fromisoformat(finished)
            if finished is not None and finished.tzinfo is None:
                finished = finished.replace(tzinfo=UTC)
            last.add_metric([job, outcome], finished.timestamp() if finished else 0)
        yield runs
        yield last


def scrape(session: Any) -> bytes:
    """The exposition text of one scrape: the process metrics (of all processes in multiprocess
    mode) and the database figures."""
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    if directory:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        from prometheus_client import PROCESS_COLLECTOR

        for collector in PROCESS_METRICS:
            registry.register(collector)
        registry.register(PROCESS_COLLECTOR)
    registry.register(DatabaseCollector(session))
    return generate_latest(registry)
