"""The ``casebook`` command: a Flask CLI group. Each command is one transaction."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from casebook.db import db
from casebook.settings import ConfigurationError


def _create_app() -> Any:
    from casebook import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, load_dotenv=False)
def cli() -> None:
    """Casebook: case management for the persoonsgerichte aanpak."""


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


@cli.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations."""
    from casebook import migrate

    check_database()
    migrate.upgrade(current_app, revision)
    click.echo(f"database upgraded to {revision}")


@cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database holds no organisations yet.")
@transactional
def seed_demo(if_empty: bool) -> None:
    """Create the demo Dordrecht: partners, districts, case types, accounts and about 60 cases (idempotent)."""
    from casebook.demo.seed import database_is_empty, seed

    check_database()
    if if_empty and not database_is_empty():
        click.echo("demo data: database already has data, nothing to do")
        return
    summary = seed(current_app.config["DEMO_PASSWORD"])
    click.echo("demo data: " + ", ".join(f"{count} {name}" for name, count in summary.items()))


@cli.group("user")
def user_group() -> None:
    """User accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--organisation", "organisation_slug", required=True, help="Organisation slug, e.g. zvh.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["caseworker", "coordinator", "supervisor", "admin"]),
)
@click.option("--display-name", default="", help="Name shown in the header; defaults to the username.")
@click.password_option(help="At least 12 characters; asked for when not given.")
@transactional
def user_create(
    username: str, organisation_slug: str, roles: tuple[str, ...], display_name: str, password: str
) -> None:
    """Create a user account."""
    from sqlalchemy import select

    from casebook.auth.models import Role
    from casebook.auth.services import UserError, create_user
    from casebook.organisations.models import Organisation

    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == organisation_slug))
    try:
        if organisation is None:
            raise UserError(f"unknown organisation {organisation_slug!r}")
        user = create_user(username, display_name, organisation, [Role(r) for r in roles], password)
    except UserError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"created user {user.username} ({organisation.slug}: {', '.join(roles)})")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT")
@with_appcontext
def serve(host: str, port: int) -> None:
    """Development server. Production: gunicorn 'wsgi:app' (see README)."""
    check_database()
    click.echo(f"Casebook on http://{host}:{port}/")
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), use_reloader=False, use_debugger=False, threaded=True)


from casebook.api.cli import token_group  # noqa: E402 - the group module imports ``transactional`` from here

cli.add_command(token_group)
from casebook.crypto.cli import bench_group, keys_group  # noqa: E402 - groups defined in their own modules
from casebook.people.cli import people_group  # noqa: E402

cli.add_command(keys_group)
cli.add_command(bench_group)
from casebook.bench_cli import bench_scale  # noqa: E402 - `casebook bench scale`, code in bench/scale

bench_group.add_command(bench_scale)
cli.add_command(people_group)
from casebook.handoffs.cli import handoffs_group  # noqa: E402 - a domain group, added after the core commands

cli.add_command(handoffs_group)


def main() -> None:
    """Console-script entry point: configuration problems print one line and exit 1."""
    try:
        cli.main(prog_name="casebook")
    except ConfigurationError as exc:
        click.echo(f"casebook: {exc}", err=True)
        sys.exit(1)


from casebook.audit.cli import audit_group  # noqa: E402 - the group lives with its module

cli.add_command(audit_group)
