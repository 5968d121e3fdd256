"""Scope as SQL: the WHERE clauses that select what a user may list, count and search.

The policy decides on loaded objects with ``can()``; lists, counts and searches must select the
same rows in SQL, so the clauses live here beside the rules and are tested to agree with them.
Also here: the user's authorisations (ZGW ``autorisaties``), read once per session, and the
break-the-glass grant, which both the clauses and the rules consult.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, event, false, func, literal, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

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


def authorised_cases(user: User, action: Action) -> ColumnElement[bool]:
    """The SQL twin of ``is_authorised`` for one action over ``Case``'s columns: the case's type and
    confidentiality are covered by an authorisation of ``user`` that grants ``action``. For a list
    whose rows ``can()`` would otherwise drop after paging (its count and pages then agree)."""
    needed = AUTHORISED_AS.get(action, action)
    grants = {(a.case_type_id, a.max_confidentiality) for a in authorisations_of(user) if needed in a.action_set}
    if not grants:
        return false()
    return or_(*(and_(Case.case_type_id == kind, Case.confidentiality <= level) for kind, level in sorted(grants)))


# --- break-the-glass ------------------------------------------------------------------------


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


class ScopeForm(enum.Enum):
    """How ``case_scope`` asks "does the user reach this case?" — the same cases either way.

    ``EXISTS``: one correlated probe per case row, ``EXISTS (participation UNION ALL grant)``. The
    planner walks the list's index in order and probes each case, so a page stops after its rows
    (an OR of two EXISTS instead hashes all of the organisation's participations for every page).
    ``IN``: ``case.id IN (participation UNION ALL grant)``, driven by the organisation's (and the
    user's) rows — for the capped count of a small organisation, where walking the cases in order
    would read most of the table to find its few.
    """

    EXISTS = "exists"
    IN = "in"


def _participation_source(user: User) -> tuple[Any, Select[Any]]:
    """The active participations (``ended_at IS NULL``: the scope index's second column)."""
    participation = select(CaseParticipant.case_id).where(
        CaseParticipant.ended_at.is_(None),
        CaseParticipant.organisation_id == user.organisation_id,
        or_(CaseParticipant.user_id.is_(None), CaseParticipant.user_id == user.id),
    )
    return CaseParticipant.case_id, participation


def _closed_participation_source(user: User) -> tuple[Any, Select[Any]]:
    """The participations that closing ended (read-only reach to the closed case). A source of their
    own, not an OR inside the active one: with ``ended_at IS NULL OR closed_with_case`` the scope
    index no longer narrows the rows and the case list reads a third of all participations."""
    closed = select(CaseParticipant.case_id).where(
        CaseParticipant.closed_with_case.is_(True),
        CaseParticipant.organisation_id == user.organisation_id,
        or_(CaseParticipant.user_id.is_(None), CaseParticipant.user_id == user.id),
    )
    return CaseParticipant.case_id, closed


def _reach_sources(user: User, now: datetime) -> list[tuple[Any, Select[Any]]]:
    """Where the user's reach to a case comes from, each as (its case id column, the SELECT of it):
    the one definition both forms of ``case_scope`` are generated from.

    An active participation of the user's organisation, or of the user by name *for* that
    organisation (a named participation stops counting the moment the user moves to another one);
    for those who work on cases also a running break-the-glass grant, read only, never on a
    restricted type and never above ``BREAK_GLASS_MAX_CONFIDENTIALITY`` (the granted case and its
    type are aliased, so the conditions apply to this source alone and never touch the caller's
    tables).
    """
    sources = [_participation_source(user), _closed_participation_source(user)]
    if user.has_role(*WORK_ROLES):
        granted, granted_type = aliased(Case), aliased(CaseType)
        glass = (
            select(BreakGlassAccess.case_id)
            .join(granted, granted.id == BreakGlassAccess.case_id)
            .join(granted_type, granted_type.id == granted.case_type_id)
            .where(
                BreakGlassAccess.user_id == user.id,
                BreakGlassAccess.started_at <= now,
                BreakGlassAccess.expires_at > now,
                granted.confidentiality <= BREAK_GLASS_MAX_CONFIDENTIALITY,
                granted_type.restricted.is_(False),
            )
        )
        sources.append((BreakGlassAccess.case_id, glass))
    return sources


def _participation(user: User) -> ColumnElement[bool]:
    """The participation source alone, as a correlated EXISTS (a meeting's agenda reaches a case
    only through taking part in it, never through a grant)."""
    probes = [
        query.where(column == Case.id).correlate(Case)
        for column, query in (_participation_source(user), _closed_participation_source(user))
    ]
    return union_all(*probes).exists()


def _reach(user: User, now: datetime, form: ScopeForm) -> ColumnElement[bool]:
    sources = _reach_sources(user, now)
    if form is ScopeForm.IN:
        # Uncorrelated (``correlate(None)``): a table of the caller's query is never taken for one of these.
        selects = [query.correlate(None) for _column, query in sources]
        return Case.id.in_(selects[0] if len(selects) == 1 else union_all(*selects))
    # Correlated to ``case`` only, so callers may join any other table into their query.
    probes = [query.where(column == Case.id).correlate(Case) for column, query in sources]
    return (probes[0] if len(probes) == 1 else union_all(*probes)).exists()


def case_scope(user: Any, now: datetime | None = None, form: ScopeForm = ScopeForm.EXISTS) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases ``user`` may list (scope and authorisation, in SQL).

    ``form`` changes only how the database is asked (see ``ScopeForm``), never which cases.
    """
    if not is_live_user(user) or not user.has_role(*CASE_ROLES):
        return false()
    reach = _reach(user, now or utcnow(), form)
    if user.has_role(Role.SUPERVISOR):
        reach = or_(reach, approver_reach(user))
    return and_(reach, case_visibility(user))


def approver_reach(user: User) -> ColumnElement[bool]:
    """The cases whose pending closure the supervisors of ``user``'s organisation decide: they see
    them while it waits (SQL twin of ``rules.closure.sees_as_approver``)."""
    if not user.has_role(Role.SUPERVISOR):
        return false()
    return and_(Case.closure_proposed_at.is_not(None), Case.closure_approver_organisation_id == user.organisation_id)


def case_content_scope(user: Any, now: datetime | None = None) -> ColumnElement[bool]:
    """The cases whose content ``user`` may read (``READ_CASE_CONTENT``), in SQL: the cases they may
    list, for those who work on cases (supervisors see metadata only). Break-the-glass is part of
    ``case_scope`` and gives reading too."""
    if not is_live_user(user) or not user.has_role(*WORK_ROLES):
        return false()
    return case_scope(user, now)


# An organisation taking part in at most this many cases is "small": its capped count is driven by
# its own participations (``ScopeForm.IN``, at most this many rows hashed); a larger one's walks
# the cases and stops at the cap (``ScopeForm.EXISTS``, about cap ÷ its share of the cases).
SMALL_REACH = 5000


def count_form(user: Any) -> ScopeForm:
    """The form of ``case_scope`` for a capped count of ``user``'s cases: one index-only read of at
    most ``SMALL_REACH + 1`` of the organisation's participations tells a small organisation from a
    large one. Only the speed depends on the answer, never which cases are counted."""
    if not is_live_user(user) or not user.has_role(*CASE_ROLES):
        return ScopeForm.EXISTS
    _column, participations = _participation_source(user)
    counted = db.session.scalar(select(func.count()).select_from(participations.limit(SMALL_REACH + 1).subquery()))
    return ScopeForm.IN if (counted or 0) <= SMALL_REACH else ScopeForm.EXISTS


def active_involvements(user: User, case: Case) -> set[Involvement]:
    """The Python twin of ``_participation_source``: the organisation's rows and the user's own rows for it
    (active ones, and those closing the case ended: they let the case be seen and reopened)."""
    return {
        p.involvement
        for p in case.participants
        if (p.ended_at is None or p.closed_with_case)
        and p.organisation_id == user.organisation_id
        and (p.user_id is None or p.user_id == user.id)
    }


# --- the audit trail ------------------------------------------------------------------------


def audit_scope(user: Any) -> ColumnElement[bool]:
    """The audit events ``user`` may read: supervisors see their organisation's users and cases
    (every case the organisation ever took part in); a supervisor of the municipality sees every
    organisation's.

    One correlated ``EXISTS (actor's organisation UNION ALL a participation in the event's case)``
    per event, so a page walks the trail's index newest first and probes each event (an OR with
    ``case_id IN (…)`` hashed every case the organisation ever took part in, for every page).
    """
    if not is_live_user(user) or not user.has_role(Role.SUPERVISOR):
        return false()
    if user.organisation.kind is OrganisationKind.MUNICIPALITY:
        return true()
    by_actor = select(literal(1)).where(AuditEvent.actor_organisation == user.organisation.slug)
    by_case = select(literal(1)).where(
        CaseParticipant.case_id == AuditEvent.case_id, CaseParticipant.organisation_id == user.organisation_id
    )
    return union_all(by_actor.correlate(AuditEvent), by_case.correlate(AuditEvent)).exists()
