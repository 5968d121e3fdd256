"""The product's errors as problem documents, so every endpoint answers a refusal alike.

The services raise the same errors for the screens and the API (``casebook.errors``; every domain
error derives from one of them); the screens re-render a form, the API answers:

- ``RuleViolation`` that names a field (``CaseRuleError("…", "district")``) → 422 ``rule-violation``
  with that field in ``errors`` (renamed to the API's member name); one about the object's state
  (closed case, closure pending, already decided) → 409 ``conflict``;
- ``Conflict`` → 409 ``conflict``; one that knows the object's current version (``StaleCase``) →
  412 when the client sent ``If-Match`` (it asked for that version), else 409 ``stale``, with the ETag;
- ``Refused`` is a 404 like any other (``casebook.api.setup``).

``problem_for`` is the one mapping: ``casebook.api.setup`` applies it to whatever an endpoint lets
through, ``refusals()`` inside an endpoint that renames fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from casebook import audit
from casebook.access import AccessDenied, Action
from casebook.api.locking import etag_for
from casebook.api.problems import ApiProblem
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.errors import Conflict, RuleViolation

RULE_ERRORS = (RuleViolation,)  # kept for callers that catch "a rule refused"


def _message(exc: BaseException) -> str:
    return str(getattr(exc, "message", None) or exc)


def rule_problem(field: str | None, message: Any, *, fields: Mapping[str, str] = {}, default_field: str | None = None):
    """422 on ``field`` (renamed by ``fields``), or 409 when the rule concerns the object's state."""
    field = field or default_field
    if field is None:
        return ApiProblem(409, "conflict", detail=str(message))
    name = fields.get(field, field)
    return ApiProblem(
        422,
        "rule-violation",
        detail=str(message),
        errors=[{"location": "body", "field": name, "message": str(message), "code": "rule"}],
    )


def stale_problem(exc: Any, *, if_match: bool) -> ApiProblem:
    """A conflict with a newer version (``exc.current_version``): 412 after If-Match, else 409."""
    detail = "De casus is intussen gewijzigd; er is niets opgeslagen. Haal haar opnieuw op."
    if if_match:
        return ApiProblem(412, "precondition-failed", detail=detail, headers={"ETag": etag_for(exc.current_version)})
    return ApiProblem(409, "stale", detail=detail, headers={"ETag": etag_for(exc.current_version)})


def problem_for(
    exc: Conflict | RuleViolation,
    *,
    fields: Mapping[str, str] = {},
    default_field: str | None = None,
    if_match: bool = True,
) -> ApiProblem:
    """The problem document for one of the product's errors (see the module docstring)."""
    if isinstance(exc, Conflict):
        if getattr(exc, "current_version", None) is not None:
            return stale_problem(exc, if_match=if_match)
        return ApiProblem(409, "conflict", detail=_message(exc))
    if getattr(exc, "about_state", False):  # e.g. a closed case: never a field's fault
        return ApiProblem(409, "conflict", detail=_message(exc))
    return rule_problem(getattr(exc, "field", None), _message(exc), fields=fields, default_field=default_field)


@contextmanager
def refusals(
    *, fields: Mapping[str, str] = {}, default_field: str | None = None, if_match: bool = True
) -> Iterator[None]:
    """Turn the services' refusals raised inside the block into problem documents, renaming fields."""
    try:
        yield
    except (Conflict, RuleViolation) as exc:
        raise problem_for(exc, fields=fields, default_field=default_field, if_match=if_match) from None


def forbid_unless(user: User, action: Action, allowed: Callable[[], bool] | bool) -> None:
    """403 ``forbidden`` (audited) when the user's roles do not allow an action that needs no object.

    For objects the loaders answer 404 (out of scope looks like nonexistent); an action without an
    object leaks nothing, so the API says plainly that the role is missing.
    """
    if not (allowed() if callable(allowed) else allowed):
        audit.record(user, str(action), outcome=Outcome.DENIED, details={"via": "api"})
        raise ApiProblem(403, "forbidden", detail="Uw rollen staan deze handeling niet toe.")


@contextmanager
def forbidden_on_visible(user: User, action: Action, case: Any) -> Iterator[None]:
    """Inside the block, ``AccessDenied`` on a case the caller can already see becomes 403 (audited)."""
    try:
        yield
    except AccessDenied:
        audit.record(user, str(action), case, outcome=Outcome.DENIED, details={"via": "api"})
        raise ApiProblem(403, "forbidden", detail="Uw rollen staan deze handeling op deze casus niet toe.") from None


@contextmanager
def not_yours(decided: bool = False) -> Iterator[None]:
    """A decision on an object the caller can see but may not take (the service audited the denial):
    409 when the object is already decided (nobody may any more), else 403."""
    try:
        yield
    except AccessDenied:
        if decided:
            raise ApiProblem(409, "conflict", detail="Hierover is al besloten.") from None
        raise ApiProblem(403, "forbidden", detail="U mag hierover niet beslissen.") from None
