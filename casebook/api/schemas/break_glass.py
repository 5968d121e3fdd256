"""Break-the-glass resources: the search (by reference or by person) and a grant."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from casebook.api.schemas.common import ApiModel, InputModel
from casebook.api.schemas.common import text as bounded


class GlassSearchIn(InputModel):
    """Give a case reference, or a BSN, or a family name and a birth date (posted: no BSN in a URL)."""

    reference: bounded(20, min_length=0) | None = Field(None, description="The exact case reference.")  # type: ignore[valid-type]
    bsn: bounded(20, min_length=0) | None = Field(None, description="A valid BSN (elfproef).")  # type: ignore[valid-type]
    family_name: bounded(200, min_length=0) | None = Field(None, description="With birth_date.")  # type: ignore[valid-type]
    birth_date: date | None = Field(None, description="ISO date, with family_name.")


class GlassCase(ApiModel):
    id: int
    reference: str
    case_type: str = Field(description="Case type code.")
    in_scope: bool = Field(description="True: the caller already sees it, no glass needed.")


class GlassSearchOut(ApiModel):
    cases: list[GlassCase] = Field(
        description="Cases the glass may be broken for, or that the caller already sees; empty: nothing found."
    )


class GlassIn(InputModel):
    reference: bounded(20) = Field(description="The case reference from the search.")  # type: ignore[valid-type]
    reason: bounded(1000) = Field(description="Why access is needed now; at least 20 characters.")  # type: ignore[valid-type]


class GlassGrantOut(ApiModel):
    id: int
    case: int
    reference: str
    started_at: datetime
    expires_at: datetime
