"""Rules for the audit trail: which supervisors may read whose history.

Supervisors read the trail of their own organisation's users and cases; a supervisor of the
municipality reads every organisation's. The SQL twin is ``scope.audit_scope``.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import is_live_user
from casebook.auth.models import User
from casebook.organisations.models import OrganisationKind


def can_see_user_trail(supervisor: Any, user: User | None) -> bool:
    if user is None or not is_live_user(supervisor) or not roles_allow(supervisor, Action.VIEW_AUDIT):
        return False
    if supervisor.organisation.kind is OrganisationKind.MUNICIPALITY:
        return True
    return user.organisation_id == supervisor.organisation_id
