"""The product's errors, raised by services and mapped once by the screens and once by the API.

- ``Refused``: the policy said no, or the object is out of scope or does not exist. Always a
  404, so an answer never reveals that something out of scope exists (the denial is audited by
  whoever raises it through ``casebook.access``).
- ``Conflict``: the object's state forbids the change (already decided, closed, stale) — 409.
- ``RuleViolation``: input that breaks a domain rule, optionally naming the field — the form
  re-renders with the message, the API answers 422.
"""

from __future__ import annotations

from werkzeug.exceptions import NotFound


class Refused(NotFound):
    """Not allowed, out of scope or nonexistent: the caller cannot tell which (404)."""


class Conflict(Exception):
    """The object's current state does not allow the change (409); nothing was written."""


class RuleViolation(ValueError):
    """A domain rule refuses the input; ``field`` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
