"""Bodies for closing and reopening a case through the API (the screens' two steps, and reopening)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from casebook.api.schemas.common import Code, InputModel
from casebook.api.schemas.common import text as bounded


class ClosureProposalIn(InputModel):
    """Propose to close the case: a result of its type and a closing summary (coordinators of the lead)."""

    result: Code = Field(description="Result code of the case type (e.g. `goals_achieved`).")
    summary: bounded(10_000) = Field(description="The closing summary (stored encrypted).")  # type: ignore[valid-type]


class ClosureDecisionIn(InputModel):
    """Decide the pending proposal (a supervisor of the approving organisation, not the proposer)."""

    decision: Literal["approve", "send_back"]
    comment: bounded(2000, min_length=0) | None = Field(  # type: ignore[valid-type]
        None, description="Required when sending back."
    )


class ReopenIn(InputModel):
    """Reopen a closed case in a non-end status, with a reason."""

    to: Code = Field(description="Status code of the case type to continue in (not the end status).")
    reason: bounded(2000) = Field(description="Why the case is reopened.")  # type: ignore[valid-type]
