"""Authentication and user creation."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from casebook import audit
from casebook.audit import Outcome
from casebook.auth.models import Role, User, UserRole
from casebook.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from casebook.db import db
from casebook.organisations.models import Organisation


class UserError(ValueError):
    """Input that cannot become a user; the message is fit to show."""


def authenticate(username: str, password: str) -> User | None:
    """Return the active user for these credentials, or None. Audits success and failure.

    Unknown usernames cost the same argon2 verification as known ones.
    """
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        audit.record(
            user, "auth.login", outcome=Outcome.DENIED, details={"username_known": user is not None}, durable=True
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(user, "auth.login", user)
    return user


def create_user(
    username: str,
    display_name: str,
    organisation: Organisation,
    roles: Iterable[Role],
    password: str,
    *,
    by: User | None = None,
) -> User:
    """Create an active user. :raises UserError: taken username, weak password or no roles."""
    username = username.strip().lower()
    if not username:
        raise UserError("username is required")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)) is not None:
        raise UserError(f"username {username!r} is already taken")
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    roles = sorted(set(roles))
    if not roles:
        raise UserError("a user needs at least one role")
    user = User(
        username=username,
        display_name=display_name or username,
        organisation=organisation,
        password_hash=hash_password(password),
        role_rows=[UserRole(role=r) for r in roles],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(by, "user.create", user, details={"roles": [str(r) for r in roles], "organisation": organisation.slug})
    return user


def load_active_user(user_id: str) -> User | None:
    """Flask-Login loader: disabled users are logged out on their next request."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None
