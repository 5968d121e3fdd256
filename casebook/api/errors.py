"""Domain errors of the services as problem documents, so every endpoint answers a refusal alike.

The services raise the same errors for the screens and the API; the screens re-render a form,
the API answers:

- a rule that names a field (``CaseRuleError("…", "district")``) → 422 ``rule-violation`` with
  that field in ``errors`` (renamed to the API's member name);
- a rule about the object's state (closed case, closure pending, already decided) → 409 ``conflict``;
- ``StaleCase`` → 412 when the client sent ``If-Match`` (it asked for that version), else 409;
- ``HandoffConflict`` → 409 ``conflict``.
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
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.interventions.services import InterventionRefused
from casebook.journal.services import NoteRefused
from casebook.plans.services import PlanRefused

RULE_ERRORS = (CaseRuleError, HandoffError, InterventionRefused, PlanRefused, NoteRefused)


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


def stale_problem(exc: StaleCase, *, if_match: bool) -> ApiProblem:
    detail = "De casus is intussen gewijzigd; er is niets opgeslagen. Haal haar opnieuw op."
    if if_match:
        return ApiProblem(412, "precondition-failed", detail=detail, headers={"ETag": etag_for(exc.current_version)})
    return ApiProblem(409, "stale", detail=detail, headers={"ETag": etag_for(exc.current_version)})


@contextmanager
def refusals(
    *, fields: Mapping[str, str] = {}, default_field: str | None = None, if_match: bool = True
) -> Iterator[None]:
    """Turn the services' refusals raised inside the block into problem documents."""
    try:
        yield
    except StaleCase as exc:
        raise stale_problem(exc, if_match=if_match) from None
    except HandoffConflict as exc:
        raise ApiProblem(409, "conflict", detail=str(exc.message)) from None
    except RULE_ERRORS as exc:
        raise rule_problem(
            getattr(exc, "field", None), getattr(exc, "message", exc), fields=fields, default_field=default_field
        ) from None


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
