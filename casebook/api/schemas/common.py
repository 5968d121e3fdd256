"""Shared API schema pieces: base classes, constrained types, pagination and the problem document."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casebook.confidentiality import Confidentiality

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


class PageQuery(QueryModel):
    page: int = Field(1, ge=1, le=100_000, description="1-based page number.")
    per_page: int = Field(25, ge=1, le=100, description="Items per page, at most 100.")


T = TypeVar("T")


class PageOf(ApiModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages.")
    page: int
    per_page: int
    next: str | None = Field(description="URL of the next page, or null on the last page.")


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
