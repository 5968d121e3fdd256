"""Alembic, driven from the app's own settings (``casebook db upgrade``) and from the tests."""

from __future__ import annotations

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
    from casebook.db import db

    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(app: Flask, revision: str) -> None:
    from casebook.db import db

    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
