"""Access policy.

Scope rule (foundation): a user reaches a case only through an *active* participation of
their organisation, or of themselves as a named user. Admins never reach case content.
The same rule exists twice on purpose and is tested to agree: as a SQL clause for lists,
counts and searches (``case_scope``), and as a check on a loaded object (``can``).
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_
from werkzeug.exceptions import NotFound

from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant, Involvement


class Action(enum.StrEnum):
    LIST_CASES = "case.list"
    VIEW_CASE = "case.view"


class AccessDenied(NotFound):
    """Raised when a policy check fails; answers 404 so existence is not leaked."""


CASE_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR)

READ_ACTIONS = frozenset({Action.LIST_CASES, Action.VIEW_CASE})


def _participation(user: User) -> ColumnElement[bool]:
    return exists().where(
        CaseParticipant.case_id == Case.id,
        CaseParticipant.ended_at.is_(None),
        or_(CaseParticipant.organisation_id == user.organisation_id, CaseParticipant.user_id == user.id),
    )


def case_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases ``user`` may list."""
    if not user.has_role(*CASE_ROLES):
        return false()
    return and_(_participation(user))


def _active_involvements(user: User, case: Case) -> set[Involvement]:
    return {
        p.involvement
        for p in case.participants
        if p.ended_at is None and (p.organisation_id == user.organisation_id or p.user_id == user.id)
    }


def can(user: Any, action: Action, case: Case | None) -> bool:
    """May ``user`` do ``action`` on ``case``? Unknown users and missing cases: no."""
    if case is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.has_role(*CASE_ROLES):
        return False
    if action not in READ_ACTIONS:
        return False
    return bool(_active_involvements(user, case))


def require(user: Any, action: Action, case: Case | None) -> None:
    """Raise ``AccessDenied`` (a 404) unless ``can`` allows it. The caller audits."""
    if not can(user, action, case):
        raise AccessDenied()
