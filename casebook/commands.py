"""Helpers every command group uses: one transaction per command, and a clear database error.

They live below ``casebook.cli`` (which only assembles the ``casebook`` command) so that a module's
CLI group can import them without importing the assembled command — no import circle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from casebook.db import db
from casebook.settings import ConfigurationError


def transactional(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command in the app context as one transaction: commit on success, else roll back."""

    @functools.wraps(func)
    @with_appcontext
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = func(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise

    return wrapper


def describe_database(url: str) -> str:
    """The database location without credentials, for error messages."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite file {parsed.database}"
    return f"{parsed.get_backend_name()} at {parsed.host or 'localhost'}:{parsed.port or 'default port'}"


def check_database() -> None:
    """:raises ConfigurationError: the database cannot be reached (message names the host only)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        where = describe_database(current_app.config["DATABASE_URL"])
        raise ConfigurationError(f"cannot reach the database ({where})") from exc
