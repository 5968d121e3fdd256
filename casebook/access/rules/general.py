"""Actions without an object of their own, decided on roles (searching, registering, managing).

Object types that get rules of their own (persons, signals, meetings, handoffs …) take their
actions out of this file into theirs.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.auth.models import User


@rule(
    Action.MANAGE_USERS,
    Action.MANAGE_REFERENCE_DATA,
    Action.MANAGE_AUTHORISATIONS,
)
def role_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and roles_allow(user, action)
