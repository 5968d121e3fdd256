"""gunicorn settings for Casebook in production: ``gunicorn -c deploy/gunicorn.conf.py 'wsgi:app'``.

Every value can be overridden from the environment without editing this file. The names are gunicorn's
own (``WEB_CONCURRENCY``) or ``GUNICORN_*``, never ``CASEBOOK_*``: those are the application's
settings, and only ``CASEBOOK_TRUSTED_PROXIES`` is read here, so that gunicorn and the app agree on
whom to believe about the client.

Decisions, and why:

* **Workers**: sync workers, ``2 × CPUs + 1`` (the CPUs this process may run on, so a cpuset or
  ``taskset`` is honoured; a container's CPU *quota* is not visible, set ``WEB_CONCURRENCY`` there).
  A request spends its time in PostgreSQL, AES-GCM and argon2 — no long polling or streaming that
  would call for async workers. Each worker holds its own database pool: workers × pool size must
  stay under PostgreSQL's ``max_connections``, for every host.
* **No preload** (``preload_app = False``): each worker imports and builds the app after the fork. A
  preloaded app would share the master's SQLAlchemy pool and open sockets with every child, and a
  ``HUP`` (``systemctl reload casebook``) would then restart workers on the *old* code. Without
  preload a reload starts new workers on the new code and lets the old ones finish their requests:
  a deployment is ``casebook db upgrade`` (as the owner role), ``scripts/pg_roles.py grant``, reload.
  The price is memory (each worker imports the app itself) and a slower start.
* **Timeouts**: a worker silent for ``timeout`` seconds is killed and restarted (an exported audit
  search of 100,000 rows is the slowest request; it finishes well within 60 s). nginx waits a little
  longer (``proxy_read_timeout 65s`` in deploy/nginx/casebook.conf) so the worker's own timeout fires
  first. On ``TERM`` or ``HUP`` a worker gets ``graceful_timeout`` seconds to finish what it is doing;
  systemd's ``TimeoutStopSec`` (deploy/systemd/casebook.service) is longer still.
* **max_requests with jitter**: each worker is replaced after about 2,000 requests, staggered so
  that not all restart at once; this bounds slow memory growth. The replacement is graceful.
* **Access log without query strings**: ``%(U)s`` is the path only; ``%(r)s`` (the request line),
  ``%(q)s`` and the Referer (``%(f)s``, the previous page's URL with *its* query) are never logged,
  since a query string may hold what a user typed (a name searched for, a BSN). Set
  ``GUNICORN_ACCESS_LOG=none`` when the app's own per-request JSON log is collected instead.
* **Forwarded headers**: the app trusts ``X-Forwarded-For``/``-Proto`` for ``CASEBOOK_TRUSTED_PROXIES``
  hops (werkzeug's ProxyFix, casebook/__init__.py ``_trust_proxies``). gunicorn would otherwise act on
  ``X-Forwarded-Proto`` by itself from any peer in ``forwarded_allow_ips``; so with 0 trusted proxies
  it trusts no peer, and with one or more it trusts the proxy's address (default: this host, where
  nginx runs; ``GUNICORN_FORWARDED_ALLOW_IPS`` for a proxy elsewhere, e.g. ``*`` in a container whose
  port only the proxy can reach). Only ``X-Forwarded-Proto`` is read as the scheme header, so a client
  cannot send a contradictory ``X-Forwarded-Ssl`` through the proxy and make gunicorn answer 400.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _trusted_proxies() -> int:
    value = os.environ.get("CASEBOOK_TRUSTED_PROXIES", "").strip()
    return int(value) if value else 0


wsgi_app = "wsgi:app"
proc_name = "casebook"
# gunicorn >= 25 opens a control socket under $HOME or $XDG_RUNTIME_DIR; nothing here uses it, and a
# socket less is one thing less to secure (older versions ignore the name).
control_socket_disable = True

bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
worker_class = "sync"
workers = _int("WEB_CONCURRENCY", 2 * _cpus() + 1)
preload_app = False

timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # only used by non-sync workers; nginx opens a connection per request to a sync worker

max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The heartbeat file of each worker: in memory, so a slow or read-only disk never looks like a hung
# worker (and ProtectSystem=strict leaves /dev/shm writable).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's heartbeat files

# Request line and header limits: gunicorn's defaults, stated. Uploads are bounded by nginx's
# client_max_body_size and the app's MAX_CONTENT_LENGTH (CASEBOOK_DOCUMENT_MAX_MB).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

_proxy_addresses = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
forwarded_allow_ips = _proxy_addresses if _trusted_proxies() > 0 else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs go to stdout/stderr: journald (systemd) or the container runtime collects them.
_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access_log.lower() in ("", "none", "off") else _access_log
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# peer, method, PATH ONLY, protocol, status, bytes, duration in ms, the app's request id (if it sets
# one): never %(r)s, %(q)s or %(f)s — see the module docstring.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'


# Metrics across workers: with PROMETHEUS_MULTIPROC_DIR set (the systemd unit points it at its runtime
# directory, emptied on every start) each worker writes its counters to files that /metrics sums; a
# dead worker's live gauges are dropped here (README "Observability").
def child_exit(server, worker):
    from casebook.ops.metrics import gunicorn_child_exit

    gunicorn_child_exit(server, worker)


# gunicorn's own error log in the app's JSON format when the app logs JSON (CASEBOOK_LOG_FORMAT, default
# json in production), so one collector parses every line.
def _log_format() -> str:
    explicit = os.environ.get("CASEBOOK_LOG_FORMAT", "").strip().strip('"').lower()
    if explicit:
        return explicit
    return "json" if os.environ.get("CASEBOOK_ENV", "").strip().strip('"').lower() == "production" else "text"


if _log_format() == "json":
    from casebook.ops.logs import gunicorn_logconfig_dict

    logconfig_dict = gunicorn_logconfig_dict()
