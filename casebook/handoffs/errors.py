"""Errors of the handoff services; views turn them into form errors (422) or a conflict (409)."""

from __future__ import annotations

from typing import Any

from casebook.errors import Conflict, RuleViolation


class HandoffError(RuleViolation):
    """A rule refuses the input. ``field`` names the form field; ``code`` goes into the audit event."""

    def __init__(self, message: Any, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class HandoffConflict(Conflict):
    """Someone else decided first (or the case changed): nothing was changed by this call."""

    def __init__(self, message: Any, *, status: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
