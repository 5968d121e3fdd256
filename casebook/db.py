"""Database plumbing: engine, the request-scoped session, the declarative base and column types.

Infrastructure only: no domain module is imported here. Services use ``db.session`` and flush;
the request or CLI wrapper commits once (see ``casebook.web`` and ``casebook.cli``).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, Engine, Integer, MetaData, String, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC: the only clock the models use."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones; storing naive UTC there and tagging it on the way out keeps both
    databases returning the same values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use casebook.db.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class IntEnumType(TypeDecorator):
    """Stores an ``IntEnum`` as its integer so ordered comparisons work in SQL."""

    impl = Integer
    cache_ok = True

    def __init__(self, enum_class: type[enum.IntEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(self.enum_class(value))

    def process_result_value(self, value: int | None, dialect: Any) -> enum.IntEnum | None:
        return None if value is None else self.enum_class(value)


class StrEnumType(TypeDecorator):
    """Stores a ``StrEnum`` as its value in a VARCHAR (no native enum: adding values is data only)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int = 32) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> enum.StrEnum | None:
        return None if value is None else self.enum_class(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine with the per-dialect settings Casebook relies on.

    SQLite: foreign keys on, and every transaction starts with ``BEGIN IMMEDIATE`` so writers
    are serialised from their first statement (the audit hash chain depends on it).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # Read-only checks (``execution_options(read_only=True)``) must not queue behind writers.
            read_only = connection.get_execution_options().get("read_only", False)
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


class AppBoundSession(Session):
    """A session bound to the current Flask app's engine unless given an explicit bind (tests)."""

    def get_bind(self, mapper: Any = None, clause: Any = None, **kwargs: Any) -> Any:
        if self.bind is None:
            return current_app.extensions["casebook.engine"]
        return super().get_bind(mapper, clause=clause, **kwargs)


class Database:
    """The engine of the current app and the thread-scoped session used by services."""

    def __init__(self) -> None:
        self.session = scoped_session(sessionmaker(class_=AppBoundSession, expire_on_commit=False))

    def init_app(self, app: Any) -> None:
        app.extensions["casebook.engine"] = make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"])

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["casebook.engine"]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


db = Database()
