"""Access policy: the one place that decides "may user U do action A on object O".

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

Actions without a case (searching persons, reading the audit log, managing users) are decided on
roles alone (``case=None``); opening a case also needs an authorisation for the type
(``can_open``).

The scope exists twice on purpose and is tested to agree: as a SQL clause for lists, counts and
searches (``case_scope``) and as a check on a loaded object (``can``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, event, false, or_, select, true
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from casebook.access.models import Authorisation, BreakGlassAccess
from casebook.audit.models import AuditEvent
from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant, CaseType, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind


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
    REVIEW_BREAK_GLASS = "break_glass.review"
    # break-the-glass: read-only access to an out-of-scope case, with a stated reason
    BREAK_GLASS = "case.break_glass"
    # actions without a case
    OPEN_CASE = "case.create"
    SEARCH_PERSONS = "person.search"
    REVEAL_BSN = "person.bsn.reveal"
    REGISTER_SIGNAL = "signal.create"
    TRIAGE_SIGNALS = "signal.triage"
    MANAGE_MEETINGS = "meeting.manage"
    MANAGE_USERS = "user.manage"
    MANAGE_REFERENCE_DATA = "reference.manage"
    MANAGE_AUTHORISATIONS = "authorisation.manage"
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

# Actions an authorisation can hold (per case type). The others are checked as their stand-in:
# listing is seeing, and reading a case's audit trail needs the case to be visible.
AUTHORISABLE_ACTIONS = (
    READ_ACTIONS - {Action.LIST_CASES} | CONTENT_ACTIONS | PROCESS_ACTIONS | {Action.APPROVE_CLOSURE, Action.OPEN_CASE}
)
AUTHORISED_AS = {
    Action.LIST_CASES: Action.VIEW_CASE,
    Action.VIEW_AUDIT: Action.VIEW_CASE,
    Action.DRAFT_HANDOFF: Action.UPDATE_CASE,  # a draft changes nothing until a coordinator sends it
}

# Break-the-glass: read only, never restricted types, never above this level.
BREAK_GLASS_ACTIONS = frozenset({Action.LIST_CASES, Action.VIEW_CASE, Action.READ_NOTES})
BREAK_GLASS_MAX_CONFIDENTIALITY = Confidentiality.VERTROUWELIJK

GLOBAL_ACTION_ROLES: dict[Action, tuple[Role, ...]] = {
    Action.OPEN_CASE: (Role.COORDINATOR,),
    Action.SEARCH_PERSONS: WORK_ROLES,
    Action.REVEAL_BSN: WORK_ROLES,  # on a person the user may see (people.services.load_person_for)
    Action.REGISTER_SIGNAL: WORK_ROLES,
    Action.TRIAGE_SIGNALS: (Role.COORDINATOR,),
    Action.MANAGE_MEETINGS: (Role.COORDINATOR,),
    Action.VIEW_AUDIT: (Role.SUPERVISOR,),
    Action.REVIEW_BREAK_GLASS: (Role.SUPERVISOR,),
    Action.BREAK_GLASS: WORK_ROLES,
    Action.MANAGE_USERS: (Role.ADMIN,),
    Action.MANAGE_REFERENCE_DATA: (Role.ADMIN,),
    Action.MANAGE_AUTHORISATIONS: (Role.ADMIN, Role.SUPERVISOR),
    Action.LIST_CASES: CASE_ROLES,
    Action.DECIDE_HANDOFF: (Role.COORDINATOR,),
    Action.REQUEST_TRANSFER: (Role.COORDINATOR,),
}


def _is_live_user(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def _correlated_exists(column: Any, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS correlated to ``case`` only, so callers may join any other table into their query."""
    return select(column).where(*conditions).correlate(Case).exists()


# --- authorisations -------------------------------------------------------------------------


def authorisation_applies_to(user: User) -> ColumnElement[bool]:
    """Active authorisations of ``user``: their own, their (organisation, role)s and role-wide ones."""
    roles = sorted(user.roles)
    return and_(
        Authorisation.revoked_at.is_(None),
        or_(
            Authorisation.user_id == user.id,
            and_(
                Authorisation.role.in_(roles),
                or_(Authorisation.organisation_id.is_(None), Authorisation.organisation_id == user.organisation_id),
            ),
        ),
    )


def case_visibility(user: User) -> ColumnElement[bool]:
    """The cases whose type and confidentiality an authorisation of ``user`` covers (no scope)."""
    if not user.has_role(*CASE_ROLES):
        return false()
    return _correlated_exists(
        Authorisation.id,
        Authorisation.case_type_id == Case.case_type_id,
        Authorisation.max_confidentiality >= Case.confidentiality,
        authorisation_applies_to(user),
    )


AUTHORISATION_CACHE = "casebook_authorisations"


def authorisations_for(user: User, case_type_id: int) -> list[Authorisation]:
    return list(
        db.session.scalars(
            select(Authorisation).where(Authorisation.case_type_id == case_type_id, authorisation_applies_to(user))
        )
    )


def _grants(user: User, case_type_id: int) -> list[tuple[Confidentiality, frozenset[str]]]:
    """(max confidentiality, actions) of the user's authorisations for a type, read once per session.

    A page asks ``can()`` many times for the same case type; the answer cannot change within the
    request unless an authorisation is written, which empties the cache (below). Plain values,
    never ORM objects, so nothing cached can leak into another session.
    """
    cache = db.session().info.setdefault(AUTHORISATION_CACHE, {})
    key = (user.id, tuple(sorted(user.roles)), user.organisation_id, case_type_id)
    if key not in cache:
        cache[key] = [(a.max_confidentiality, a.action_set) for a in authorisations_for(user, case_type_id)]
    return cache[key]


@event.listens_for(Session, "after_flush")
def _forget_authorisations(session: Session, _flush_context: Any) -> None:
    """Granting or revoking takes effect at once, also within the request that did it."""
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Authorisation) for obj in touched):
        session.info.pop(AUTHORISATION_CACHE, None)


def authorisations_of(user: User) -> list[Authorisation]:
    """Every active authorisation that applies to ``user`` (none for users without a case role)."""
    if not user.has_role(*CASE_ROLES):
        return []
    query = (
        select(Authorisation)
        .where(authorisation_applies_to(user))
        .order_by(Authorisation.case_type_id, Authorisation.id)
    )
    return list(db.session.scalars(query))


def describe_authorisations(user: User) -> list[str]:
    """Short, non-personal lines for reviews: ``youth: case.view, note.add … ≤ zaakvertrouwelijk``."""
    return [
        f"{grant.case_type.code}: {', '.join(sorted(grant.action_set))} ≤ {grant.max_confidentiality.code}"
        for grant in authorisations_of(user)
    ]


def is_authorised(user: User, action: Action, case_type_id: int, level: Confidentiality) -> bool:
    needed = AUTHORISED_AS.get(action, action)
    return any(needed in actions for maximum, actions in _grants(user, case_type_id) if maximum >= level)


def can_open(user: Any, case_type: CaseType) -> bool:
    """May ``user`` open a case of ``case_type``? A coordinator role and an authorisation for the type
    with ``case.create`` that covers the type's default confidentiality (they must see what they open).
    """
    if not can(user, Action.OPEN_CASE):
        return False
    return is_authorised(user, Action.OPEN_CASE, case_type.id, case_type.default_confidentiality)


# --- break-the-glass ------------------------------------------------------------------------


def _break_glass_clause(user: User, now: datetime) -> ColumnElement[bool]:
    return and_(
        _correlated_exists(
            BreakGlassAccess.id,
            BreakGlassAccess.user_id == user.id,
            BreakGlassAccess.case_id == Case.id,
            BreakGlassAccess.started_at <= now,
            BreakGlassAccess.expires_at > now,
        ),
        Case.confidentiality <= BREAK_GLASS_MAX_CONFIDENTIALITY,
        _correlated_exists(CaseType.id, CaseType.id == Case.case_type_id, CaseType.restricted.is_(False)),
    )


def break_glass_eligible(case: Case) -> bool:
    """Only non-restricted types up to ``vertrouwelijk`` can be opened by breaking the glass."""
    return not case.case_type.restricted and case.confidentiality <= BREAK_GLASS_MAX_CONFIDENTIALITY


def break_glass_active(user: Any, case: Case | None, now: datetime | None = None) -> BreakGlassAccess | None:
    """The user's running break-the-glass grant on ``case``, if any (templates show a banner)."""
    if case is None or not _is_live_user(user) or not user.has_role(*WORK_ROLES) or not break_glass_eligible(case):
        return None
    now = now or utcnow()
    return db.session.scalar(
        select(BreakGlassAccess)
        .where(
            BreakGlassAccess.user_id == user.id,
            BreakGlassAccess.case_id == case.id,
            BreakGlassAccess.started_at <= now,
            BreakGlassAccess.expires_at > now,
        )
        .order_by(BreakGlassAccess.expires_at.desc())
        .limit(1)
    )


# --- scope ----------------------------------------------------------------------------------


def _participation(user: User) -> ColumnElement[bool]:
    return _correlated_exists(
        CaseParticipant.id,
        CaseParticipant.case_id == Case.id,
        CaseParticipant.ended_at.is_(None),
        or_(
            and_(CaseParticipant.user_id.is_(None), CaseParticipant.organisation_id == user.organisation_id),
            CaseParticipant.user_id == user.id,
        ),
    )


def case_scope(user: Any, now: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases ``user`` may list (scope and authorisation, in SQL)."""
    if not _is_live_user(user) or not user.has_role(*CASE_ROLES):
        return false()
    reach = _participation(user)
    if user.has_role(*WORK_ROLES):
        reach = or_(reach, _break_glass_clause(user, now or utcnow()))
    return and_(reach, case_visibility(user))


def _active_involvements(user: User, case: Case) -> set[Involvement]:
    return {
        p.involvement
        for p in case.participants
        if p.ended_at is None
        and ((p.user_id is None and p.organisation_id == user.organisation_id) or p.user_id == user.id)
    }


def _relation_allows(user: User, action: Action, case: Case) -> bool:
    """Role × relation, before authorisations."""
    involvements = _active_involvements(user, case)
    if not involvements:
        return action in BREAK_GLASS_ACTIONS and break_glass_active(user, case) is not None
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


def _can_audit_case(user: User, case: Case) -> bool:
    """Supervisors read the trail of their organisation's cases (any participation, also ended);
    a supervisor of the municipality reads every organisation's. Only of cases they may see.
    """
    if not user.has_role(Role.SUPERVISOR):
        return False
    is_municipality = user.organisation.kind is OrganisationKind.MUNICIPALITY
    if not is_municipality and not any(p.organisation_id == user.organisation_id for p in case.participants):
        return False
    return is_authorised(user, Action.VIEW_AUDIT, case.case_type_id, case.confidentiality)


def can(user: Any, action: Action, case: Case | None = None, *, case_type: CaseType | None = None) -> bool:
    """May ``user`` do ``action`` (on ``case``, or globally when ``case`` is None)?

    ``case_type`` with ``Action.OPEN_CASE`` asks whether a case of that type may be opened.
    """
    if not _is_live_user(user):
        return False
    action = Action(action)
    if case is None:
        if case_type is not None and action is Action.OPEN_CASE:
            return can_open(user, case_type)
        roles = GLOBAL_ACTION_ROLES.get(action)
        return bool(roles) and user.has_role(*roles)
    if action is Action.VIEW_AUDIT:
        return _can_audit_case(user, case)
    if not user.has_role(*CASE_ROLES) or not _relation_allows(user, action, case):
        return False
    return is_authorised(user, action, case.case_type_id, case.confidentiality)


def require(user: Any, action: Action, case: Case | None = None) -> None:
    """Raise ``AccessDenied`` (a 404) unless ``can`` allows it. The caller audits."""
    if not can(user, action, case):
        raise AccessDenied()


# --- the audit trail ------------------------------------------------------------------------


def audit_scope(user: Any) -> ColumnElement[bool]:
    """The audit events ``user`` may read: supervisors see their organisation's users and cases;
    a supervisor of the municipality sees every organisation's.
    """
    if not _is_live_user(user) or not user.has_role(Role.SUPERVISOR):
        return false()
    if user.organisation.kind is OrganisationKind.MUNICIPALITY:
        return true()
    own_cases = select(CaseParticipant.case_id).where(CaseParticipant.organisation_id == user.organisation_id)
    return or_(AuditEvent.actor_organisation == user.organisation.slug, AuditEvent.case_id.in_(own_cases))


def can_see_user_trail(supervisor: Any, user: User | None) -> bool:
    if user is None or not can(supervisor, Action.VIEW_AUDIT):
        return False
    if supervisor.organisation.kind is OrganisationKind.MUNICIPALITY:
        return True
    return user.organisation_id == supervisor.organisation_id
