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
