"""Request plumbing shared by every blueprint.

- **Closed by default**: every endpoint needs a logged-in user unless it is marked ``@public``.
- **One commit per request**: a response below 400 commits the request's changes and audit
  events together; anything else rolls back, then the durable audit events (reads, denials) are
  written again on their own, so an error never hides an access.
- A request id on every request, echoed in ``X-Request-Id`` and stored on audit events.
- Errors under ``/api/`` are RFC 9457 ``application/problem+json``; blueprints that authenticate
  their callers themselves (bearer tokens) are registered with ``authenticates_itself``.
- A backing service gone away (the database disconnected or restarting, the rate-limit storage
  unreachable) is a 503 with ``Retry-After``, a page or a problem document, never a 500: nothing
  was committed, the user may try again (``is_outage``). The page falls back to plain HTML when
  even the layout cannot be rendered (its header reads from the database).
- The product's errors (``casebook.errors``) are mapped here once for the screens: ``Refused`` is a
  404 like any other, a ``Conflict`` a 409 page, a ``RuleViolation`` that no form caught a 422 page
  with its message. Every domain error derives from one of the three, so a new module maps nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, json, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, ValidationError

from casebook import audit, tracing
from casebook.db import db
from casebook.errors import Conflict, RuleViolation

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC_ATTRIBUTE = "_casebook_public"
PROBLEM_MIMETYPE = "application/problem+json"
API_PATH_PREFIX = "/api/"

# app.extensions key: blueprints whose own before_request authenticates every request (and answers 401 itself)
SELF_AUTHENTICATING = "casebook.self_authenticating_blueprints"


def public(view: F) -> F:
    """Mark a view as reachable without login. Keep this list short; a test prints it."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # no route matched: the 404 handler answers
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, PUBLIC_ATTRIBUTE, False))


def authenticates_itself(app: Flask, blueprint_name: str) -> None:
    """Exempt a blueprint of ``app`` from the login redirect: its own before_request must authenticate.

    Used by the JSON API, whose callers present bearer tokens instead of a session cookie. Kept in
    the app, so another app in the same process does not inherit the exemption.
    """
    app.extensions.setdefault(SELF_AUTHENTICATING, set()).add(blueprint_name)


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a positive id that fits the database's INTEGER, else no match (404).

    Werkzeug's own ``int`` hands any number to the database driver; a 30-digit id would overflow
    there and answer 500 instead of 404.
    """

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ROW_ID)):
            raise ValidationError()
        return super().to_python(value)


MAX_ROW_ID = 2**31 - 1  # PostgreSQL INTEGER


def _request_id_from(traceparent: str, header: str) -> str:
    """The request id is the request's W3C trace id (``casebook.tracing``): a caller's valid
    ``traceparent`` continues its trace, else a proxy's ``X-Request-Id`` is adopted when it has the
    form of a trace id (nginx's ``$request_id``), else a new trace starts. So the audit events and
    the processing-log lines of one request share it, and nothing a client typed reaches the chain."""
    return tracing.start(traceparent, request_id=header).trace_id


OUTAGE_RETRY_AFTER_SECONDS = 5


def _plain_outage_page() -> str:
    """The 503 page without the layout, whose header reads from the database; in the default
    language, since the user's own is stored in the database too."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    locale = current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        title = escape(_("Tijdelijk niet beschikbaar"))
        text = escape(_("De dienst is tijdelijk niet beschikbaar. Er is niets opgeslagen; probeer het zo opnieuw."))
    return (
        f'<!doctype html><html lang="{escape(locale)}"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1><p>{text}</p></body></html>"
    )


def _outage_errors() -> tuple[type[BaseException], ...]:
    from limits.errors import StorageError
    from sqlalchemy.exc import InterfaceError, OperationalError

    found: list[type[BaseException]] = [OperationalError, InterfaceError, StorageError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # the redis extra is not installed: no Redis storage either
        pass
    else:
        found += [RedisConnectionError, RedisTimeoutError]
    return tuple(found)


def is_outage(exc: BaseException) -> bool:
    """The database or the rate-limit storage is unreachable or restarting (a lost connection, a
    refused one, a server shutting down): temporary, not a bug in the request."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, _outage_errors())


def _rollback_quietly() -> None:
    """Roll back; on a connection that is gone this can fail too, and nothing is left to undo then."""
    try:
        db.session.rollback()
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.warning("rollback on a lost connection (request %s): %s", g.get("request_id"), type(exc).__name__)


def outage_response(exc: BaseException) -> Any:
    """The answer to an outage raised by a view (``is_outage``): logged by its class only, rolled back, 503."""
    log.warning("service unavailable (request %s): %s", g.get("request_id"), type(exc).__name__)
    _rollback_quietly()
    return _outage_response()


def _outage_response() -> Any:
    """503 with ``Retry-After``: problem+json under ``/api/``, else the error page, or plain HTML
    when the page itself needs the unreachable database."""
    headers = [("Retry-After", str(OUTAGE_RETRY_AFTER_SECONDS))]
    if request.path.startswith(API_PATH_PREFIX):
        return problem_response(503, headers=headers)
    try:
        return make_response(_error_response(503, headers=headers))
    except Exception as exc:
        if not is_outage(exc):
            raise
        _rollback_quietly()
        return current_app.response_class(_plain_outage_page(), status=503, mimetype="text/html", headers=headers)


def _replacement_error(failed: Response, exc: BaseException | None = None) -> Response:
    """A 500 page (503 when the database went away) in place of a response whose transaction
    could not commit, keeping its headers (security headers, request id) but not its body, type,
    length or redirect."""
    replacement = _outage_response() if exc is not None and is_outage(exc) else make_response(_error_response(500))
    for name, value in failed.headers.items():
        if name.lower() not in ("content-type", "content-length", "location"):
            replacement.headers[name] = value
    return replacement


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter

    @app.before_request
    def _start_request() -> Any:
        g.request_id = _request_id_from(
            request.headers.get(tracing.TRACEPARENT, ""), request.headers.get("X-Request-Id", "")
        )
        if is_public_endpoint(app, request.endpoint):
            return None
        if request.blueprint in app.extensions.get(SELF_AUTHENTICATING, ()):
            return None
        if request.path.startswith(API_PATH_PREFIX):
            # An API path outside the API blueprint still never falls back to cookie login.
            return problem_response(401, headers={"WWW-Authenticate": 'Bearer realm="casebook"'})
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def _finish_request(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if g.get("trace_context") is not None:
            response.headers[tracing.TRACEPARENT] = g.trace_context.traceparent()
        session = db.session()
        if response.status_code < 400:
            try:
                session.commit()
                return response
            except Exception as exc:
                log.exception("commit failed (request %s)", g.get("request_id"))
                response = _replacement_error(response, exc)
        _rollback_quietly()
        if g.get("durable_audit"):
            try:
                audit.replay_durable()
                session.commit()
            except Exception as exc:
                log.exception("could not record durable audit events (request %s)", g.get("request_id"))
                _rollback_quietly()
                response = _replacement_error(response, exc)
        return response

    @app.teardown_request
    def _end_session(_exc: BaseException | None) -> None:
        # Each request gets a fresh session even when an app context outlives it (tests, CLI).
        db.session.remove()

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if exc.code is not None and exc.code < 400:
            return exc  # routing redirects (e.g. a missing trailing slash)
        if exc.code == 500 and is_outage(getattr(exc, "original_exception", None) or exc):
            # an outage after the view, e.g. the rate limiter's after-request deduction on a Redis that is away
            return outage_response(exc.original_exception)
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]  # e.g. Allow on a 405
        return _error_response(exc.code or 500, headers=headers)

    @app.errorhandler(Conflict)
    def _conflict(exc: Conflict) -> Any:
        # the request wrapper rolls the change back (status >= 400) and keeps the durable events
        return _error_response(409, message=user_message(exc))

    @app.errorhandler(RuleViolation)
    def _rule_violation(exc: RuleViolation) -> Any:
        return _error_response(422, message=user_message(exc))

    @app.errorhandler(Exception)
    def _unexpected_error(exc: Exception) -> Any:
        if is_outage(exc):
            return outage_response(exc)
        log.exception("unhandled error (request %s)", g.get("request_id"))
        db.session.rollback()
        return _error_response(500)


ERROR_TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    412: "Versie verouderd",
    413: "Verzoek te groot",
    415: "Mediatype niet ondersteund",
    422: "Ongeldige invoer",
    428: "Voorwaarde vereist",
    429: "Te veel verzoeken",
    500: "Er ging iets mis",
    503: "Tijdelijk niet beschikbaar",
}


ERROR_DETAILS = {
    400: "Het verzoek kon niet worden gelezen.",
    401: "Geef een geldig API-token mee: Authorization: Bearer <token>.",
    403: "U mag deze handeling niet uitvoeren.",
    404: "Dit object bestaat niet of u heeft er geen toegang toe.",
    405: "Deze methode is hier niet toegestaan.",
    409: "Het verzoek botst met de huidige toestand.",
    412: "Het object is intussen gewijzigd; haal het opnieuw op.",
    413: "Het verzoek is te groot.",
    415: "Stuur JSON (Content-Type: application/json).",
    422: "De invoer is ongeldig.",
    428: "Stuur de versie mee die u wijzigt (If-Match met de ETag).",
    429: "Te veel verzoeken; probeer het later opnieuw.",
    500: "Er ging iets mis aan onze kant.",
    503: "De dienst is tijdelijk niet beschikbaar.",
}


def problem_response(
    status: int,
    *,
    detail: str | None = None,
    type: str = "about:blank",
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Any = None,
) -> Response:
    """An RFC 9457 problem document: ``type``, ``title``, ``status``, ``detail`` (+ ``errors`` for 422).

    ``request_id`` is an extension member so a partner can quote it to support.
    """
    body: dict[str, Any] = {
        "type": type,
        "title": title or ERROR_TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail or ERROR_DETAILS.get(status, ERROR_TITLES.get(status, "Fout")),
        "request_id": g.get("request_id", ""),
    }
    if errors is not None:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    if headers:
        response.headers.extend(headers)
    return response


def user_message(exc: BaseException) -> str:
    """The sentence a domain error carries for the user (Dutch, possibly lazily translated)."""
    return str(getattr(exc, "message", None) or exc)


def _error_response(status: int, headers: Any = None, message: str | None = None) -> Any:
    """An error page in the site's layout (or problem+json for the API), never a stack trace."""
    if request.path.startswith(API_PATH_PREFIX):
        return problem_response(status, headers=headers, detail=message)
    page = render_template("errors/error.html", status=status, request_id=g.get("request_id"), message=message)
    return page, status, headers or []
