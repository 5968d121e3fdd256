"""User administration by functional admins, and the periodic access review by supervisors.

Every change here is audited and ends all sessions of the user it concerns — and revokes their API
tokens (``sessions.end_all``) — so a new role, a new organisation, a disabled account or a reset
second factor takes effect on that user's next request, in the browser and over the API alike.
Admins never touch case content (the policy gives them none) and never act on their own account
(no self-elevation, no locking oneself out).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from casebook import access, audit
from casebook.access import AccessDenied, Action, access_review_interval_days, break_glass, roles_compatible
from casebook.access.scope import describe_authorisations
from casebook.admin.models import AccessReview
from casebook.audit import Outcome
from casebook.auth import clock, mfa, sessions
from casebook.auth.models import Role, User, UserRole
from casebook.auth.passwords import hash_password
from casebook.auth.services import INCOMPATIBLE_ROLES, UserError, create_user, issue_activation_token, set_password
from casebook.auth.sessions import EndReason
from casebook.db import db
from casebook.organisations.models import Organisation

# Short, non-personal descriptions of a user's authorisations, shown on the access review.
authorisation_summaries: Callable[[User], list[str]] = describe_authorisations

LINK = "link"
PASSWORD = "password"  # noqa: S105 - the name of a method, not a password


def _require(by: User, action: Action, target: Any = None) -> None:
    if not access.can(by, action):
        audit.record(by, str(action), target, outcome=Outcome.DENIED)
        raise AccessDenied()


def _not_self(by: User, user: User, action: str) -> None:
    if by.id == user.id:
        audit.record(by, action, user, outcome=Outcome.DENIED, details={"self": True})
        raise UserError(_("U kunt dit niet voor uw eigen account doen; vraag een andere beheerder."))


def require_user_manager(by: User) -> None:
    """:raises AccessDenied: ``by`` may not manage users (audited)."""
    _require(by, Action.MANAGE_USERS)


def list_users(by: User) -> list[User]:
    _require(by, Action.MANAGE_USERS)
    audit.record(by, "user.list")
    return list(db.session.scalars(select(User).order_by(func.lower(User.username))))


def load_user_for(by: User, user_id: int) -> User:
    """The user to administer; a 404 (audited) for anyone without MANAGE_USERS or a missing id."""
    return access.load_or_404(by, User, user_id, Action.VIEW_USER)


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.active).order_by(Organisation.name)))


@dataclass(frozen=True)
class NewAccount:
    user: User
    activation_token: str | None


def create_account(
    by: User,
    *,
    username: str,
    display_name: str,
    organisation: Organisation,
    roles: Iterable[Role],
    method: str,
    initial_password: str | None = None,
) -> NewAccount:
    """Create a user with a one-time activation link (``method=LINK``) or an initial password that
    must be changed at first login (``method=PASSWORD``). MFA is set up by the user at first login.

    :raises UserError: taken username, weak initial password or no roles.
    """
    _require(by, Action.MANAGE_USERS)
    if method == PASSWORD and not initial_password:
        raise UserError(_("Geef een startwachtwoord op, of kies voor een activeringslink."))
    user = create_user(
        username,
        display_name,
        organisation,
        roles,
        initial_password if method == PASSWORD else None,
        by=by,
        must_change_password=method == PASSWORD,
    )
    token = None
    if method == LINK:
        token = issue_activation_token(user)
        audit.record(by, "user.activation_link", user)
    return NewAccount(user, token)


def set_active(by: User, user: User, active: bool) -> None:
    _require(by, Action.MANAGE_USERS, user)
    action = "user.enable" if active else "user.disable"
    _not_self(by, user, action)
    user.active = active
    ended = sessions.end_all(user, EndReason.DISABLED, by=by) if not active else 0
    audit.record(by, action, user, details={"sessions_ended": ended})


def reset_mfa(by: User, user: User) -> None:
    """Forget the user's second factor; they set up a new one at their next login (after the password)."""
    _require(by, Action.MANAGE_USERS, user)
    _not_self(by, user, "user.mfa.reset")
    mfa.reset(user)
    ended = sessions.end_all(user, EndReason.MFA_RESET, by=by)
    audit.record(by, "user.mfa.reset", user, details={"sessions_ended": ended})


def change_roles(by: User, user: User, roles: Iterable[Role], organisation: Organisation) -> bool:
    """Set the user's roles and organisation. Returns False when nothing changed (nothing audited)."""
    _require(by, Action.MANAGE_USERS, user)
    _not_self(by, user, "user.roles.change")
    new_roles = sorted(set(roles))
    if not new_roles:
        raise UserError(_("Een gebruiker heeft minstens één rol nodig."))
    if not roles_compatible(new_roles):
        raise UserError(str(INCOMPATIBLE_ROLES))
    before_roles = sorted(user.roles)
    before_org = user.organisation
    if new_roles == before_roles and organisation.id == before_org.id:
        return False
    user.role_rows = [row for row in user.role_rows if row.role in new_roles]
    user.role_rows.extend(UserRole(role=r) for r in new_roles if r not in before_roles)
    user.organisation = organisation
    db.session.flush()
    ended = sessions.end_all(user, EndReason.ROLES_CHANGED, by=by)
    if organisation.id != before_org.id:
        break_glass.end_grants_of(user, by=by)
    audit.record(
        by,
        "user.roles.change",
        user,
        details={
            "roles_before": [str(r) for r in before_roles],
            "roles_after": [str(r) for r in new_roles],
            "organisation_before": before_org.slug,
            "organisation_after": organisation.slug,
            "sessions_ended": ended,
        },
    )
    return True


def reset_password(by: User, user: User, method: str, initial_password: str | None = None) -> str | None:
    """Replace a forgotten password: a new activation link (returned) or an initial password that must
    be changed. The old password stops working at once. The second factor is untouched: a reset
    never bypasses MFA.
    """
    _require(by, Action.MANAGE_USERS, user)
    _not_self(by, user, "user.password.reset")
    token = None
    if method == PASSWORD:
        if not initial_password:
            raise UserError(_("Geef een startwachtwoord op, of kies voor een activeringslink."))
        set_password(user, initial_password, must_change=True)
    else:
        set_password_unusable(user)
        token = issue_activation_token(user)
    ended = sessions.end_all(user, EndReason.PASSWORD_RESET, by=by)
    audit.record(by, "user.password.reset", user, details={"method": method, "sessions_ended": ended})
    return token


def set_password_unusable(user: User) -> None:
    """Nobody knows the new password: only the activation link leads back in."""
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.must_change_password = False


def end_user_sessions(by: User, user: User) -> int:
    _require(by, Action.MANAGE_USERS, user)
    ended = sessions.end_all(user, EndReason.ENDED_BY_ADMIN, by=by)
    audit.record(by, "user.sessions.end", user, details={"sessions_ended": ended})
    return ended


# --- access review -------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    user: User
    last_reviewed_at: datetime | None
    reviewed_by: str | None
    due_at: datetime
    overdue: bool
    can_mark: bool
    authorisations: list[str] | None = field(default=None)


def _may_view_reviews(by: User) -> bool:
    return access.can(by, Action.VIEW_AUDIT) or access.can(by, Action.MANAGE_USERS)


def _may_mark(by: User, user: User) -> bool:
    # Supervisors review the users of their own organisation, never themselves.
    # (To move into casebook/access as its own action once the policy has one for access reviews.)
    return access.can(by, Action.VIEW_AUDIT) and user.organisation_id == by.organisation_id and user.id != by.id


def review_rows(by: User) -> list[ReviewRow]:
    """Users with their roles and last review; supervisors see their organisation, admins everyone."""
    if not _may_view_reviews(by):
        audit.record(by, "user.access_review.list", outcome=Outcome.DENIED)
        raise AccessDenied()
    query = select(User).order_by(func.lower(User.username))
    if not access.can(by, Action.MANAGE_USERS):
        query = query.where(User.organisation_id == by.organisation_id)
    users = list(db.session.scalars(query))
    latest = _latest_reviews([u.id for u in users])
    config = current_app.config
    moment = clock.now()
    rows = []
    for user in users:
        reviewed_at, reviewer = latest.get(user.id, (None, None))
        days = access_review_interval_days(user, config)
        due_at = (reviewed_at or user.created_at) + timedelta(days=days)
        rows.append(
            ReviewRow(
                user=user,
                last_reviewed_at=reviewed_at,
                reviewed_by=reviewer,
                due_at=due_at,
                overdue=due_at <= moment,
                can_mark=_may_mark(by, user),
                authorisations=authorisation_summaries(user),
            )
        )
    audit.record(by, "user.access_review.list", details={"users": len(rows)})
    return rows


def _latest_reviews(user_ids: list[int]) -> dict[int, tuple[datetime, str | None]]:
    if not user_ids:
        return {}
    newest = (
        select(AccessReview.user_id, func.max(AccessReview.id).label("review_id"))
        .where(AccessReview.user_id.in_(user_ids))
        .group_by(AccessReview.user_id)
        .subquery()
    )
    reviewer = User.__table__.alias("reviewer")
    rows = db.session.execute(
        select(AccessReview.user_id, AccessReview.reviewed_at, reviewer.c.display_name)
        .join(newest, newest.c.review_id == AccessReview.id)
        .outerjoin(reviewer, reviewer.c.id == AccessReview.reviewed_by_id)
    ).all()
    return {user_id: (reviewed_at, name) for user_id, reviewed_at, name in rows}


def mark_reviewed(by: User, user_id: int) -> AccessReview:
    """Record that ``by`` reviewed the user's access today. :raises AccessDenied: not theirs to review."""
    user = db.session.get(User, user_id)
    if user is None or not _may_mark(by, user):
        audit.record(by, "user.access_review", outcome=Outcome.DENIED, details={"user_id": user_id})
        raise AccessDenied()
    review = AccessReview(user_id=user.id, reviewed_by_id=by.id, reviewed_at=clock.now())
    db.session.add(review)
    db.session.flush()
    audit.record(by, "user.access_review", user, details={"roles": sorted(str(r) for r in user.roles)})
    return review
