"""Rules for accounts: which users an admin may open, and the credentials (and saved filters) that are one's own.

An API token and a login session belong to one user; nobody else may see or end them — not even
an admin, who ends a user's sessions through user administration (audited there). The objects are
read by their attributes (``user_id``, ``ended_at``), so the policy needs no import of the API.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.auth.models import User


@rule(Action.VIEW_USER)
def view_user(user: User, action: Action, target: Any) -> bool:
    return isinstance(target, User) and roles_allow(user, Action.MANAGE_USERS)


@rule(Action.LOAD_OWN_TOKEN)
def own_token(user: User, action: Action, token: Any) -> bool:
    return token is not None and getattr(token, "user_id", None) == user.id


@rule(Action.MANAGE_OWN_CASE_FILTER)
def own_case_filter(user: User, action: Action, saved: Any) -> bool:
    """A saved case-list filter is its owner's alone (applied, deleted); nobody else sees it."""
    return saved is not None and getattr(saved, "user_id", None) == user.id


@rule(Action.END_OWN_SESSION)
def own_session(user: User, action: Action, row: Any) -> bool:
    return row is not None and getattr(row, "user_id", None) == user.id and getattr(row, "ended_at", 1) is None


@rule(Action.READ_OWN_NOTIFICATION)
def own_notification(user: User, action: Action, row: Any) -> bool:
    """A notification is its recipient's alone (it is read as ``recipient_id``: no import of the module)."""
    return row is not None and getattr(row, "recipient_id", None) == user.id
