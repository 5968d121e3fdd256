"""Errors the case services raise for refused changes; views turn them into 422 or 409."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casebook.errors import Conflict, RuleViolation


class CaseRuleError(RuleViolation):
    """A change the rules refuse. ``message`` is a (lazily) translated Dutch sentence for the
    user; ``field`` names the form field it belongs to, or None for the whole form."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ChangeSummary:
    """One change made to a case since a form was loaded: shown on the conflict page."""

    at: datetime
    actor: str | None
    organisation: str | None
    what: str
    old: str | None = None
    new: str | None = None


class StaleCase(Conflict):
    """The case changed after the form was loaded (optimistic locking): nothing was written."""

    def __init__(self, current_version: int, changes: list[ChangeSummary]) -> None:
        super().__init__(f"case changed; now at version {current_version}")
        self.current_version = current_version
        self.changes = changes


class CaseClosed(CaseRuleError):
    """A content or process change on a closed case: a rule about the object's state, so it names
    no field (409 in the API, the form re-rendered with the message on the screens). Only
    reopening (and the closure's own approval steps) change a closed case. Raised by
    ``lifecycle.require_open`` only."""

    about_state = True  # the API answers 409 whatever field an endpoint defaults to

    def __init__(self, message: Any) -> None:
        super().__init__(message, None)


class ClosureTooEarly(CaseRuleError):
    """A closing proposal while the case is in the first step of its type: about the case's state,
    not a field (409 in the API; the screens do not offer the proposal then)."""

    about_state = True

    def __init__(self, message: Any) -> None:
        super().__init__(message, None)


class ClosureUndecidable(CaseRuleError):
    """A closing proposal no supervisor could decide (none at the lead organisation nor anywhere in
    the configured fallback, ``CLOSURE_APPROVERS``): refused before it is made, about the case's
    state, not a field (409 in the API)."""

    about_state = True

    def __init__(self, message: Any) -> None:
        super().__init__(message, None)
