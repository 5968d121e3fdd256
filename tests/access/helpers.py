"""Helpers of the access tests: participations and break-the-glass grants written directly."""

from __future__ import annotations

from datetime import timedelta

from casebook.access.models import BreakGlassAccess
from casebook.cases.models import CaseParticipant, Involvement
from casebook.db import db, utcnow


def add_participant(case, org, involvement=Involvement.CONTRIBUTOR, user=None, ended=False):
    participant = CaseParticipant(
        organisation=org, user=user, involvement=involvement, ended_at=utcnow() if ended else None
    )
    case.participants.append(participant)
    db.session.flush()
    return participant


def give_break_glass(user, case, minutes_ago: int = 5, minutes: int = 60) -> BreakGlassAccess:
    """A grant written directly (the policy must judge it, whoever holds it)."""
    start = utcnow() - timedelta(minutes=minutes_ago)
    grant = BreakGlassAccess(
        user=user, case=case, reason="x" * 25, started_at=start, expires_at=start + timedelta(minutes=minutes)
    )
    db.session.add(grant)
    db.session.flush()
    return grant
