"""Authentication, passwords and user creation: the rules, audited, in the caller's transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from casebook import audit
from casebook.access import roles_compatible
from casebook.audit import Outcome
from casebook.auth import clock, lockout
from casebook.auth.models import ActivationToken, Role, User, UserRole, normalise_username
from casebook.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from casebook.db import db
from casebook.organisations.models import Organisation

# Separation of duties (the policy's ``roles_compatible``): said the same way by the CLI and the screens.
INCOMPATIBLE_ROLES = _l("Een functioneel beheerder kan geen rol hebben die met casussen werkt (scheiding van taken).")


class UserError(ValueError):
    """Input that cannot become a user; the message is fit to show."""


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of a password check: a user, or nothing, and whether the account name is locked."""

    user: User | None
    locked: bool = False


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == normalise_username(username)))


def authenticate(username: str, password: str) -> LoginAttempt:
    """Check a username and password. Audits success and failure; counts failures for the lockout.

    Unknown usernames cost the same argon2 verification, count towards the same lockout and get
    the same answer as known ones. A locked name is not checked at all (but still costs a hash).
    """
    user = find_user(username)
    if lockout.is_locked(username):
        verify_password(None, password)  # same cost as a real check
        audit.record(user, "auth.login", outcome=Outcome.DENIED, details={"locked": True}, durable=True)
        return LoginAttempt(None, locked=True)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        locked = lockout.register_failure(username)
        audit.record(
            user,
            "auth.login",
            outcome=Outcome.DENIED,
            details={"username_known": user is not None, "locked": locked},
            durable=True,
        )
        return LoginAttempt(None, locked=locked)
    lockout.register_success(username)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(user, "auth.login", user, details={"factor": "password"})
    return LoginAttempt(user)


def check_new_password(user: User | None, password: str, username: str = "", display_name: str = "") -> None:
    """:raises UserError: the password is too short, too long or too easy to guess."""
    inputs = [username, display_name]
    if user is not None:
        inputs += [user.username, user.display_name, *user.username.replace("-", ".").split(".")]
    problem = password_problem(password, [i for i in inputs if i])
    if problem:
        raise UserError(problem)


def set_password(user: User, password: str, *, must_change: bool = False) -> None:
    check_new_password(user, password)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.must_change_password = must_change


def change_password(user: User, current_password: str, new_password: str) -> bool:
    """The user's own change: needs the current password. Returns False when that is wrong.

    The caller ends all the user's sessions (``sessions.end_all``, which also revokes their API tokens)
    and starts a fresh one.
    :raises UserError: the new password is not acceptable.
    """
    if not verify_password(user.password_hash, current_password):
        lockout.register_failure(user.username)
        audit.record(user, "auth.password.change", user, outcome=Outcome.DENIED, durable=True)
        return False
    if verify_password(user.password_hash, new_password):
        from flask_babel import gettext as _

        raise UserError(_("Kies een ander wachtwoord dan het huidige."))
    set_password(user, new_password)
    audit.record(user, "auth.password.change", user)
    return True


def create_user(
    username: str,
    display_name: str,
    organisation: Organisation,
    roles: Iterable[Role],
    password: str | None,
    *,
    by: User | None = None,
    must_change_password: bool = False,
) -> User:
    """Create an active user. ``password`` None: the user has no usable password until activation.

    :raises UserError: taken or malformed username, weak password or no roles.
    """
    username = normalise_username(username)
    if not username:
        raise UserError("username is required")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)) is not None:
        raise UserError(f"username {username!r} is already taken")
    if password is not None:
        check_new_password(None, password, username, display_name)
    roles = sorted(set(roles))
    if not roles:
        raise UserError("a user needs at least one role")
    if not roles_compatible(roles):
        raise UserError(str(INCOMPATIBLE_ROLES))
    user = User(
        username=username,
        display_name=display_name or username,
        organisation=organisation,
        # No password yet: a random one nobody knows, replaced through the activation link.
        password_hash=hash_password(password if password is not None else secrets.token_urlsafe(32)),
        password_changed_at=clock.now() if password is not None else None,
        must_change_password=must_change_password,
        role_rows=[UserRole(role=r) for r in roles],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(by, "user.create", user, details={"roles": [str(r) for r in roles], "organisation": organisation.slug})
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_activation_token(user: User) -> str:
    """A new one-time activation token for ``user`` (older unused ones stop working); returned once."""
    moment = clock.now()
    for old in db.session.scalars(
        select(ActivationToken).where(ActivationToken.user_id == user.id, ActivationToken.used_at.is_(None))
    ):
        old.used_at = moment
    token = secrets.token_urlsafe(32)
    db.session.add(
        ActivationToken(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=moment,
            expires_at=moment + timedelta(hours=current_app.config["ACTIVATION_LINK_HOURS"]),
        )
    )
    db.session.flush()
    return token


def find_activation(token: str) -> ActivationToken | None:
    """The unused, unexpired activation for ``token`` (of an active user), or None."""
    row = db.session.scalar(select(ActivationToken).where(ActivationToken.token_hash == _token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        return None
    user = db.session.get(User, row.user_id)
    return row if user is not None and user.active else None


def activate(row: ActivationToken, password: str) -> User:
    """Set the user's own password through a one-time link; the link is spent.

    Never touches MFA: an enrolled second factor stays required, an unenrolled one is set up at login.
    :raises UserError: the password is not acceptable.
    """
    user = db.session.get(User, row.user_id)
    assert user is not None
    set_password(user, password)
    row.used_at = clock.now()
    audit.record(user, "auth.activate", user)
    return user
