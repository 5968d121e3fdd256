"""Request plumbing shared by every blueprint.

- **Closed by default**: every endpoint needs a logged-in user unless it is marked ``@public``.
- **One commit per request**: a response below 400 commits the request's changes and audit
  events together; anything else rolls back, then the durable audit events (reads, denials) are
  written again on their own, so an error never hides an access.
- A request id on every request, echoed in ``X-Request-Id`` and stored on audit events.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from casebook import audit
from casebook.db import db

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC_ATTRIBUTE = "_casebook_public"


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


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_request() -> Any:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or secrets.token_hex(8)
        if is_public_endpoint(app, request.endpoint):
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def _finish_request(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        session = db.session()
        if response.status_code < 400:
            try:
                session.commit()
            except Exception:
                log.exception("commit failed (request %s)", g.get("request_id"))
                session.rollback()
                return _error_response(500)
            return response
        session.rollback()
        if g.get("durable_audit"):
            try:
                audit.replay_durable()
                session.commit()
            except Exception:
                log.exception("could not record durable audit events (request %s)", g.get("request_id"))
                session.rollback()
                return _error_response(500)
        return response

    @app.teardown_request
    def _end_session(_exc: BaseException | None) -> None:
        # Each request gets a fresh session even when an app context outlives it (tests, CLI).
        db.session.remove()

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if exc.code is not None and exc.code < 400:
            return exc  # routing redirects (e.g. a missing trailing slash)
        return _error_response(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected_error(exc: Exception) -> Any:
        log.exception("unhandled error (request %s)", g.get("request_id"))
        db.session.rollback()
        return _error_response(500)


ERROR_TITLES = {
    400: "Ongeldig verzoek",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    422: "Ongeldige invoer",
    429: "Te veel verzoeken",
    500: "Er ging iets mis",
    503: "Tijdelijk niet beschikbaar",
}


def _error_response(status: int) -> Any:
    """An error page in the site's layout (or problem+json for the API), never a stack trace."""
    if request.path.startswith("/api/"):
        body = jsonify(type="about:blank", title=ERROR_TITLES.get(status, "Fout"), status=status)
        body.status_code = status
        body.mimetype = "application/problem+json"
        return body
    return render_template("errors/error.html", status=status, request_id=g.get("request_id")), status
