"""Codes, slugs and usernames of a request turned into the ids the services take.

An unknown code becomes ``NO_SUCH_ID``, an id no row has, so the *service* refuses it with the same
rule and message as on the screens (where the id comes from a select list).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casebook.db import db

NO_SUCH_ID = -1  # truthy and never a row id: "given, but unknown"


def id_of(model: type, column: Any, value: str | None) -> int | None:
    """The id of the row whose ``column`` is ``value``; None when no value was given."""
    if value is None:
        return None
    return db.session.scalar(select(model.id).where(column == value)) or NO_SUCH_ID  # type: ignore[attr-defined]


def row_of(model: type, column: Any, value: str | None) -> Any:
    """The row whose ``column`` is ``value``, or None (for services that take objects)."""
    if value is None:
        return None
    return db.session.scalar(select(model).where(column == value))
