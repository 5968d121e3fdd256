"""Alembic environment: the connection comes from casebook.migrate, or from the app's settings."""

from alembic import context
from sqlalchemy.types import TypeDecorator

import casebook.models  # noqa: F401 - registers every table on the metadata
from casebook.db import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Render Casebook's column types as their plain SQL types, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return "sa." + repr(obj.impl)
    return False


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    from casebook import create_app
    from casebook.db import db

    with create_app().app_context(), db.engine.begin() as conn:
        run_migrations(conn)
