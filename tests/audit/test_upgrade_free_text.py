"""Upgrading a database written by a version with an unkeyed chain and plain-text reasons.

The database is migrated to the revision before the plain columns are dropped and filled as
the older version left it: an unkeyed chain whose events carry a free-text ``reason``, and a
break-the-glass grant with a plain reason and review note. Then the documented steps run:
``casebook db upgrade`` refuses, ``casebook audit move-free-text``, ``casebook db upgrade``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from casebook import audit, create_app, migrate
from casebook.access import break_glass as glass
from casebook.access.models import BreakGlassAccess
from casebook.audit import chain
from casebook.audit.models import AuditEvent
from casebook.cli import cli
from casebook.db import Base, db, utcnow
from tests.conftest import TEST_SETTINGS
from tests.factories import make_case, make_org, make_user

BEFORE_DROP = "211b5571a5b9"
OLD_REASON = "Oude reden, BSN 999996873 genoemd"
OLD_GRANT_REASON = "Plat opgeslagen reden met BSN 999996873 erin"
OLD_NOTE = "Plat opgeslagen oordeel"


def _legacy_event(seq: int, prev: str, reason: str | None) -> str:
    """Insert one event as the older version wrote it (reason column, unkeyed hash); return its hash."""
    event = AuditEvent(seq=seq, occurred_at=utcnow(), action="case.view", outcome="allowed", details={}, prev_hash=prev)
    event.hash = chain.compute_hash(prev, event, reason)
    db.session.execute(
        text(
            "INSERT INTO audit_event (seq, occurred_at, action, outcome, reason, details, prev_hash, hash)"
            " VALUES (:seq, :at, :action, 'allowed', :reason, '{}', :prev, :hash)"
        ),
        {"seq": seq, "at": event.occurred_at.replace(tzinfo=None), "action": "case.view", "reason": reason}
        | {"prev": prev, "hash": event.hash},
    )
    return event.hash


def _raw(table: str) -> str:
    rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
    values = [bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v) for r in rows for v in r]
    return "\n".join(values)


def _add_todays_columns(tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """The set-up and the older version's commands run with today's models on yesterday's schema:
    columns added since (e.g. ``user_account.email``) are added, nullable, until ``_drop_columns``
    removes them again before the real upgrade."""
    connection = db.session.connection()
    existing = inspect(connection)
    added = []
    for name in tables:
        present = {c["name"] for c in existing.get_columns(name)}
        for column in Base.metadata.tables[name].columns:
            if column.name not in present:
                kind = column.type.compile(dialect=connection.dialect)
                connection.execute(text(f'ALTER TABLE "{name}" ADD COLUMN "{column.name}" {kind}'))
                added.append((name, column.name))
    db.session.commit()
    return added


def _drop_columns(added: list[tuple[str, str]]) -> None:
    for name, column in added:
        db.session.execute(text(f'ALTER TABLE "{name}" DROP COLUMN "{column}"'))
    db.session.commit()
    db.session.remove()


def _upgrade_from_plain_text(url: str, instance: str) -> None:
    test_bind = db.session.session_factory.kw.get("bind")
    db.session.remove()
    db.session.configure(bind=None)
    try:
        app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": instance})
        runner = app.test_cli_runner()
        # the older version had no processing log (its table and the person columns it reads come later)
        observers = app.extensions.pop(audit.OBSERVERS, [])
        with app.app_context():
            migrate.upgrade(app, BEFORE_DROP)
            head = _legacy_event(1, chain.GENESIS_HASH, None)
            head = _legacy_event(2, head, OLD_REASON)
            db.session.commit()
            added = _add_todays_columns(("user_account", "case", "case_participant"))
            officer = make_user(org=make_org("politie-up"), roles=["caseworker"])
            case = make_case(lead=make_org("wijkteam-up"))
            grant = glass.break_glass(officer, case.reference, "wordt hieronder overschreven, lang genoeg")
            db.session.commit()
            grant_id = grant.id
            # the grant as the older version stored it: plain text, nothing encrypted
            db.session.execute(
                text(
                    "UPDATE break_glass_access SET reason = :r, review_note = :n,"
                    " reason_encrypted = NULL, review_note_encrypted = NULL WHERE id = :id"
                ),
                {"r": OLD_GRANT_REASON, "n": OLD_NOTE, "id": grant_id},
            )
            db.session.commit()
            db.session.remove()

            with pytest.raises(RuntimeError, match="move-free-text"):
                migrate.upgrade(app)
            moved = runner.invoke(cli, ["audit", "move-free-text"])
            assert moved.exit_code == 0, moved.output
            assert "moved 1 event reason(s) and 1 break-the-glass reason(s)" in moved.output
            again = runner.invoke(cli, ["audit", "move-free-text"])
            assert "moved 0 event reason(s) and 0" in again.output
            _drop_columns(added)
            migrate.upgrade(app)
            app.extensions[audit.OBSERVERS] = observers

            verified = runner.invoke(cli, ["audit", "verify"])
            assert verified.exit_code == 0, verified.output
            assert "unkeyed before re-anchoring event #3" in verified.output
            for table in ("audit_event", "break_glass_access", "audit_unkeyed_reason"):
                stored = _raw(table)
                assert "999996873" not in stored and "Plat opgeslagen" not in stored, table
            grant = db.session.get(BreakGlassAccess, grant_id)
            assert (grant.reason, grant.review_note) == (OLD_GRANT_REASON, OLD_NOTE)
            audit.record(None, "case.list")
            db.session.commit()
            assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
            db.session.remove()
            db.engine.dispose()
    finally:
        db.session.remove()
        db.session.configure(bind=test_bind)


def test_sqlite_upgrade_moves_plain_text_and_keeps_the_chain_verifiable(tmp_path):
    _upgrade_from_plain_text(f"sqlite:///{tmp_path / 'old.db'}", str(tmp_path))


@pytest.mark.postgres
def test_postgresql_upgrade_moves_plain_text_and_keeps_the_chain_verifiable(fresh_postgres_url, tmp_path):
    _upgrade_from_plain_text(fresh_postgres_url, str(tmp_path))
