"""Response hardening and log hygiene, for every request of every blueprint.

- Security headers on every response: a CSP without inline script or style, no framing, no
  sniffing, no referrer, same-origin isolation; HSTS (one year) in production.
- ``Cache-Control: no-store`` on every response except the static files, so no page with personal
  data is kept by a browser or a proxy.
- Session cookie: HttpOnly, SameSite=Lax, a browser-session cookie (no remember-me); in production
  ``__Host-`` prefixed and Secure (so only this host, over HTTPS, on path ``/``).
- A log-record factory that removes personal data (BSNs, e-mail addresses, phone numbers, IBANs,
  query strings, activation tokens, SQL parameters) from every log line before any handler sees it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, request

from casebook.settings import is_production

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def init_app(app: Flask) -> None:
    production = is_production(app.config)
    app.config["SESSION_COOKIE_NAME"] = "__Host-casebook" if production else "casebook_session"
    app.config["SESSION_COOKIE_SECURE"] = production
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_PATH"] = "/"
    app.config["SESSION_COOKIE_DOMAIN"] = None  # host-only, as __Host- demands
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers["Strict-Transport-Security"] = HSTS
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response

    install_log_redaction()


# --- logs without personal data ----------------------------------------------------------------

_REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(/activate/)[A-Za-z0-9_\-]+"), r"\1[token]"),
    (re.compile(r"(\[parameters: ).*?(\]\s*(?:\(|$))", re.DOTALL), r"\1[redacted]\2"),
    # a query string in a request line or URL: "GET /persons?q=Jansen HTTP/1.1"
    (re.compile(r"(/[^\s?\"']*)\?[^\s\"']*"), r"\1?[redacted]"),
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "[e-mail]"),
    (re.compile(r"\b[A-Z]{2}\d{2}[A-Z]{4}\d{10}\b"), "[iban]"),
    (re.compile(r"(?<!\d)(?<!\d\.)(?:\+31|0031|0)[ \-]?6[ \-]?\d{8}(?!\d)(?!\.\d)"), "[telefoon]"),
    (re.compile(r"(?<!\d)(?<!\d\.)\d{4}[ .]?\d{2}[ .]?\d{3}(?!\d)(?!\.\d)"), "[bsn]"),  # 9 digits, also 1234.56.789
]


def redact(text: str) -> str:
    """``text`` with every personal-data pattern we know replaced by a placeholder."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    """A logging filter that redacts a record in place (for handlers configured outside Casebook)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def _redact_record(record: logging.LogRecord) -> None:
    if getattr(record, "_casebook_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep the bare template
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    record._casebook_redacted = True


_installed = False


def install_log_redaction() -> None:
    """Redact every log record at creation, so no handler (file, journald, pytest's) sees personal data."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
