"""Bearer authentication of every API request, in the blueprint's ``before_request``.

Only ``Authorization: Bearer <token>`` authenticates: a session cookie never does, which is why
the API can be exempt from CSRF. The token's user is the principal; services receive it as
``user``/``by`` exactly as the screens pass ``current_user``.
"""

from __future__ import annotations

from flask import current_app, g, request

from casebook.api import ratelimit, tokens
from casebook.api.models import ApiToken
from casebook.api.problems import ApiProblem
from casebook.api.registry import SAFE_METHODS
from casebook.auth.models import User

MAX_BODY_BYTES = 1024 * 1024  # API bodies are small JSON documents


def _challenge(error: str | None) -> dict[str, str]:
    value = 'Bearer realm="casebook"'
    if error:
        value += f', error="{error}"'
    return {"WWW-Authenticate": value}


def _body_limit() -> int:
    """API bodies are small JSON documents; an upload (a multipart operation) may be as large as the
    application's limit (``MAX_CONTENT_LENGTH``, sized from ``CASEBOOK_DOCUMENT_MAX_MB``)."""
    from casebook.api import api

    if (request.endpoint or "").removeprefix("api.") in api.multipart_endpoints:
        return int(current_app.config.get("MAX_CONTENT_LENGTH") or MAX_BODY_BYTES)
    return MAX_BODY_BYTES


def authenticate_request() -> None:
    """Authenticate, rate-limit and audit the request; refuse writes with a read-only token.

    :raises ApiProblem: 401 (no or bad token), 429 (rate limit), 403 (read-only token on a write).
    """
    request.max_content_length = _body_limit()
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise ApiProblem(401, "invalid-token", headers=_challenge(None))
    try:
        token = tokens.authenticate(credentials)
    except tokens.InvalidToken:
        raise ApiProblem(
            401,
            "invalid-token",
            detail="Het token is ongeldig, verlopen of ingetrokken.",
            headers=_challenge("invalid_token"),
        ) from None
    g.api_token = token
    ratelimit.hit(token.lookup_id)
    endpoint = request.endpoint or ""
    if request.method not in SAFE_METHODS and token.read_only:
        tokens.deny_write(token, method=request.method, endpoint=endpoint)
        raise ApiProblem(403, "read-only-token", detail="Dit token mag alleen lezen.")
    tokens.record_use(token, method=request.method, endpoint=endpoint)


def api_token() -> ApiToken:
    return g.api_token


def api_user() -> User:
    """The user the request's token acts for (set by ``authenticate_request``)."""
    return g.api_token.user
