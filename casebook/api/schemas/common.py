"""Shared API schema pieces: base classes, constrained types, keyset pagination and the problem document."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casebook.confidentiality import Confidentiality
from casebook.pagination import TOTAL_CAP, PageRequest

MAX_ID = 2**31 - 1  # ids are INTEGER columns (PostgreSQL int4): larger ids cannot exist and would overflow

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Codes and slugs of reference data (case types, statuses, districts, organisations).
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
# A code as a query filter: empty (``?type=``) means "no filter", as on the screens.
CodeFilter = Annotated[str, StringConstraints(pattern=r"^([a-z0-9][a-z0-9_.-]{0,63})?$")]
# No control characters (a NUL byte is refused by PostgreSQL); newlines and tabs are fine.
_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def text(max_length: int, min_length: int = 1) -> Any:
    """A free-text input type: trimmed, bounded, no control characters."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=_TEXT_PATTERN),
    ]


ConfidentialityCode = Literal[tuple(c.code for c in Confidentiality)]  # type: ignore[valid-type]


class ApiModel(BaseModel):
    """Responses: plain, documented, no surprises."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class InputModel(BaseModel):
    """JSON bodies: strict (no "1" for 1, no 1.0 for an id) and unknown members refused, so typos fail loudly."""

    model_config = ConfigDict(extra="forbid", strict=True)


class QueryModel(BaseModel):
    """Query strings: values arrive as text, so lax parsing. The registry drops empty values first
    (``?type=`` means "no filter", as on the screens)."""

    model_config = ConfigDict(extra="forbid")


CURSOR_DESCRIPTION = (
    "An opaque cursor from a list's `next` (for `after`) or `prev` (for `before`) link; do not build or edit one. "
    "A cursor this list did not issue is a 400 `invalid-cursor`."
)


class PageQuery(QueryModel):
    """Keyset paging: follow `next` (and `prev`); there are no page numbers (`page` was replaced by `after`)."""

    per_page: int = Field(25, ge=1, le=100, description="Items per page, at most 100.")
    after: str | None = Field(None, description="The page after this cursor. " + CURSOR_DESCRIPTION)
    before: str | None = Field(None, description="The page before this cursor. " + CURSOR_DESCRIPTION)
    total: Literal["capped", "exact"] = Field(
        "capped",
        description=f"`capped` (default): count at most {TOTAL_CAP:,} items; `exact`: count all of them (slower).",
    )

    def page_request(self) -> PageRequest:
        return PageRequest(
            per_page=self.per_page, after=self.after, before=self.before, exact_total=self.total == "exact"
        )


T = TypeVar("T")


class PageOf(ApiModel, Generic[T]):
    """One page of a list, in the list's fixed order; follow `next` until it is null."""

    items: list[T]
    total: int = Field(
        description=(
            f"Items matching the filters over all pages: exact when `total_is_exact`, else {TOTAL_CAP:,}, "
            f"meaning more than {TOTAL_CAP:,} (ask `total=exact` to count them all)."
        )
    )
    total_is_exact: bool = Field(description=f"False when `total` is the cap: the list holds more than {TOTAL_CAP:,}.")
    per_page: int
    next: str | None = Field(
        description="URL of the next page (the same query with `after`), or null on the last page."
    )
    prev: str | None = Field(
        description="URL of the previous page (the same query with `before`), or null on the first page."
    )


class FieldError(ApiModel):
    location: Literal["body", "query", "path", "header"]
    field: str = Field(description="Dotted path of the offending member, e.g. `subjects.0.role`.")
    message: str
    code: str = Field(description="Machine-readable error kind, e.g. `missing`, `string_pattern_mismatch`.")


class Problem(ApiModel):
    """An RFC 9457 problem document (``application/problem+json``)."""

    type: str = Field(description="`about:blank` or a `urn:casebook:problem:…` URN.")
    title: str
    status: int
    detail: str
    request_id: str = Field(description="Quote this to support; it joins the audit trail.")
    errors: list[FieldError] | None = Field(None, description="Per-field errors (422 only).")
    candidates: list[int] | None = Field(
        None, description="`duplicate-person` only: ids of existing persons to send as `use_existing`."
    )
