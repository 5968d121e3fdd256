"""Re-authentication ("step-up") for sensitive operations: exports, key operations, revealing a BSN.

Contract for other modules::

    from casebook.auth.reauth import require_recent_login, is_recent_login

    @bp.post("/persons/<int:person_id>/bsn")
    @require_recent_login(300)          # password (and second factor) entered in the last 5 minutes
    def reveal_bsn(person_id): ...

    if not is_recent_login(300): ...    # the same check as a function, e.g. inside a service

When the last login is older, a GET is redirected to ``/reauth?next=<this page>``; any other method
is redirected (303) to ``/reauth?next=<the page the form was on>`` (a local Referer, else ``/``),
so the user confirms and submits again. Re-authentication asks the password and, when the user has
MFA, a TOTP or recovery code, and then issues a new session id.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import redirect, request, url_for

from casebook.auth import clock, sessions

F = TypeVar("F", bound=Callable[..., Any])


def is_recent_login(max_age_seconds: int) -> bool:
    """Did the current user prove their password (and second factor) within ``max_age_seconds``?"""
    row = sessions.current()
    return row is not None and clock.now() - row.authenticated_at <= timedelta(seconds=max_age_seconds)


def _return_path() -> str:
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return "/"
    return (referrer.path or "/") + (f"?{referrer.query}" if referrer.query else "")


def require_recent_login(max_age_seconds: int = 300) -> Callable[[F], F]:
    """Decorator: the view runs only after a login within ``max_age_seconds``; else to ``/reauth``."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not is_recent_login(max_age_seconds):
                return redirect(url_for("auth.reauth", next=_return_path()), 302 if request.method == "GET" else 303)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
