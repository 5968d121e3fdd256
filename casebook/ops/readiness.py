"""``/readyz``: may this process take traffic? Each check says ok or fail, with a detail for operators.

Details name a component and a state ("unreachable", "at 1a2b…, head 3c4d…"), never a host, a
password, a key or any personal data: the body is readable by whoever can reach the endpoint (the
load balancer, the monitoring). Each check catches its own errors, so one broken dependency is one
named failing check, not a 500.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, text

from casebook.db import db

log = logging.getLogger(__name__)

OK = "ok"
FAIL = "fail"

Check = Callable[[], dict[str, Any]]


def _ok(detail: str, **extra: Any) -> dict[str, Any]:
    return {"status": OK, "detail": detail, **extra}


def _fail(detail: str, **extra: Any) -> dict[str, Any]:
    return {"status": FAIL, "detail": detail, **extra}


def check_database() -> dict[str, Any]:
    db.session.execute(text("SELECT 1"))
    return _ok("reachable")


def check_keyring() -> dict[str, Any]:
    """Loaded, holds the chain key, its primary key wraps and unwraps a data key, and it opens the
    newest data key stored under that primary key (one indexed row)."""
    from casebook.crypto.envelope import unwrap_dek, wrap_dek
    from casebook.crypto.models import DataKey

    keyring = current_app.extensions.get("casebook.keyring")
    if keyring is None:
        return _fail("not loaded")
    keyring.chain_key_for("event")
    probe = os.urandom(32)
    kek_id, wrapped = wrap_dek(keyring, probe, "readyz:0")
    if unwrap_dek(keyring, kek_id, wrapped, "readyz:0") != probe:
        return _fail("primary master key does not round-trip")
    stored = db.session.execute(
        select(DataKey.id, DataKey.owner_type, DataKey.owner_ref, DataKey.wrapped)
        .where(DataKey.kek_id == keyring.primary_id, DataKey.wrapped.is_not(None))
        .order_by(DataKey.id.desc())
        .limit(1)
    ).first()
    if stored is not None:
        unwrap_dek(keyring, keyring.primary_id, stored.wrapped, f"{stored.owner_type}:{stored.owner_ref}")
    return _ok("loaded; the primary master key opens the stored data keys")


def check_redis() -> dict[str, Any] | None:
    """Only when the rate limits live in Redis (``RATELIMIT_STORAGE_URL``); None: not configured."""
    url = str(current_app.config["RATELIMIT_STORAGE_URL"])
    if not url.startswith(("redis://", "rediss://", "redis+")):
        return None
    from casebook.extensions import limiter

    if limiter.storage.check():
        return _ok("reachable")
    return _fail("unreachable")


def check_migrations() -> dict[str, Any]:
    """The database's Alembic revision is the migrations' head (an old schema after a deploy, or a
    database newer than this code, both fail)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from casebook import migrate

    heads = set(ScriptDirectory.from_config(migrate.alembic_config()).get_heads())
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    if current == heads:
        return _ok("at head", revision=",".join(sorted(heads)))
    return _fail("not at head", database=",".join(sorted(current)) or "none", head=",".join(sorted(heads)))


def check_audit_chain() -> dict[str, Any]:
    """Events since the last signed checkpoint: their number and the age of the oldest, failing when
    that age passes ``AUDIT_UNSEALED_MAX_AGE_SECONDS`` (unset: reported, never failing)."""
    from casebook.ops import audit_lag

    lag = audit_lag.measure(db.session(), datetime.now(UTC))
    limit = current_app.config.get("AUDIT_UNSEALED_MAX_AGE_SECONDS")
    figures = {
        "unsealed_events": lag.unsealed,
        "oldest_unsealed_age_seconds": round(lag.oldest_unsealed_age_seconds),
        "max_age_seconds": limit,
    }
    if limit and lag.oldest_unsealed_age_seconds > float(limit):
        return _fail("last checkpoint too old", **figures)
    return _ok("within limit" if limit else "no limit set", **figures)


CHECKS: tuple[tuple[str, Callable[[], dict[str, Any] | None]], ...] = (
    ("database", check_database),
    ("keyring", check_keyring),
    ("redis", check_redis),
    ("migrations", check_migrations),
    ("audit_chain", check_audit_chain),
)
NEEDS_DATABASE = frozenset({"keyring", "migrations", "audit_chain"})


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    """All checks; those that need the database are reported as skipped failures when it is down."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS:
        if name in NEEDS_DATABASE and results.get("database", {}).get("status") == FAIL:
            results[name] = _fail("not checked: database unreachable")
            continue
        try:
            result = check()
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, type(exc).__name__)
            db.session.rollback()
            result = _fail(_failure_detail(name, exc))
        if result is not None:
            results[name] = result
    return all(r["status"] == OK for r in results.values()), results


def _failure_detail(name: str, exc: Exception) -> str:
    """The kind of failure, never the exception's message (which may name hosts or hold data)."""
    if name == "database" or type(exc).__module__.startswith(("sqlalchemy", "psycopg")):
        return "unreachable" if name == "database" else "database error"
    return f"error ({type(exc).__name__})"
