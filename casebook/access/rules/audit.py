"""Rules for the audit trail: which supervisors may read whose history, and which events in full.

Supervisors read the trail of their own organisation's users and cases; a supervisor of the
municipality reads every organisation's. The SQL twin is ``scope.audit_scope``.

An event about a case the reader's authorisations do not cover (its type, or its confidentiality
above their maximum) stays in their trail — who did something, when — but *masked*: no case
reference, object id, reason or details (``Action.VIEW_AUDIT_EVENT``). Its SQL twin is
``scope.case_visibility`` on the event's case; a filter on a case reference matches only such
visible cases, so a shielded reference gets the answer of one that does not exist.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import CASE_ROLES, authorisations_for, is_live_user
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.organisations.models import OrganisationKind


def can_see_user_trail(supervisor: Any, user: User | None) -> bool:
    if user is None or not is_live_user(supervisor) or not roles_allow(supervisor, Action.VIEW_AUDIT):
        return False
    if supervisor.organisation.kind is OrganisationKind.MUNICIPALITY:
        return True
    return user.organisation_id == supervisor.organisation_id


def _case_covered(user: Any, case: Case) -> bool:
    """The twin of ``scope.case_visibility``: an authorisation of ``user`` covers the case's type
    and confidentiality (whatever its actions)."""
    if not user.has_role(*CASE_ROLES):
        return False
    return any(a.max_confidentiality >= case.confidentiality for a in authorisations_for(user, case.case_type_id))


def _in_trail_scope(user: Any, event: Any, case: Case | None) -> bool:
    """The twin of ``scope.audit_scope`` for one event."""
    if user.organisation.kind is OrganisationKind.MUNICIPALITY:
        return True
    if event.actor_organisation == user.organisation.slug:
        return True
    return case is not None and any(p.organisation_id == user.organisation_id for p in case.participants)


@rule(Action.VIEW_AUDIT_EVENT)
def audit_event_rule(user: Any, action: Action, event: Any) -> bool:
    """May ``user`` read this audit event in full? Only a supervisor, only an event of their trail,
    and only when the event names no case or a case their authorisations cover."""
    if event is None or not roles_allow(user, Action.VIEW_AUDIT):
        return False
    case = db.session.get(Case, event.case_id) if getattr(event, "case_id", None) is not None else None
    if getattr(event, "case_id", None) is not None and case is None:
        return False  # a case that no longer exists: nothing left to show of it
    if not _in_trail_scope(user, event, case):
        return False
    return case is None or _case_covered(user, case)
