"""The ``casebook`` command: a Flask CLI group. Each command is one transaction.

This module only assembles: the core commands (schema, demo data, users, the development server)
and the groups of the plumbing, kernel and trust layers (``keys``, ``audit``). Every domain module
adds its own group from its ``init_app(app)`` (``app.cli``), which the ``casebook`` command lists
once the app is loaded. The shared helpers live in ``casebook.commands``.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from casebook.audit.cli import audit_group
from casebook.commands import check_database, describe_database, transactional
from casebook.crypto.cli import keys_group
from casebook.db import db
from casebook.settings import ConfigurationError, effective, is_production

__all__ = ["check_database", "cli", "describe_database", "main", "transactional"]


def _create_app() -> Any:
    from casebook import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, load_dotenv=False)
def cli() -> None:
    """Casebook: case management for the persoonsgerichte aanpak."""


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
    """Create the demo Dordrecht: partners, districts, case types, accounts and about 60 cases (idempotent).

    Refused in production: demo accounts share one published password."""
    from casebook.demo.seed import database_is_empty, seed

    if is_production(current_app.config):
        click.echo(
            "Error: seed-demo is refused in production (CASEBOOK_ENV=production): demo accounts share one password",
            err=True,
        )
        sys.exit(2)
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


@cli.group("config")
def config_group() -> None:
    """The effective configuration."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: name → {value, source}.")
@with_appcontext
def config_show(as_json: bool) -> None:
    """Every setting with its effective value and where it came from (default, env, override,
    generated); secrets show as ******** and passwords inside URLs are masked."""
    import json

    rows = effective(current_app.config)
    if as_json:
        click.echo(json.dumps({name: {"value": value, "source": source} for name, value, source in rows}, indent=2))
        return
    width = max(len(name) for name, _value, _source in rows)
    for name, value, source in rows:
        shown = value if isinstance(value, str) else json.dumps(value)
        click.echo(f"{name:<{width}}  {shown}  ({source})")


cli.add_command(keys_group)
cli.add_command(audit_group)


def main() -> None:
    """Console-script entry point: configuration problems print one line and exit 1."""
    try:
        cli.main(prog_name="casebook")
    except ConfigurationError as exc:
        click.echo(f"casebook: {exc}", err=True)
        sys.exit(1)
