"""Alembic, driven from the app's own settings (``casebook db upgrade``) and from the tests."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import Connection

from casebook.settings import PROJECT_ROOT


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    _migrate(lambda connection: command.upgrade(alembic_config(connection), revision))


def downgrade(app: Flask, revision: str) -> None:
    _migrate(lambda connection: command.downgrade(alembic_config(connection), revision))


def _migrate(run: Callable[[Connection], None]) -> None:
    """Run the migrations in one transaction; on SQLite with its foreign keys off meanwhile.

    SQLite cannot alter a constraint, so Alembic rebuilds such a table (copy, drop, rename). With
    foreign keys on, dropping the old table first deletes its rows — and with them every row that
    cascades from them: rebuilding ``plan_goal`` would delete the plan's actions. The pragma only
    takes effect outside a transaction, so it is set on the raw connection before the transaction
    starts and set back after; before the commit ``foreign_key_check`` proves nothing was left
    dangling, or the upgrade rolls back."""
    from casebook.db import db

    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                run(connection)
                if sqlite:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if dangling:
                        raise RuntimeError(f"the migration left rows referring to nothing: {dangling[:5]}")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")
