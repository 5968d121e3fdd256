"""Rules for destruction lists: who reads, approves and takes items off them.

A list spans every organisation's cases, so it is for the municipality's supervisors (the
supervisors of a partner see their own organisation only) and for the privacy officer. The two
approvals must come from two people, one in each role: that is a state check of the service
(``casebook.retention.services.approve``), not a question of who may try.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.auth.models import Role
from casebook.organisations.models import OrganisationKind


def retention_role(user: Any) -> Role | None:
    """The role in which ``user`` reviews destruction lists: privacy officer first, else a municipal supervisor."""
    if user.has_role(Role.PRIVACY_OFFICER):
        return Role.PRIVACY_OFFICER
    if user.has_role(Role.SUPERVISOR) and user.organisation.kind is OrganisationKind.MUNICIPALITY:
        return Role.SUPERVISOR
    return None


def approval_slot(user: Any, *, privacy_open: bool, supervisor_open: bool) -> Role | None:
    """The approval ``user`` can give on a list whose privacy officer's and supervisor's approvals
    are still open or not: the privacy officer's, or a municipal supervisor's, whichever is open."""
    if privacy_open and user.has_role(Role.PRIVACY_OFFICER):
        return Role.PRIVACY_OFFICER
    municipal = user.organisation is not None and user.organisation.kind is OrganisationKind.MUNICIPALITY
    if supervisor_open and municipal and user.has_role(Role.SUPERVISOR):
        return Role.SUPERVISOR
    return None


@rule(
    Action.VIEW_DESTRUCTION_LISTS,
    Action.DRAW_UP_DESTRUCTION_LIST,
    Action.APPROVE_DESTRUCTION_LIST,
    Action.WITHHOLD_DESTRUCTION_ITEM,
)
def destruction_list_rule(user: Any, action: Action, _obj: Any) -> bool:
    return roles_allow(user, action) and retention_role(user) is not None
