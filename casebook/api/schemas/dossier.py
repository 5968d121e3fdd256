"""The dossier's summary and signaleringen in the case resource, and the input to set the flags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from casebook.api.schemas.common import ApiModel, Code, InputModel
from casebook.api.schemas.common import text as bounded
from casebook.cases.summary_flags import SUMMARY_MAX_LENGTH

SummaryText = bounded(SUMMARY_MAX_LENGTH, min_length=0)


class Flag(ApiModel):
    code: str = Field(description="Flag type code (reference data), e.g. `wapenbezit`.")
    label_nl: str
    label_en: str
    safety: bool = Field(description="A risk to whoever visits or meets the people in the case.")
    set_at: datetime

    @classmethod
    def of(cls, shown: dict[str, Any]) -> Flag:
        return cls(
            code=shown["code"],
            label_nl=shown["label_nl"],
            label_en=shown["label_en"],
            safety=shown["safety"],
            set_at=shown["set_at"],
        )


class FlagsIn(InputModel):
    """The case's flags after the change: codes not listed are ended (kept in the history)."""

    flags: list[Code] = Field(  # type: ignore[valid-type]
        max_length=50, description="Codes of active flag types; an unknown code is a 422 on `flags`."
    )


def dossier_fields(shown: dict[str, Any] | None) -> dict[str, Any]:
    """``CaseOut``'s dossier members from ``cases.summary_flags.summary_flags_for`` (None: not read)."""
    summary = (shown or {}).get("summary") or {}
    return {
        "flags": [Flag.of(f) for f in shown["flags"]] if shown else [],
        "problem_analysis": summary.get("problem_analysis"),
        "help_request": summary.get("help_request"),
    }
