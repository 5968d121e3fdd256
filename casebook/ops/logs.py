"""Structured logs: one JSON object per line, and one event per request.

A small stdlib formatter rather than python-json-logger: it is thirty lines, adds no dependency,
and decides exactly which fields a line holds (UTC timestamps, the request id on every line written
during a request). ``LOG_FORMAT = "json"`` (the production default) sends every logger's records —
``casebook.*``, the libraries', and gunicorn's error log through ``gunicorn_logconfig_dict`` — through
one ``JsonStreamHandler`` on the root logger; ``"text"`` (development) leaves Python's and Flask's
logging as it is.

The request event (logger ``casebook.request``) carries the request id, the route (the URL rule and
its endpoint — never the path with its ids, never the query string), method, status, duration in
milliseconds and the numeric user id. Never the form, the query string, a name or a username: what
a user typed stays out of the logs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_app_context, request

from casebook import settings as settings_module

REQUEST_LOGGER = "casebook.request"
FORMATS = ("json", "text")

# The attributes every LogRecord has; anything else on a record came in through ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def log_format(config: Any) -> str:
    """``LOG_FORMAT`` as set, else ``json`` in production and ``text`` elsewhere."""
    value = config.get("LOG_FORMAT")
    if value in FORMATS:
        return value
    if value:
        raise settings_module.ConfigurationError(f"CASEBOOK_LOG_FORMAT must be one of {', '.join(FORMATS)}")
    return "json" if settings_module.is_production(config) else "text"


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", …extra fields, "exception"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record written while it runs (when it has none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_app_context():
            request_id = g.get("request_id")
            if request_id:
                record.request_id = request_id
        return True


class JsonStreamHandler(logging.StreamHandler):
    """The handler ``LOG_FORMAT=json`` installs on the root logger (standard error by default)."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())


def configure(app: Flask) -> None:
    """Install the JSON handler once per process (gunicorn's log config may have installed it already)."""
    if log_format(app.config) != "json":
        return
    from flask.logging import default_handler

    root = logging.getLogger()
    if not any(isinstance(handler, JsonStreamHandler) for handler in root.handlers):
        root.addHandler(JsonStreamHandler())
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    logging.getLogger("casebook").removeHandler(default_handler)  # else Flask's own handler prints it twice


def gunicorn_logconfig_dict() -> dict[str, Any]:
    """For ``logconfig_dict`` in the gunicorn configuration: gunicorn's error (and access) log as JSON
    lines on standard error, through the same handler the app then finds and reuses."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True, "qualname": "gunicorn.access"},
        },
        "handlers": {"json": {"class": "casebook.ops.logs.JsonStreamHandler", "stream": "ext://sys.stderr"}},
        "formatters": {},
    }


def request_started(_sender: Any, **_extra: Any) -> None:
    g.ops_request_started = time.perf_counter()


def request_finished(_sender: Any, response: Any, **_extra: Any) -> None:
    """The request event and the latency histogram, after every after_request hook (so the status is
    the one sent, also when the commit failed and a 500 replaced the response)."""
    from casebook.ops import metrics

    started = g.get("ops_request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    rule = request.url_rule
    endpoint = rule.endpoint if rule is not None else None
    method = request.method if request.method in metrics.METHODS else "other"
    metrics.observe_request(endpoint, method, response.status_code, seconds)
    logging.getLogger(REQUEST_LOGGER).info(
        "%s %s %s %.1f ms",
        method,
        endpoint or "unmatched",
        response.status_code,
        seconds * 1000,
        extra={
            "event": "request",
            "request_id": g.get("request_id") or None,
            "route": rule.rule if rule is not None else None,
            "endpoint": endpoint,
            "method": method,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": _user_id(),
        },
    )


def _user_id() -> int | None:
    """The numeric id of the user this request already loaded — never loads one (no query for it)."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return getattr(user, "id", None)
    token = g.get("api_token")
    return getattr(token, "user_id", None) if token is not None else None
