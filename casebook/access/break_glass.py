"""Break-the-glass: read-only access to an out-of-scope case, for a stated reason, reviewed later.

Offered only from a search by the case's *exact* reference, or by a person's BSN or family name
and birth date (``casebook.supervision.glass_search``), never from the 404 of an out-of-scope case,
which would confirm that the case exists. A reference that does not exist,
that the user's authorisations do not cover, or whose case is restricted or above
``vertrouwelijk`` gives the same answer: nothing found. Every search, grant and review is audited.

The reason and the review note are what a user typed, so they never enter the audit chain: they
are stored encrypted on the grant (the case's data key) and the events name the grant's id. The
review queue is the authorised read of the reasons; its event lists the grants it showed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from casebook import audit, settings
from casebook.access.actions import Action
from casebook.access.models import BreakGlassAccess, ReviewStatus
from casebook.access.policy import AccessDenied, can
from casebook.access.scope import break_glass_eligible, is_authorised
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db, utcnow
from casebook.errors import Conflict
from casebook.organisations.models import OrganisationKind

MIN_REASON_LENGTH = 20
REFERENCE_PATTERN = re.compile(r"^PGA-\d{4}-\d{5}$")


class ReviewConflict(Conflict):
    """The grant was judged already (409); the earlier verdict stands."""


class BreakGlassError(ValueError):
    """Input that cannot become a grant (a reason too short); the message is fit to show."""


@dataclass(frozen=True)
class Lookup:
    """The answer to a reference search: an eligible case, or nothing; ``in_scope`` means no glass needed."""

    case: Case | None
    in_scope: bool = False


def _normalise(reference: str) -> str:
    return (reference or "").strip().upper()


def may_break_into(user: User, case: Case) -> bool:
    """The glass may be broken for ``case``: not a restricted type, at most ``vertrouwelijk``, and within
    the user's authorisation for its type (above their maximum it does not exist for them)."""
    return break_glass_eligible(case) and is_authorised(user, Action.VIEW_CASE, case.case_type_id, case.confidentiality)


def _eligible_case(user: User, reference: str) -> Case | None:
    case = db.session.scalar(select(Case).where(Case.reference == reference)) if reference else None
    if case is None or not may_break_into(user, case):
        return None
    return case


def find_case(user: User, reference: str) -> Lookup:
    """Look a case up by exact reference for breaking the glass. Audited (the reference only when
    it has the shape of a reference: free text could hold personal data).

    :raises AccessDenied: the user's roles cannot break the glass (audited).
    """
    reference = _normalise(reference)
    shaped = bool(REFERENCE_PATTERN.match(reference))
    details = {"reference": reference} if shaped else {"reference_shaped": False}
    if not can(user, Action.BREAK_GLASS):
        audit.record(user, "break_glass.search", outcome=Outcome.DENIED, details=details)
        raise AccessDenied()
    case = db.session.scalar(select(Case).where(Case.reference == reference)) if shaped else None
    if case is not None and can(user, Action.VIEW_CASE, case):
        audit.record(user, "break_glass.search", case, details={**details, "in_scope": True})
        return Lookup(case, in_scope=True)
    eligible = _eligible_case(user, reference) if shaped else None
    audit.record(
        user,
        "break_glass.search",
        case_id=case.id if case is not None else None,
        outcome=Outcome.ALLOWED if eligible else Outcome.DENIED,
        details={**details, "found": eligible is not None},
    )
    return Lookup(eligible)


def _minutes() -> int:
    if has_app_context():
        return int(current_app.config["BREAK_GLASS_MINUTES"])
    return int(settings.default("BREAK_GLASS_MINUTES"))


def break_glass(user: User, reference: str, reason: str, now: datetime | None = None) -> BreakGlassAccess:
    """Grant ``user`` read-only access to the case for ``BREAK_GLASS_MINUTES``. Audited as its own action.

    :raises BreakGlassError: the reason is shorter than 20 characters, or the user already has access.
    :raises AccessDenied: no eligible case with this reference for this user (audited).
    """
    reason = (reason or "").strip()
    reference = _normalise(reference)
    if not can(user, Action.BREAK_GLASS):
        audit.record(user, str(Action.BREAK_GLASS), outcome=Outcome.DENIED, details={"refused": "role"})
        raise AccessDenied()
    if len(reason) < MIN_REASON_LENGTH:
        raise BreakGlassError(f"Geef een reden van minstens {MIN_REASON_LENGTH} tekens.")
    case = _eligible_case(user, reference) if REFERENCE_PATTERN.match(reference) else None
    if case is None:
        audit.record(user, str(Action.BREAK_GLASS), outcome=Outcome.DENIED, details={"refused": "not_found"})
        raise AccessDenied()
    if can(user, Action.VIEW_CASE, case):
        raise BreakGlassError("U heeft al toegang tot deze casus.")
    now = now or utcnow()
    minutes = _minutes()
    grant = BreakGlassAccess(
        user=user, case=case, reason=reason, started_at=now, expires_at=now + timedelta(minutes=minutes)
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(user, str(Action.BREAK_GLASS), case, details={"grant_id": grant.id, "minutes": minutes})
    return grant


def _reviewable_by(supervisor: User):
    """Supervisors review grants taken by their organisation's users or on cases their organisation
    leads; a supervisor of the municipality reviews all.
    """
    if supervisor.organisation.kind is OrganisationKind.MUNICIPALITY:
        return None
    own_users = select(User.id).where(User.organisation_id == supervisor.organisation_id)
    led_cases = select(Case.id).where(Case.lead_organisation_id == supervisor.organisation_id)
    return or_(BreakGlassAccess.user_id.in_(own_users), BreakGlassAccess.case_id.in_(led_cases))


def review_queue(supervisor: User, status: ReviewStatus | None = ReviewStatus.PENDING) -> list[BreakGlassAccess]:
    """Grants awaiting (or with) a verdict, oldest first. Audited.

    :raises AccessDenied: not a supervisor (audited).
    """
    if not can(supervisor, Action.REVIEW_BREAK_GLASS):
        audit.record(supervisor, "break_glass.list", outcome=Outcome.DENIED)
        raise AccessDenied()
    query = select(BreakGlassAccess).order_by(BreakGlassAccess.started_at, BreakGlassAccess.id)
    if status is not None:
        query = query.where(BreakGlassAccess.review_status == status)
    scope = _reviewable_by(supervisor)
    if scope is not None:
        query = query.where(scope)
    result = list(db.session.scalars(query))
    audit.record(
        supervisor,
        "break_glass.list",
        details={
            "status": str(status) if status else "all",
            "count": len(result),
            "reasons_shown": [grant.id for grant in result],
        },
    )
    return result


def load_grant_for_review(supervisor: User, grant_id: int) -> BreakGlassAccess:
    """The grant if ``supervisor`` may review it; else audit the denial and 404."""
    grant = db.session.get(BreakGlassAccess, grant_id)
    allowed = grant is not None and can(supervisor, Action.REVIEW_BREAK_GLASS) and grant.user_id != supervisor.id
    if allowed:
        scope = _reviewable_by(supervisor)
        allowed = (
            scope is None
            or db.session.scalar(select(BreakGlassAccess.id).where(BreakGlassAccess.id == grant_id, scope)) is not None
        )
    if not allowed:
        audit.record(
            supervisor,
            "break_glass.view",
            outcome=Outcome.DENIED,
            details={"requested_id": str(grant_id)},
        )
        raise AccessDenied()
    return grant


def review(
    supervisor: User, grant: BreakGlassAccess, verdict: ReviewStatus, note: str = "", now: datetime | None = None
) -> BreakGlassAccess:
    """Judge a grant justified or unjustified. Audited; the note is stored encrypted on the grant,
    the event says only whether there is one.

    :raises BreakGlassError: the verdict is not a verdict.
    :raises AccessDenied: the supervisor may not review this grant (audited).
    """
    grant = load_grant_for_review(supervisor, grant.id)
    if verdict not in (ReviewStatus.JUSTIFIED, ReviewStatus.UNJUSTIFIED):
        raise BreakGlassError("Kies gerechtvaardigd of niet gerechtvaardigd.")
    at = now or utcnow()
    # One verdict per grant: a conditional UPDATE, so a second reviewer (or a parallel submission)
    # can never silently overwrite the first verdict.
    judged = db.session.execute(
        update(BreakGlassAccess)
        .where(BreakGlassAccess.id == grant.id, BreakGlassAccess.review_status == ReviewStatus.PENDING)
        .values(review_status=verdict, reviewed_by_id=supervisor.id, reviewed_at=at)
        .execution_options(synchronize_session=False)
    )
    if judged.rowcount != 1:
        db.session.refresh(grant)
        raise ReviewConflict(str(_l("Deze noodtoegang is al beoordeeld; er is niets gewijzigd.")))
    db.session.refresh(grant)
    grant.review_note = (note or "").strip()[:500] or None
    db.session.flush()
    audit.record(
        supervisor,
        str(Action.REVIEW_BREAK_GLASS),
        grant,
        case_id=grant.case_id,
        details={
            "grant_id": grant.id,
            "verdict": str(verdict),
            "grant_user_id": grant.user_id,
            "note": grant.review_note is not None,
        },
    )
    return grant


def end_grants_of(user: User, *, by: User | None, now: datetime | None = None) -> int:
    """End the user's running grants at once (they move to another organisation: a reason stated
    for their old job does not carry over). Audited with the count; returns it."""
    at = now or utcnow()
    ended = db.session.execute(
        update(BreakGlassAccess)
        .where(BreakGlassAccess.user_id == user.id, BreakGlassAccess.expires_at > at)
        .values(expires_at=at)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    audit.record(by, "break_glass.end_all", user, details={"grants_ended": ended or 0})
    return ended or 0
