"""/healthz (liveness) and /readyz (readiness): public, cheap, a clear JSON body, no secrets."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from casebook import audit
from casebook.db import db, utcnow
from casebook.ops.jobs import CHECKPOINT_JOB, SUCCESS, JobRun


def _database_down(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused to db.internal:5432 password=x"))

    monkeypatch.setattr(db.session, "execute", broken)


def test_healthz_answers_without_login_and_without_the_database(client, monkeypatch):
    _database_down(monkeypatch)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "X-Request-Id" in response.headers


def test_readyz_is_ok_on_a_healthy_app(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {"database", "keyring", "migrations", "audit_chain"} <= set(body["checks"])
    assert "redis" not in body["checks"]  # rate limits in memory: nothing to check
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_naming_the_database_when_it_is_unreachable(client, monkeypatch):
    _database_down(monkeypatch)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"status": "fail", "detail": "unreachable"}
    text = response.get_data(as_text=True)
    assert "db.internal" not in text and "password" not in text  # the exception's message stays in the server


def test_readyz_is_503_when_the_migrations_are_not_at_head(client, monkeypatch):
    from alembic.script import ScriptDirectory

    monkeypatch.setattr(ScriptDirectory, "get_heads", lambda self: ["ffffffffffff"])
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.get_json()["checks"]["migrations"]
    assert check["status"] == "fail"
    assert check["head"] == "ffffffffffff"
    assert response.get_json()["checks"]["database"]["status"] == "ok"


def test_readyz_is_503_when_the_keyring_is_missing(app, client, monkeypatch):
    monkeypatch.delitem(app.extensions, "casebook.keyring")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["keyring"] == {"status": "fail", "detail": "not loaded"}


def test_readyz_checks_redis_only_when_the_rate_limits_live_there(app, client, monkeypatch):
    from casebook.extensions import limiter

    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URL", "redis://redis.internal:6379/0")
    monkeypatch.setattr(type(limiter.storage), "check", lambda self: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == {"status": "fail", "detail": "unreachable"}
    assert "redis.internal" not in response.get_data(as_text=True)


def test_readyz_fails_when_events_wait_too_long_for_a_checkpoint(app, client, monkeypatch):
    audit.record(None, "test.ops.event")
    db.session.commit()
    monkeypatch.setitem(app.config, "AUDIT_UNSEALED_MAX_AGE_SECONDS", 1e-6)
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.get_json()["checks"]["audit_chain"]
    assert check["status"] == "fail"
    assert check["unsealed_events"] >= 1

    # a checkpoint covering the head (what `casebook audit checkpoint` records) clears it
    head = db.session.scalar(select(func.max(audit.AuditEvent.seq)))
    now = utcnow()
    db.session.add(JobRun(job=CHECKPOINT_JOB, outcome=SUCCESS, started_at=now, finished_at=now, position=head))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"]["audit_chain"]["unsealed_events"] == 0
