"""Request plumbing of the API blueprint: authentication, error rendering (the product's errors
mapped once, through ``casebook.api.errors.problem_for``), caching headers."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Response, g, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from casebook import web
from casebook.api import auth, bp, ratelimit
from casebook.api.errors import problem_for
from casebook.api.problems import ApiProblem
from casebook.db import db
from casebook.errors import Conflict, RuleViolation
from casebook.extensions import csrf

log = logging.getLogger(__name__)


def _on_register(state: Any) -> None:
    ratelimit.init_app(state.app)
    csrf.exempt(bp)  # bearer tokens only, never cookies: cross-site requests carry no credentials
    web.authenticates_itself(state.app, bp.name)


bp.record_once(_on_register)
bp.before_request(auth.authenticate_request)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # personal data: no proxy or browser cache
    return response


@bp.errorhandler(ApiProblem)
def _problem(exc: ApiProblem) -> Response:
    response = web.problem_response(
        exc.code or 500, type=exc.type, detail=exc.detail, errors=exc.errors, headers=exc.extra_headers
    )
    if exc.members:
        response.set_data(json.dumps({**json.loads(response.get_data()), **exc.members}))
    return response


@bp.errorhandler(Conflict)
@bp.errorhandler(RuleViolation)
def _domain_error(exc: Conflict | RuleViolation) -> Response:
    """The product's errors, mapped once (``casebook.api.errors.problem_for``): whatever an endpoint
    did not map itself answers 409/412/422 instead of a 500. ``Refused`` is a 404 (HTTPException)."""
    return _problem(problem_for(exc, if_match=request.headers.get("If-Match") is not None))


@bp.errorhandler(StaleDataError)
def _stale(_exc: StaleDataError) -> Response:
    """A concurrent change won the race between the If-Match check and the write."""
    db.session.rollback()
    return web.problem_response(412, type="urn:casebook:problem:precondition-failed")


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return web.problem_response(exc.code or 500, headers=headers)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    if web.is_outage(exc):
        return web.outage_response(exc)  # the database or the rate-limit storage is away: 503, not 500
    log.exception("unhandled API error (request %s)", g.get("request_id"))
    db.session.rollback()
    return web.problem_response(500)
