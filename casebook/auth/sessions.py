"""Server-side login sessions: the cookie carries only a random 128-bit id.

Every request looks its session record up (``current``): an ended, idle or too old session is
refused, whatever the cookie says, so logout, a password change, an MFA reset, a change of roles
or organisation and disabling an account take effect on the very next request of every device.

Ending sessions because the account's credentials or access changed (``EndReason.revokes_credentials``)
also revokes every other credential of the user — today its API tokens — in the same call, so no
caller can end the sessions and forget the tokens. Other credential kinds register a revoker per app
(``add_credential_revoker``); a revoking end without any registered revoker fails loudly.

Flask's own (signed) cookie session still carries the CSRF token, flash messages and the chosen
language; it is cleared at every login, so nothing from before the login survives it (no fixation).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app, flash, g, has_request_context, request, session
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.auth import clock
from casebook.auth.models import User, UserSession
from casebook.db import db

SESSION_KEY = "sid"
STAGE_MFA = "mfa"  # password accepted, second factor pending
STAGE_FULL = "full"
LAST_SEEN_PRECISION = timedelta(seconds=60)  # "last seen" is written at most once a minute
_REVOKERS_KEY = "casebook.credential_revokers"


class EndReason(enum.StrEnum):
    """Why ``end_all`` ends a user's sessions; stored as the session's ``end_reason``.

    A new reason must be added here and decide ``revokes_credentials``: that is the point of the enum.
    """

    LOGOUT = "logout"
    MFA_ENROLLED = "mfa_enrolled"
    PASSWORD_CHANGE = "password_change"  # noqa: S105 - own change, or a password set through an activation link
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason code, not a password
    MFA_RESET = "mfa_reset"
    ROLES_CHANGED = "roles_changed"  # roles and/or organisation
    DISABLED = "disabled"
    ENDED_BY_ADMIN = "ended_by_admin"
    ENDED_BY_USER = "ended_by_user"

    @property
    def revokes_credentials(self) -> bool:
        """Logging out and finishing MFA enrolment keep API tokens; every other reason is a change of
        credentials or access (or an explicit "end everything"), after which nothing issued before may work."""
        return self not in (EndReason.LOGOUT, EndReason.MFA_ENROLLED)


# A revoker ends the user's credentials of one kind and returns how many it ended; it audits itself.
CredentialRevoker = Callable[[User, EndReason, "User | None"], int]


def add_credential_revoker(app: Flask, revoker: CredentialRevoker) -> None:
    """Register (once per app) a kind of credential that ``end_all`` revokes with the sessions."""
    revokers = app.extensions.setdefault(_REVOKERS_KEY, [])
    if revoker not in revokers:
        revokers.append(revoker)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, stage: str = STAGE_FULL) -> UserSession:
    """Begin a new session for ``user`` with a fresh id; whatever the browser held before is dropped."""
    locale = session.get("locale")
    session.clear()
    token = secrets.token_urlsafe(16)  # 128 bits from the OS CSPRNG
    moment = clock.now()
    row = UserSession(
        token_hash=token_hash(token),
        user=user,
        stage=stage,
        created_at=moment,
        last_seen_at=moment,
        authenticated_at=moment,
        client_ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:200] or None,
    )
    db.session.add(row)
    db.session.flush()
    session[SESSION_KEY] = token
    if locale:
        session["locale"] = locale
    g.user_session = row
    if stage == STAGE_FULL:
        audit.record(user, "auth.session.start", row)
    return row


def end(row: UserSession, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at = clock.now()
        row.end_reason = reason
    if has_request_context() and g.get("user_session") is row:
        session.pop(SESSION_KEY, None)
        g.user_session = None


def end_all(user: User, reason: EndReason | str, *, by: User | None = None, keep: UserSession | None = None) -> int:
    """End every open session of ``user`` (all devices, except ``keep``) and return how many were open.

    When ``reason`` revokes credentials, the user's API tokens (and any other registered credential)
    are revoked too, audited by the revoker with ``by`` as the actor (None: the user themselves).

    :raises ValueError: ``reason`` is not an ``EndReason``.
    :raises RuntimeError: a revoking reason while no credential revoker is registered for this app.
    """
    reason = EndReason(reason)
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(
        query.values(ended_at=clock.now(), end_reason=str(reason)).execution_options(synchronize_session="fetch")
    )
    mine = g.get("user_session") if has_request_context() else None
    if mine is not None and mine.user_id == user.id and mine is not keep:
        session.pop(SESSION_KEY, None)
        g.user_session = None
    if reason.revokes_credentials:
        revokers = current_app.extensions.get(_REVOKERS_KEY)
        if not revokers:
            raise RuntimeError("no credential revoker registered: API tokens would outlive this change")
        for revoke in revokers:
            revoke(user, reason, by if by is not None else user)
    return result.rowcount or 0


def expired_reason(row: UserSession) -> str | None:
    """Why this session may no longer be used, or None while it is valid."""
    config = current_app.config
    moment = clock.now()
    if row.ended_at is not None:
        return row.end_reason or "ended"
    if not row.user.active:
        return "disabled"
    if row.stage == STAGE_MFA:
        return "mfa_timeout" if moment - row.created_at > timedelta(seconds=config["MFA_PENDING_TIMEOUT"]) else None
    if moment - row.created_at > timedelta(seconds=config["SESSION_ABSOLUTE_TIMEOUT"]):
        return "absolute_timeout"
    if moment - row.last_seen_at > timedelta(seconds=config["SESSION_IDLE_TIMEOUT"]):
        return "idle_timeout"
    return None


def _lookup() -> UserSession | None:
    """The valid session record named by this request's cookie (cached per request), or None."""
    if "user_session" in g:
        return g.user_session
    g.user_session = None
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    row = (  # one statement with the user's roles, which every page asks the policy about
        db.session.scalars(
            select(UserSession)
            .where(UserSession.token_hash == token_hash(token))
            .options(joinedload(UserSession.user).joinedload(User.role_rows))
        )
        .unique()
        .one_or_none()
    )
    if row is None:
        session.pop(SESSION_KEY, None)
        return None
    reason = expired_reason(row)
    if reason is not None:
        was_open = row.ended_at is None
        end(row, reason)
        session.pop(SESSION_KEY, None)
        if was_open:
            audit.record(row.user, "auth.session.end", row, details={"reason": reason})
        if reason in ("idle_timeout", "absolute_timeout", "mfa_timeout") or not was_open:
            flash(_("U bent uitgelogd. Log opnieuw in om verder te gaan."), "info")
        return None
    if row.stage == STAGE_FULL and clock.now() - row.last_seen_at >= LAST_SEEN_PRECISION:
        row.last_seen_at = clock.now()
    g.user_session = row
    return row


def current() -> UserSession | None:
    """The full (password and second factor) session of this request, or None."""
    row = _lookup()
    return row if row is not None and row.stage == STAGE_FULL else None


def pending() -> UserSession | None:
    """The session of this request that still waits for its second factor, or None."""
    row = _lookup()
    return row if row is not None and row.stage == STAGE_MFA else None


def load_user_from_request(_request: object) -> User | None:
    """Flask-Login's request loader: the user of a valid full session, else anonymous."""
    row = current()
    return row.user if row is not None else None


def active_sessions(user: User) -> list[UserSession]:
    """Open full sessions of ``user``, newest first, without those that have timed out."""
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.stage == STAGE_FULL)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    return [r for r in rows if expired_reason(r) is None]
