"""Optimistic locking over HTTP: ``ETag`` from a resource's ``version``; changes need ``If-Match``.

A client GETs a case (``ETag: "7"``), PATCHes it with ``If-Match: "7"``; if someone changed it in
between, the answer is 412 and nothing is written. Without ``If-Match`` the answer is 428, so a
client cannot overwrite blindly. The service also compares the version inside the transaction
(SQLAlchemy's ``version_id_col``), so a race between check and write still ends in 412.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import request
from werkzeug.http import parse_etags

from casebook.api.problems import ApiProblem

#: ``*`` or a comma-separated list of (weak or strong) quoted entity tags (RFC 9110 §8.8.3, §13.1.1)
ENTITY_TAGS = re.compile(r'^(\*|(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*)$')


def etag_for(version: int) -> str:
    """The strong ETag header value of a resource version, e.g. ``"7"``."""
    return f'"{int(version)}"'


@dataclass(frozen=True)
class IfMatch:
    """The parsed ``If-Match`` header of the current request."""

    tags: frozenset[str]
    star: bool

    def check(self, current_version: int) -> int:
        """Return the version when the header matches it; else 412.

        :raises ApiProblem: 412 precondition-failed.
        """
        if self.star or str(int(current_version)) in self.tags:
            return current_version
        raise ApiProblem(
            412,
            "precondition-failed",
            detail="Het object is intussen gewijzigd; haal het opnieuw op.",
            headers={"ETag": etag_for(current_version)},
        )


def if_match_from_request() -> IfMatch:
    """Parse ``If-Match``; weak tags never match (RFC 9110 §13.1.1 uses strong comparison).

    :raises ApiProblem: 428 precondition-required when the header is missing or empty.
    """
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        raise ApiProblem(428, "precondition-required")
    if not ENTITY_TAGS.match(raw):  # e.g. an unquoted version: a client's mistake, not a stale copy
        raise ApiProblem(
            400, "malformed-if-match", detail='If-Match moet "*" zijn of een ETag tussen aanhalingstekens, bijv. "7".'
        )
    etags = parse_etags(raw)
    return IfMatch(tags=frozenset(etags.as_set(include_weak=False)), star=etags.star_tag)
