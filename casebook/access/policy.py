"""Access policy: the one place that decides "may user U do action A on object O".

Scope rule: a user reaches a case only through an *active* participation of their
organisation, or of themselves as a named user. Observers read, never write. Admins never
reach case content. Actions that need no case (searching persons, registering a signal,
reading the audit log, managing users) are decided on roles alone (``case=None``).

The scope exists twice on purpose and is tested to agree: as a SQL clause for lists, counts
and searches (``case_scope``) and as a check on a loaded object (``can``).
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, exists, false, or_
from werkzeug.exceptions import NotFound

from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant, Involvement


class Action(enum.StrEnum):
    # reads of a case
    LIST_CASES = "case.list"
    VIEW_CASE = "case.view"
    READ_NOTES = "note.list"
    # changes of a case's content
    UPDATE_CASE = "case.update"
    ADD_NOTE = "note.add"
    ADD_INTERVENTION = "intervention.add"
    EDIT_PLAN = "plan.edit"
    # process (procesregie): coordinators of the lead organisation
    TRANSITION_CASE = "case.transition"
    PROPOSE_CLOSURE = "case.close.propose"
    REOPEN_CASE = "case.reopen"
    MANAGE_PARTICIPANTS = "case.participants"
    SEND_HANDOFF = "handoff.send"
    DRAFT_HANDOFF = "handoff.draft"  # a caseworker or coordinator of the lead drafts; a coordinator sends
    # supervision
    APPROVE_CLOSURE = "case.close.approve"
    VIEW_AUDIT = "audit.view"
    # actions without a case
    OPEN_CASE = "case.create"
    SEARCH_PERSONS = "person.search"
    REGISTER_SIGNAL = "signal.create"
    TRIAGE_SIGNALS = "signal.triage"
    MANAGE_MEETINGS = "meeting.manage"
    MANAGE_USERS = "user.manage"
    MANAGE_REFERENCE_DATA = "reference.manage"
    # handoffs addressed to an organisation: role here, the receiving organisation in casebook.handoffs
    DECIDE_HANDOFF = "handoff.decide"
    REQUEST_TRANSFER = "handoff.request"


class AccessDenied(NotFound):
    """Raised when a policy check fails; answers 404 so existence is not leaked."""


CASE_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR)
WORK_ROLES = (Role.CASEWORKER, Role.COORDINATOR)

READ_ACTIONS = frozenset({Action.LIST_CASES, Action.VIEW_CASE, Action.READ_NOTES})
CONTENT_ACTIONS = frozenset({Action.UPDATE_CASE, Action.ADD_NOTE, Action.ADD_INTERVENTION, Action.EDIT_PLAN})
PROCESS_ACTIONS = frozenset(
    {
        Action.TRANSITION_CASE,
        Action.PROPOSE_CLOSURE,
        Action.REOPEN_CASE,
        Action.MANAGE_PARTICIPANTS,
        Action.SEND_HANDOFF,
    }
)
WRITING_INVOLVEMENTS = frozenset({Involvement.LEAD, Involvement.CONTRIBUTOR})

GLOBAL_ACTION_ROLES: dict[Action, tuple[Role, ...]] = {
    Action.OPEN_CASE: (Role.COORDINATOR,),
    Action.SEARCH_PERSONS: WORK_ROLES,
    Action.REGISTER_SIGNAL: WORK_ROLES,
    Action.TRIAGE_SIGNALS: (Role.COORDINATOR,),
    Action.MANAGE_MEETINGS: (Role.COORDINATOR,),
    Action.VIEW_AUDIT: (Role.SUPERVISOR,),
    Action.MANAGE_USERS: (Role.ADMIN,),
    Action.MANAGE_REFERENCE_DATA: (Role.ADMIN,),
    Action.LIST_CASES: CASE_ROLES,
    Action.DECIDE_HANDOFF: (Role.COORDINATOR,),
    Action.REQUEST_TRANSFER: (Role.COORDINATOR,),
}


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
    return _participation(user)


def _active_involvements(user: User, case: Case) -> set[Involvement]:
    return {
        p.involvement
        for p in case.participants
        if p.ended_at is None and (p.organisation_id == user.organisation_id or p.user_id == user.id)
    }


def _can_on_case(user: User, action: Action, case: Case) -> bool:
    involvements = _active_involvements(user, case)
    if not involvements or not user.has_role(*CASE_ROLES):
        return False
    if action in (Action.LIST_CASES, Action.VIEW_CASE):
        return True
    if action is Action.READ_NOTES:
        return user.has_role(*WORK_ROLES)  # supervisors see metadata, never note bodies
    if action in CONTENT_ACTIONS:
        return user.has_role(*WORK_ROLES) and bool(involvements & WRITING_INVOLVEMENTS)
    leads = user.organisation_id == case.lead_organisation_id
    if action is Action.DRAFT_HANDOFF:
        return leads and user.has_role(*WORK_ROLES)
    if action in PROCESS_ACTIONS:
        return leads and user.has_role(Role.COORDINATOR)
    if action is Action.APPROVE_CLOSURE:
        return leads and user.has_role(Role.SUPERVISOR)
    return False


def can(user: Any, action: Action, case: Case | None = None) -> bool:
    """May ``user`` do ``action`` (on ``case``, or globally when ``case`` is None)?"""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if case is None:
        roles = GLOBAL_ACTION_ROLES.get(action)
        return bool(roles) and user.has_role(*roles)
    return _can_on_case(user, action, case)


def require(user: Any, action: Action, case: Case | None = None) -> None:
    """Raise ``AccessDenied`` (a 404) unless ``can`` allows it. The caller audits."""
    if not can(user, action, case):
        raise AccessDenied()
