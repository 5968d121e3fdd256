"""Registrations that matched a person outside the registrant's scope ("mogelijk bekend"), for the ZVH.

``people.services.create_person`` records them (``PersonMatch``); the ZVH coordinators at the
weegtafel see and resolve them (``Action.VIEW_PERSON_MATCHES``, rule in
``casebook.access.rules.persons``). The registrant is never shown one.
"""

from __future__ import annotations

from sqlalchemy import select

from casebook import audit
from casebook.access import Action, can, load_or_404, require_audited
from casebook.auth.models import User
from casebook.db import db, utcnow
from casebook.people.models import PersonMatch

OPEN_MATCHES_LIMIT = 500


def open_matches(user: User) -> list[PersonMatch]:
    """Unresolved matches the user may check, newest first, for the ZVH coordinators (audited).

    Few are open at any time (each is resolved at the weegtafel), so the policy's rule is asked
    per match rather than through a SQL twin.

    :raises Refused: the user may not see matches (audited).
    """
    require_audited(user, Action.VIEW_PERSON_MATCHES)
    candidates = db.session.scalars(
        select(PersonMatch)
        .where(PersonMatch.resolved_at.is_(None))
        .order_by(PersonMatch.created_at.desc(), PersonMatch.id.desc())
        .limit(OPEN_MATCHES_LIMIT)
    )
    rows = [match for match in candidates if can(user, Action.VIEW_PERSON_MATCHES, match)]
    audit.record(user, "person.match.list", details={"results": len(rows)}, durable=True)
    return rows


def match_kinds_of(user: User, person_ids: list[int]) -> dict[int, set[str]]:
    """Per person, the kinds of its open matches — only for users who may see matches, else empty."""
    if not person_ids or not can(user, Action.VIEW_PERSON_MATCHES):
        return {}
    kinds: dict[int, set[str]] = {}
    rows = db.session.scalars(
        select(PersonMatch).where(PersonMatch.person_id.in_(person_ids), PersonMatch.resolved_at.is_(None))
    )
    for match in rows:
        if can(user, Action.VIEW_PERSON_MATCHES, match):
            kinds.setdefault(match.person_id, set()).add(match.kind)
    return kinds


def resolve_match(user: User, match_id: int) -> PersonMatch:
    """Mark a match as checked ("afgehandeld") by a ZVH coordinator. :raises Refused:"""
    match = load_or_404(user, PersonMatch, match_id, Action.VIEW_PERSON_MATCHES, audit_read=False)
    if match.resolved_at is None:
        match.resolved_at = utcnow()
        match.resolved_by_id = user.id
        db.session.flush()
        audit.record(user, "person.match.resolve", match.person, details={"match": match.id, "kind": match.kind})
    return match
