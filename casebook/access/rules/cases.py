"""Rules for cases: role × relation to the case × authorisation for its type and confidentiality.

A decision on a case needs three things at once:

1. **A role** that works on cases (caseworker, coordinator, supervisor). Admins manage users and
   reference data and never reach case content.
2. **Scope**: an *active* participation of the user's organisation (a participation row without a
   named user), or of the user as a named user, or an active break-the-glass grant (read only,
   caseworkers and coordinators, non-restricted types up to ``vertrouwelijk``). Observers read,
   never write.
3. **An authorisation** (ZGW style, data in ``casebook.access.models``) for the case's type that
   holds the action and whose maximum confidentiality is at least the case's. A case above every
   maximum of the user for its type does not exist for them.

Without a case (``obj=None``) an action is decided on roles alone; opening a case is decided on
its type (``obj`` a ``CaseType``). The SQL twin of these rules is ``scope.case_scope``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select

from casebook.access.actions import Action
from casebook.access.models import Authorisation
from casebook.access.rules import rule
from casebook.access.rules.closure import decides_closure, sees_as_approver
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import (
    BREAK_GLASS_ACTIONS,
    CASE_ROLES,
    CONTENT_ACTIONS,
    PROCESS_ACTIONS,
    WORK_ROLES,
    WRITING_INVOLVEMENTS,
    active_involvements,
    break_glass_active,
    is_authorised,
)
from casebook.auth.models import Role, User, UserRole
from casebook.cases.models import Case, CaseType, RestrictedTypeReceiverKind
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.organisations.models import Organisation, OrganisationKind

OrgT = TypeVar("OrgT")  # an organisation, or one as a screen keeps it (with its ``id`` and ``kind``)

# The roles that may do an action on a case at all (the relation to the case and the
# authorisations then decide). Also the answer for ``can(user, action)`` without a case: "could
# this user do it on some case?" — My work asks that before it lists anything.
ROLES_ON_A_CASE: dict[Action, tuple[Role, ...]] = {
    Action.LIST_CASES: CASE_ROLES,
    Action.VIEW_CASE: CASE_ROLES,
    Action.READ_NOTES: WORK_ROLES,  # supervisors see metadata, never note bodies or content
    Action.READ_CASE_CONTENT: WORK_ROLES,
    **dict.fromkeys(CONTENT_ACTIONS, WORK_ROLES),
    Action.DRAFT_HANDOFF: WORK_ROLES,
    **dict.fromkeys(PROCESS_ACTIONS, (Role.COORDINATOR,)),
    Action.APPROVE_CLOSURE: (Role.SUPERVISOR,),
}


def _relation_allows(user: User, action: Action, case: Case) -> bool:
    """Role × relation, before authorisations."""
    involvements = active_involvements(user, case)
    if action is Action.APPROVE_CLOSURE:  # the deciding organisation (``rules.closure``), not only the lead
        return decides_closure(user, case) and (bool(involvements) or sees_as_approver(user, case))
    if not involvements:
        if action in (Action.LIST_CASES, Action.VIEW_CASE) and sees_as_approver(user, case):
            return True
        return action in BREAK_GLASS_ACTIONS and break_glass_active(user, case) is not None
    if not user.has_role(*ROLES_ON_A_CASE.get(action, ())):
        return False
    if action in (Action.LIST_CASES, Action.VIEW_CASE, Action.READ_NOTES, Action.READ_CASE_CONTENT):
        return True
    if action in CONTENT_ACTIONS:
        return bool(involvements & WRITING_INVOLVEMENTS)
    leads = user.organisation_id == case.lead_organisation_id
    return leads and (action is Action.DRAFT_HANDOFF or action in PROCESS_ACTIONS)


def takes_part(user: User, case: Case) -> bool:
    """An active participation of the user's organisation (or of the user by name): what every
    change of a case needs besides the action's own rule. Break-the-glass gives none."""
    return bool(active_involvements(user, case))


def can_audit_case(user: User, case: Case) -> bool:
    """Supervisors read the trail of their organisation's cases (any participation, also ended);
    a supervisor of the municipality reads every organisation's. Only of cases they may see.
    """
    if not user.has_role(Role.SUPERVISOR):
        return False
    is_municipality = user.organisation.kind is OrganisationKind.MUNICIPALITY
    if not is_municipality and not any(p.organisation_id == user.organisation_id for p in case.participants):
        return False
    return is_authorised(user, Action.VIEW_AUDIT, case.case_type_id, case.confidentiality)


def can_open(user: User, case_type: CaseType, confidentiality: Confidentiality | None = None) -> bool:
    """A coordinator role and an authorisation for the type with ``case.create`` that covers the
    case's confidentiality (the type's default unless a higher one is asked): they must see what
    they open.
    """
    if not roles_allow(user, Action.OPEN_CASE):
        return False
    level = max(confidentiality or case_type.default_confidentiality, case_type.default_confidentiality)
    return is_authorised(user, Action.OPEN_CASE, case_type.id, level)


@rule(
    Action.LIST_CASES,
    Action.VIEW_CASE,
    Action.READ_NOTES,
    Action.READ_CASE_CONTENT,
    Action.UPDATE_CASE,
    Action.ADD_NOTE,
    Action.ADD_INTERVENTION,
    Action.EDIT_PLAN,
    Action.TRANSITION_CASE,
    Action.PROPOSE_CLOSURE,
    Action.REOPEN_CASE,
    Action.MANAGE_PARTICIPANTS,
    Action.SEND_HANDOFF,
    Action.DRAFT_HANDOFF,
    Action.APPROVE_CLOSURE,
    Action.VIEW_AUDIT,
    Action.BREAK_GLASS,
    Action.REVIEW_BREAK_GLASS,
)
def case_rule(user: User, action: Action, case: Any) -> bool:
    if case is None:
        return roles_allow(user, action) or user.has_role(*ROLES_ON_A_CASE.get(action, ()))
    if not isinstance(case, Case):
        return False
    if action is Action.VIEW_AUDIT:
        return can_audit_case(user, case)
    if not user.has_role(*CASE_ROLES) or not _relation_allows(user, action, case):
        return False
    return is_authorised(user, action, case.case_type_id, case.confidentiality)


@rule(Action.OPEN_CASE)
def open_case_rule(user: User, action: Action, opening: Any) -> bool:
    """``opening``: a ``CaseType``, or what is about to be opened (anything with ``case_type`` and
    ``confidentiality``, e.g. ``cases.services.NewCase``); None decides on roles alone."""
    if opening is None:
        return roles_allow(user, action)
    if isinstance(opening, CaseType):
        return can_open(user, opening)
    case_type = getattr(opening, "case_type", None)
    return isinstance(case_type, CaseType) and can_open(user, case_type, getattr(opening, "confidentiality", None))


# --- who may take part in a case (participants, handoff receivers, the lead at the weegtafel) -------
#
# One question, asked by every path that lets an organisation or a user into a case: adding a
# participant, the receivers of a handoff, the lead and procesregisseur chosen at the weegtafel,
# a change of confidentiality. The choices the screens offer come from the same functions.


def organisations_authorised_for(case_type_id: int, confidentiality: Confidentiality) -> set[int]:
    """Organisations with an active user (with a case role) authorised for the type at the level."""
    grants = (
        select(Authorisation)
        .where(
            Authorisation.case_type_id == case_type_id,
            Authorisation.revoked_at.is_(None),
            Authorisation.max_confidentiality >= confidentiality,
        )
        .subquery()
    )
    authorised_users = (
        select(User.organisation_id)
        .join(UserRole, UserRole.user_id == User.id)
        .join(
            grants,
            or_(
                grants.c.user_id == User.id,
                and_(
                    grants.c.user_id.is_(None),
                    grants.c.role == UserRole.role,
                    or_(grants.c.organisation_id.is_(None), grants.c.organisation_id == User.organisation_id),
                ),
            ),
        )
        .where(User.active, UserRole.role.in_(CASE_ROLES))
    )
    return set(db.session.scalars(authorised_users))


def organisations_allowed_in(
    case_type: CaseType, confidentiality: Confidentiality, active: Sequence[OrgT] | None = None
) -> list[Organisation] | list[OrgT]:
    """Active organisations that may take part in a case of this type at this confidentiality.

    Unrestricted types: every active organisation. Restricted types: only organisations with an
    active user authorised for the type at that level, and — when the type lists organisation
    kinds (``RestrictedTypeReceiverKind``) — only of those kinds.

    ``active``: the active organisations by name, when a screen already has them to offer as
    choices (kept per process, ``casebook.reference``); a decision (``may_take_part``) reads them.
    """
    organisations = (
        list(active)
        if active is not None
        else list(db.session.scalars(select(Organisation).where(Organisation.active).order_by(Organisation.name)))
    )
    if not case_type.restricted:
        return organisations
    authorised = organisations_authorised_for(case_type.id, confidentiality)
    kinds = set(
        db.session.scalars(
            select(RestrictedTypeReceiverKind.organisation_kind).where(
                RestrictedTypeReceiverKind.case_type_id == case_type.id
            )
        )
    )
    return [o for o in organisations if o.id in authorised and (not kinds or o.kind in kinds)]


def may_take_part(organisation: Organisation | None, case_type: CaseType, confidentiality: Confidentiality) -> bool:
    """May ``organisation`` take part in (participate in, receive, lead) a case of this kind?"""
    return organisation is not None and any(
        o.id == organisation.id for o in organisations_allowed_in(case_type, confidentiality)
    )


def may_take_part_in(organisation: Organisation | None, case: Case) -> bool:
    """``may_take_part`` for an existing case."""
    return may_take_part(organisation, case.case_type, case.confidentiality)


def could_see(user: User, case_type_id: int, confidentiality: Confidentiality) -> bool:
    """Would ``user`` see a case of this kind once their organisation or they take part in it?

    A named participant must pass ``VIEW_CASE`` on the case: an active user with a case role and
    an authorisation for the type at that level (the relation is what being added gives).
    """
    return (
        bool(user.active)
        and user.has_role(*CASE_ROLES)
        and is_authorised(user, Action.VIEW_CASE, case_type_id, confidentiality)
    )


# --- who can direct the process (procesregisseur) ---------------------------------------------------

PROCESS_COORDINATOR_ROLES = (Role.COORDINATOR,)


def may_coordinate_process(user: User) -> bool:
    """Has ``user`` the role to be named procesregisseur at all (the case then decides, below)?"""
    return bool(user.active) and user.has_role(*PROCESS_COORDINATOR_ROLES)


def process_coordinator_clause(role_column: Any) -> ColumnElement[bool]:
    """SQL twin of ``may_coordinate_process`` on a ``user_role.role`` column."""
    return role_column.in_(PROCESS_COORDINATOR_ROLES)


def may_direct(user: User, lead_organisation_id: int, case_type_id: int, confidentiality: Confidentiality) -> bool:
    """May ``user`` be named procesregisseur of a case led by that organisation, of this kind?

    The same as ``TRANSITION_CASE`` on such a case: a coordinator of the lead, authorised for the
    type at that level to see it and to direct it. Used where the case does not exist yet (the
    weegtafel); on an existing case ask ``can(user, Action.TRANSITION_CASE, case)``.
    """
    return (
        may_coordinate_process(user)
        and user.organisation_id == lead_organisation_id
        and could_see(user, case_type_id, confidentiality)
        and is_authorised(user, Action.TRANSITION_CASE, case_type_id, confidentiality)
    )
