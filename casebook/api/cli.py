"""``casebook token …``: issue and revoke API tokens from the command line."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from casebook.api.schemas.common import MAX_ID
from casebook.commands import transactional
from casebook.db import db


@click.group("token")
def token_group() -> None:
    """API tokens (bearer tokens for /api/v1/)."""


@token_group.command("create")
@click.argument("username")
@click.option("--expires", default="30d", show_default=True, help="Lifetime: 48h, 30d, 12w or 1y (at most 1 year).")
@click.option("--read-only", is_flag=True, help="The token may only read (GET).")
@click.option("--name", default="cli", show_default=True, help="What the token is for, e.g. the partner system.")
@transactional
def token_create(username: str, expires: str, read_only: bool, name: str) -> None:
    """Create a token for USERNAME; the token itself is the last line of output (shown once)."""
    from casebook.api import tokens
    from casebook.auth.models import User

    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    try:
        if user is None:
            raise tokens.TokenError(f"unknown user {username!r}")
        issued = tokens.create_token(
            user, name=name, lifetime=tokens.parse_lifetime(expires), read_only=read_only, by=None
        )
    except tokens.TokenError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    kind = "read-only" if read_only else "read-write"
    click.echo(
        f"token {issued.token.id} for {user.username} ({kind}), expires {issued.token.expires_at:%Y-%m-%d %H:%M} UTC"
    )
    click.echo(issued.plaintext)


@token_group.command("revoke")
@click.argument("token_id", type=int)
@transactional
def token_revoke(token_id: int) -> None:
    """Revoke the token with id TOKEN_ID (as printed by `token create`)."""
    from casebook.api import tokens
    from casebook.api.models import ApiToken

    token = db.session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None:
        click.echo(f"Error: no token {token_id}", err=True)
        sys.exit(2)
    changed = tokens.revoke(token, by=None)
    click.echo(f"token {token_id} {'revoked' if changed else 'was already revoked'}")
