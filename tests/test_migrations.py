"""Migrations: an empty database upgrades to a schema that matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

import casebook.models  # noqa: F401
from casebook import create_app, migrate
from casebook.db import Base, db
from tests.conftest import TEST_SETTINGS


def _assert_models_match(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def _upgrade_and_downgrade(url: str, instance: str) -> None:
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": instance})
    with app.app_context():
        migrate.upgrade(app)
        _assert_models_match(url)
        migrate.downgrade(app, "base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(app)
        _assert_models_match(url)
        db.engine.dispose()


def test_one_head():
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1


def test_sqlite_upgrade_matches_models_and_downgrades(tmp_path):
    _upgrade_and_downgrade(f"sqlite:///{tmp_path / 'm.db'}", str(tmp_path))


def test_postgresql_upgrade_matches_models_and_downgrades(fresh_postgres_url, tmp_path):
    _upgrade_and_downgrade(fresh_postgres_url, str(tmp_path))


def _insert_row(connection, table: str, values: dict) -> None:
    """Row 1 of ``table`` as the schema of that revision has it: ``values``, and a plain value of the
    right kind in every other required column (every reference is to row 1)."""
    from sqlalchemy import text

    row = {"id": 1, **values}
    for column in inspect(connection).get_columns(table):
        name, kind = column["name"], str(column["type"]).upper()
        if name in row or column["nullable"] or column.get("default") is not None:
            continue
        if "INT" in kind or "BOOL" in kind:
            row[name] = 1
        elif "DATETIME" in kind or "TIMESTAMP" in kind:
            row[name] = "2026-01-01 00:00:00"
        elif "DATE" in kind:
            row[name] = "2026-01-01"
        elif "BLOB" in kind or "BINARY" in kind:
            row[name] = b"\\x00"
        else:
            row[name] = f"{name}-1"
    names = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join(f":{name}" for name in row)
    connection.execute(text(f'INSERT INTO "{table}" ({names}) VALUES ({marks})'), row)


def test_a_sqlite_upgrade_that_rebuilds_tables_keeps_the_rows_that_cascade_from_them(tmp_path):
    """The steerable plan rebuilds ``plan_goal`` on SQLite (a new foreign key); its actions cascade
    from it. An upgrade over a database that has them must keep every one."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'rows.db'}"
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    before_plan = ScriptDirectory.from_config(migrate.alembic_config()).get_revision("d0041862951d").down_revision
    with app.app_context():
        migrate.upgrade(app, before_plan)
        with db.engine.begin() as connection:
            for table, values in (
                ("organisation", {"slug": "zvh", "kind": "zvh"}),
                ("case_type", {"code": "youth"}),
                ("status_type", {"case_type_id": 1, "code": "melding"}),
                ("case", {"reference": "PGA-2026-00001", "case_type_id": 1, "status_id": 1}),
                ("plan_goal", {"case_id": 1}),
                ("plan_action", {"case_id": 1, "goal_id": 1, "owner_organisation_id": 1, "status": "open"}),
            ):
                _insert_row(connection, table, values)
        migrate.upgrade(app)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM plan_action")).scalar() == 1
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again for the app
        db.engine.dispose()
