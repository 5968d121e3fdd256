"""The one policy: ``can(user, action, obj)``, ``require(...)`` and ``load_or_404(...)``.

``can`` looks the action up in the table of rules (``casebook.access.rules``: a rule per action,
in a file per object type) and asks it about ``obj`` — a case, a person, a handoff …, or
``None`` for actions without an object. An action without a rule is refused (closed by default),
and nobody who is not an authenticated, active user is ever allowed anything.

``require`` raises ``Refused`` (a 404); ``load_or_404`` fetches *and* authorises an object by id,
auditing the outcome, so no module writes its own "get, check, audit the denial, 404".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.orm.interfaces import ORMOption

from casebook import audit
from casebook.access import restriction
from casebook.access.actions import Action
from casebook.access.rules import RULES
from casebook.access.scope import is_live_user
from casebook.audit import Outcome
from casebook.db import db
from casebook.errors import Refused

AccessDenied = Refused  # the name the services have used so far

T = TypeVar("T")

MAX_ID = 2**31 - 1  # ids are INTEGER columns; anything else names nothing


def can(user: Any, action: Action | str, obj: Any = None, *, case_type: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``, or without an object when ``obj`` is None)?

    ``case_type=`` is kept for ``Action.OPEN_CASE``: the type is the object of opening a case.
    """
    if not is_live_user(user):
        return False
    try:
        action = Action(action)
    except ValueError:
        return False
    decide = RULES.get(action)
    if decide is None:
        return False
    if restriction.frozen(action, obj):  # visible but frozen (AVG art. 18), whatever the rule says
        return False
    return bool(decide(user, action, obj if case_type is None else case_type))


def refused_by_restriction(user: Any, action: Action | str, obj: Any) -> bool:
    """Is ``action`` refused only because ``obj`` is restricted (its own rule would allow it)?

    Then the refusal may say why (``ProcessingRestricted``, 409): the user sees the object anyway.
    """
    try:
        action = Action(action)
    except ValueError:
        return False
    decide = RULES.get(action)
    return (
        decide is not None
        and is_live_user(user)
        and restriction.frozen(action, obj)
        and bool(decide(user, action, obj))
    )


def require(user: Any, action: Action | str, obj: Any = None) -> None:
    """Raise ``Refused`` (a 404) unless ``can`` allows it. The caller audits the denial, or uses
    ``deny``/``load_or_404`` which do."""
    if not can(user, action, obj):
        if refused_by_restriction(user, action, obj):
            raise restriction.ProcessingRestricted()
        raise Refused()


def case_id_of(obj: Any) -> int | None:
    from casebook.cases.models import Case

    if isinstance(obj, Case):
        return obj.id
    return getattr(obj, "case_id", None)


def deny(user: Any, action: Action | str, obj: Any = None, *, requested_id: Any = None) -> Exception:
    """Audit a denied ``action`` (durable) and return the error to raise: the 404, or — for an object
    the user may see but that is restricted — ``ProcessingRestricted`` (409, saying why)."""
    details: dict[str, Any] = {"requested_id": str(requested_id)} if requested_id is not None else {}
    restricted = refused_by_restriction(user, action, obj)
    if restricted:
        details["restricted"] = True
    audit.record(user, str(action), obj, case_id=case_id_of(obj), outcome=Outcome.DENIED, details=details or None)
    return restriction.ProcessingRestricted() if restricted else Refused()


def require_audited(user: Any, action: Action | str, obj: Any = None) -> None:
    """``require``, auditing the denial: for services handed an object they did not load."""
    if not can(user, action, obj):
        raise deny(user, action, obj)


def load_or_404(
    user: Any,
    model: type[T],
    object_id: Any,
    action: Action | str,
    *,
    options: Sequence[ORMOption] = (),
    audit_read: bool = True,
) -> T:
    """Return the ``model`` row with ``object_id`` if ``user`` may do ``action`` on it.

    Nonexistent and not allowed look the same to the caller: both audit a denial and raise
    ``Refused``. ``audit_read=False`` when the operation that follows audits itself, once.

    :raises Refused: a ``NotFound``.
    """
    try:
        key = int(object_id)
    except (TypeError, ValueError):
        key = None
    obj = db.session.get(model, key, options=list(options)) if key is not None and 0 < key <= MAX_ID else None
    if obj is not None and refused_by_restriction(user, action, obj):
        raise deny(user, action, obj)
    if obj is None or not can(user, action, obj):
        audit.record(
            user,
            str(action),
            case_id=case_id_of(obj) if obj is not None else None,
            outcome=Outcome.DENIED,
            details={"requested_id": str(object_id)[:20], "object_type": getattr(model, "__tablename__", "?")},
        )
        raise Refused()
    if audit_read:
        audit.record(user, str(action), obj)
    return obj
