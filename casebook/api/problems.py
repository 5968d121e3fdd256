"""API errors as exceptions: raise ``ApiProblem`` anywhere in a request; the blueprint renders it.

Problem ``type`` URIs are stable URNs a partner system can switch on; ``about:blank`` means
"nothing beyond the HTTP status" (RFC 9457 §4.2.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE_BASE = "urn:casebook:problem:"

# slug → what it means; listed in the OpenAPI document and the README.
PROBLEM_TYPES = {
    "invalid-token": "The bearer token is missing, malformed, unknown, expired or revoked (401).",
    "read-only-token": "A read-only token tried to change something (403).",
    "forbidden": "The user's roles do not allow this action (403).",
    "malformed-json": "The body is not valid JSON (400).",
    "invalid-cursor": "`after` or `before` is not a cursor this list issued, or both were given (400).",
    "unsupported-media-type": "The body is not application/json (or multipart/form-data for uploads) (415).",
    "too-large": "The body or the uploaded file is larger than the limit (413).",
    "scanner-unavailable": "The virus scanner could not be reached; nothing was stored, try again later (503).",
    "validation-error": "The input does not match the schema; see errors (422).",
    "precondition-required": "A change needs If-Match with the ETag of the version being changed (428).",
    "malformed-if-match": "If-Match is not `*` or a list of quoted entity tags (400).",
    "precondition-failed": "The resource changed since that ETag was read (412).",
    "rate-limited": "Too many requests for this token; see Retry-After (429).",
    "rule-violation": "A rule of the screens refuses this input; see errors (422).",
    "conflict": "The object's current state does not allow this change, or someone else changed it first (409).",
    "stale": "The case changed meanwhile; nothing was written (409 without If-Match).",
    "duplicate-person": "Existing persons match this registration; see candidates (409).",
}


class ApiProblem(HTTPException):
    """An HTTP error with RFC 9457 members. ``slug`` must be a key of ``PROBLEM_TYPES`` (or None)."""

    def __init__(
        self,
        status: int,
        slug: str | None = None,
        *,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        members: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(description=detail)
        assert slug is None or slug in PROBLEM_TYPES, slug
        self.code = status
        self.type = PROBLEM_TYPE_BASE + slug if slug else "about:blank"
        self.detail = detail
        self.errors = errors
        self.extra_headers = dict(headers or {})
        self.members = dict(members or {})  # extension members, e.g. ``candidates``


def field_errors(exc: ValidationError, location: str) -> list[dict[str, Any]]:
    """Pydantic errors as ``{location, field, message, code}``; never echoes the input (personal data)."""
    return [
        {
            "location": location,
            "field": ".".join(str(part) for part in error["loc"]) or "(body)",
            "message": error["msg"],
            "code": error["type"],
        }
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def validation_problem(exc: ValidationError, location: str) -> ApiProblem:
    return ApiProblem(422, "validation-error", errors=field_errors(exc, location))
