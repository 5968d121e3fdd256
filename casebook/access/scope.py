"""Scope as SQL: the WHERE clauses that select what a user may list, count and search.

The policy decides on loaded objects with ``can()``; lists, counts and searches must select the
same rows in SQL, so the clauses live here beside the rules and are tested to agree with them.
Also here: the user's authorisations (ZGW ``autorisaties``), read once per session, and the
break-the-glass grant, which both the clauses and the rules consult.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, event, false, or_, select, true
from sqlalchemy.orm import Session

from casebook.access.actions import Action
from casebook.access.models import Authorisation, BreakGlassAccess
from casebook.audit.models import AuditEvent
from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant, CaseType, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind

CASE_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR)
WORK_ROLES = (Role.CASEWORKER, Role.COORDINATOR)

READ_ACTIONS = frozenset({Action.LIST_CASES, Action.VIEW_CASE, Action.READ_NOTES, Action.READ_CASE_CONTENT})
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
    READ_ACTIONS - {Action.LIST_CASES, Action.READ_CASE_CONTENT}
    | CONTENT_ACTIONS
    | PROCESS_ACTIONS
    | {Action.APPROVE_CLOSURE, Action.OPEN_CASE}
)
AUTHORISED_AS = {
    Action.LIST_CASES: Action.VIEW_CASE,
    Action.VIEW_AUDIT: Action.VIEW_CASE,
    Action.READ_CASE_CONTENT: Action.VIEW_CASE,  # reading content is seeing the case, for those who work on it
    Action.DRAFT_HANDOFF: Action.UPDATE_CASE,  # a draft changes nothing until a coordinator sends it
}

# Break-the-glass: read only, never restricted types, never above this level.
BREAK_GLASS_ACTIONS = frozenset({Action.LIST_CASES, Action.VIEW_CASE, Action.READ_NOTES, Action.READ_CASE_CONTENT})
BREAK_GLASS_MAX_CONFIDENTIALITY = Confidentiality.VERTROUWELIJK


def is_live_user(user: Any) -> bool:
    """Authenticated and active: nobody else is ever allowed anything."""
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


def _covers(user: User, case_type_id_column: Any, confidentiality_column: Any) -> list[ColumnElement[bool]]:
    return [
        Authorisation.case_type_id == case_type_id_column,
        Authorisation.max_confidentiality >= confidentiality_column,
        authorisation_applies_to(user),
    ]


def authorised_for_type(user: User, case_type_id_column: Any, confidentiality_column: Any) -> ColumnElement[bool]:
    """An authorisation of ``user`` covers the type at that level, in SQL (twin of ``could_see``).

    Parameterised by columns so that cases, handoffs, requests, signals and meetings compose it with
    their own (or their case's) columns; the EXISTS correlates to the caller's query.
    """
    if not user.has_role(*CASE_ROLES):
        return false()
    return select(Authorisation.id).where(*_covers(user, case_type_id_column, confidentiality_column)).exists()


def case_visibility(user: User) -> ColumnElement[bool]:
    """The cases whose type and confidentiality an authorisation of ``user`` covers (no scope)."""
    if not user.has_role(*CASE_ROLES):
        return false()
    return _correlated_exists(Authorisation.id, *_covers(user, Case.case_type_id, Case.confidentiality))


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


def prime_grants(users: Iterable[User], case_type_id: int) -> None:
    """Read the authorisations of many users for one case type in one statement, into the same
    per-session cache ``_grants`` fills one user at a time — for a form listing candidates, which
    asks ``can()`` for each (one query per candidate would grow with the organisation)."""
    cache = db.session().info.setdefault(AUTHORISATION_CACHE, {})
    wanted = {}
    for user in users:
        key = (user.id, tuple(sorted(user.roles)), user.organisation_id, case_type_id)
        if key not in cache:
            wanted[key] = user
    if not wanted:
        return
    grants = list(
        db.session.scalars(
            select(Authorisation).where(
                Authorisation.case_type_id == case_type_id,
                or_(*(authorisation_applies_to(user) for user in wanted.values())),
            )
        )
    )
    for key, user in wanted.items():  # the same test as ``authorisation_applies_to``, per user
        cache[key] = [
            (a.max_confidentiality, a.action_set)
            for a in grants
            if a.user_id == user.id or (a.role in user.roles and a.organisation_id in (None, user.organisation_id))
        ]


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
    """The running break-the-glass grant through which the user sees ``case``, if any (templates
    show a banner). None while their organisation (or they by name) take part: then the
    participation lets them in, not a grant — and no statement is needed to know it."""
    if case is None or not is_live_user(user) or not user.has_role(*WORK_ROLES) or not break_glass_eligible(case):
        return None
    if active_involvements(user, case):
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
    """An active participation of the user's organisation, or of the user by name *for* that
    organisation: a named participation stops counting the moment the user moves to another one."""
    return _correlated_exists(
        CaseParticipant.id,
        CaseParticipant.case_id == Case.id,
        CaseParticipant.ended_at.is_(None),
        CaseParticipant.organisation_id == user.organisation_id,
        or_(CaseParticipant.user_id.is_(None), CaseParticipant.user_id == user.id),
    )


def case_scope(user: Any, now: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases ``user`` may list (scope and authorisation, in SQL)."""
    if not is_live_user(user) or not user.has_role(*CASE_ROLES):
        return false()
    reach = _participation(user)
    if user.has_role(*WORK_ROLES):
        reach = or_(reach, _break_glass_clause(user, now or utcnow()))
    return and_(reach, case_visibility(user))


def active_involvements(user: User, case: Case) -> set[Involvement]:
    """The Python twin of ``_participation``: the organisation's rows and the user's own rows for it."""
    return {
        p.involvement
        for p in case.participants
        if p.ended_at is None
        and p.organisation_id == user.organisation_id
        and (p.user_id is None or p.user_id == user.id)
    }


# --- the audit trail ------------------------------------------------------------------------


def audit_scope(user: Any) -> ColumnElement[bool]:
    """The audit events ``user`` may read: supervisors see their organisation's users and cases;
    a supervisor of the municipality sees every organisation's.
    """
    if not is_live_user(user) or not user.has_role(Role.SUPERVISOR):
        return false()
    if user.organisation.kind is OrganisationKind.MUNICIPALITY:
        return true()
    own_cases = select(CaseParticipant.case_id).where(CaseParticipant.organisation_id == user.organisation_id)
    return or_(AuditEvent.actor_organisation == user.organisation.slug, AuditEvent.case_id.in_(own_cases))
