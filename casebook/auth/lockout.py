"""Brute-force protection of the login and the second factor.

Two layers, both in Flask-Limiter's storage (``memory://`` for one process, Redis for several;
``RATELIMIT_STORAGE_URL``):

- **per account**: ``LOGIN_MAX_FAILURES`` failed passwords or codes within ``LOGIN_FAILURE_WINDOW``
  lock the account name for ``LOGIN_LOCKOUT_SECONDS`` (counted from the last failure that locked it).
  The key is the username as typed, known or not — so an unknown name behaves exactly like a known
  one and the answer never reveals which accounts exist — but *normalised* exactly as usernames are
  stored and looked up (``normalise_username``): ``Alice``, ``alice`` and `` ALICE`` share one counter.
  Names are hashed before they reach the storage (no usernames in Redis).
- **per client address**: ``LOGIN_RATE_PER_ADDRESS`` failed attempts on the login, MFA and
  activation forms (a decorator on those views; see ``address_limit``).
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerSecond

from casebook.auth.models import normalise_username
from casebook.extensions import limiter
from casebook.ops import metrics


def _key(username: str) -> str:
    """The storage key of an account name: one per account, however its name was typed."""
    return "account:" + hashlib.sha256(normalise_username(username).encode()).hexdigest()[:32]


def _failures_item() -> RateLimitItemPerSecond:
    config = current_app.config
    return RateLimitItemPerSecond(config["LOGIN_MAX_FAILURES"], config["LOGIN_FAILURE_WINDOW"])


def _lock_item() -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(1, current_app.config["LOGIN_LOCKOUT_SECONDS"])


def is_locked(username: str) -> bool:
    return not limiter.limiter.test(_lock_item(), "lock", _key(username))


def register_failure(username: str) -> bool:
    """Count a failed password or code; returns True when the account is (now) locked."""
    key = _key(username)
    limiter.limiter.hit(_failures_item(), "failures", key)
    locked_now = not limiter.limiter.test(_failures_item(), "failures", key)
    if locked_now:
        limiter.limiter.hit(_lock_item(), "lock", key)
        limiter.limiter.clear(_failures_item(), "failures", key)
    metrics.login_failed(locked_now=locked_now)
    return is_locked(username)


def register_success(username: str) -> None:
    limiter.limiter.clear(_failures_item(), "failures", _key(username))


def _failed(response: Response) -> bool:
    """Only failed attempts count against an address: success answers with a redirect, and a 503
    (the database or this very storage away, ``casebook.web.is_outage``) was no attempt at all."""
    return response.status_code not in (301, 302, 303, 503)


def address_limit():
    """The per-address limit of the login, MFA and activation forms (POST only, failures only)."""
    return limiter.limit(
        lambda: current_app.config["LOGIN_RATE_PER_ADDRESS"],
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=_failed,
        scope="auth-address",
    )
