"""API token services: issue, authenticate, record use, list and revoke.

A token reads ``cbt_<lookup id>_<secret>``: the recognisable prefix lets secret scanners spot a
leaked token, the lookup id finds the row, and only ``sha256(secret)`` is stored. The secret has
256 bits of entropy, so a fast hash is enough (no password stretching needed) and a database
leak reveals no usable token. A token acts as its user: it carries no rights of its own, and an
inactive user's tokens stop working at once.

A token never outlives a change of its user's credentials or access: whenever the user's sessions are
ended for such a reason (``casebook.auth.sessions.EndReason.revokes_credentials``: password reset or
change, MFA reset, roles or organisation, disabling, "end all sessions"), ``revoke_all_for`` revokes
every active token of the user with that reason, registered for each app through ``tokens_bp``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from casebook import audit
from casebook.access import Action, load_or_404
from casebook.api import tokens_bp
from casebook.api.models import ApiToken
from casebook.audit import Outcome
from casebook.auth import sessions
from casebook.auth.models import User
from casebook.db import db, utcnow

TOKEN_PREFIX = "cbt"  # noqa: S105 - a public marker, not a secret
REVOKED_BY_OWNER = "revoked"  # the revoked_reason of a token revoked by hand (its owner, or the CLI)
DEFAULT_LIFETIME = timedelta(days=30)
MAX_LIFETIME = timedelta(days=365)
LAST_USED_PRECISION = timedelta(seconds=60)  # "last used" is written at most once a minute
_LIFETIME_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1), "y": timedelta(days=365)}
_TOKEN_SHAPE = re.compile(rf"^{TOKEN_PREFIX}_([0-9a-f]{{16}})_([A-Za-z0-9_-]{{43}})$")


class TokenError(ValueError):
    """Input that cannot become a token; the message is fit to show."""


class InvalidToken(Exception):
    """The bearer token is malformed, unknown, wrong, expired, revoked or its user inactive."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


def parse_lifetime(text: str) -> timedelta:
    """``30d``, ``12w``, ``1y`` or ``48h`` → a timedelta of at most one year.

    :raises TokenError: not a positive number with a unit, or longer than a year.
    """
    match = re.fullmatch(r"\s*(\d{1,4})\s*([hdwy])\s*", text or "")
    if not match or int(match.group(1)) == 0:
        raise TokenError("expiry must look like 30d, 12w, 1y or 48h")
    lifetime = int(match.group(1)) * _LIFETIME_UNITS[match.group(2)]
    if lifetime > MAX_LIFETIME:
        raise TokenError("a token lives at most one year (365d)")
    return lifetime


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def create_token(
    user: User,
    *,
    name: str,
    lifetime: timedelta = DEFAULT_LIFETIME,
    read_only: bool = False,
    by: User | None,
    now: datetime | None = None,
) -> IssuedToken:
    """Issue a token for ``user``. ``by`` is the acting user (None for the CLI). Audited.

    :raises TokenError: empty or long name, lifetime not within (0, 1 year], or an inactive user.
    """
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise TokenError("a token needs a name of at most 80 characters")
    if lifetime <= timedelta(0) or lifetime > MAX_LIFETIME:
        raise TokenError("a token lives at most one year (365d)")
    if not user.active:
        raise TokenError(f"user {user.username!r} is not active")
    now = now or utcnow()
    lookup_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)  # 256 bits → 43 characters
    token = ApiToken(
        lookup_id=lookup_id,
        secret_hash=_hash(secret),
        user=user,
        name=name,
        read_only=read_only,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        by,
        "api.token.create",
        token,
        details={"token_owner": user.username, "read_only": read_only, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{lookup_id}_{secret}")


def authenticate(raw: str, *, now: datetime | None = None) -> ApiToken:
    """Return the active token for ``raw``; else audit the failure (durably) and raise.

    Unknown lookup ids and wrong secrets take the same path, so timing tells nothing useful.

    :raises InvalidToken: with a reason for the audit trail (never shown to the caller).
    """
    now = now or utcnow()
    match = _TOKEN_SHAPE.match(raw or "")
    if match is None:
        _deny(None, None, "malformed")
    lookup_id, secret = match.groups()
    token = db.session.scalar(select(ApiToken).where(ApiToken.lookup_id == lookup_id))
    expected = token.secret_hash if token is not None else _hash("x" * 43)
    if not hmac.compare_digest(expected, _hash(secret)) or token is None:
        _deny(token.user if token else None, token, "unknown" if token is None else "wrong_secret")
    if token.revoked_at is not None:
        _deny(token.user, token, "revoked")
    if now >= token.expires_at:
        _deny(token.user, token, "expired")
    if not token.user.active:
        _deny(token.user, token, "user_inactive")
    return token


def _deny(user: User | None, token: ApiToken | None, reason: str) -> None:
    audit.record(user, "api.token.use", token, outcome=Outcome.DENIED, details={"reason": reason}, durable=True)
    raise InvalidToken(reason)


def record_use(token: ApiToken, *, method: str, endpoint: str, now: datetime | None = None) -> None:
    """Mark the token used and audit the use durably (kept even when the request fails).

    "Last used" is written at most once per ``LAST_USED_PRECISION``: writing it on every request
    would lock the token's row from the first flush to the commit, so every request made with one
    token — an integration's parallel calls — would wait for the one before it. Each use is in the
    audit trail anyway.
    """
    moment = now or utcnow()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = moment
    audit.record(token.user, "api.token.use", token, details={"method": method, "endpoint": endpoint}, durable=True)


def deny_write(token: ApiToken, *, method: str, endpoint: str) -> None:
    """Audit a read-only token's attempt to change something (the caller answers 403)."""
    audit.record(
        token.user,
        "api.token.use",
        token,
        outcome=Outcome.DENIED,
        details={"reason": "read_only", "method": method, "endpoint": endpoint},
        durable=True,
    )


def list_for(user: User) -> list[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones included, for the record)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def load_own(user: User, token_id: int) -> ApiToken:
    """The token if it belongs to ``user``; else audit the denial and 404.

    :raises AccessDenied: another user's token or none at all.
    """
    return load_or_404(user, ApiToken, token_id, Action.LOAD_OWN_TOKEN, audit_read=False)


def revoke(token: ApiToken, *, by: User | None, now: datetime | None = None) -> bool:
    """Revoke the token (idempotent: revoking twice keeps the first time). Audited when it changes."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now or utcnow()
    token.revoked_reason = REVOKED_BY_OWNER
    audit.record(by, "api.token.revoke", token, details={"token_owner": token.user.username})
    return True


def revoke_all_for(user: User, reason: str, by: User | None, *, now: datetime | None = None) -> int:
    """Revoke every unrevoked token of ``user`` because of ``reason``; returns how many.

    One conditional UPDATE, so a token used in a parallel request is revoked all the same. Always
    audited (``api.token.revoke_all`` on the user, with the reason and the count, never token values),
    also when there was nothing to revoke: the trail shows that the change was applied to tokens.
    """
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), revoked_reason=str(reason))
        .execution_options(synchronize_session="fetch")
    )
    revoked = result.rowcount or 0
    audit.record(
        by,
        "api.token.revoke_all",
        user,
        details={"token_owner": user.username, "reason": str(reason), "tokens_revoked": revoked},
    )
    return revoked


@tokens_bp.record_once
def _register_revoker(state: Any) -> None:
    """Ending a user's sessions for a change of credentials revokes their tokens, in every app."""
    sessions.add_credential_revoker(state.app, revoke_all_for)
