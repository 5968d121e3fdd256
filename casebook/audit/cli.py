"""``casebook audit verify`` and ``casebook audit checkpoint``: prove the trail is untouched.

``verify`` walks the hash chain and, given a checkpoint file, also compares the head hashes
recorded there: an attacker who rewrites the whole chain (recomputing every hash) or cuts its
end off is caught against a checkpoint kept outside the database. Exit 1 names the first broken event.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from casebook.audit import chain
from casebook.db import db, utcnow


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of earlier checkpoints (from `casebook audit checkpoint --append`); each must still match.",
)
@with_appcontext
def verify(checkpoint_file: Path | None) -> None:
    """Walk the hash chain; exit 1 naming the first broken event."""
    session = db.session()
    result = chain.verify(session)
    if result.ok and checkpoint_file is not None:
        try:
            points = chain.read_checkpoints(checkpoint_file.read_text().splitlines())
        except ValueError as exc:
            click.echo(f"checkpoint file unreadable: {exc}", err=True)
            sys.exit(2)
        failure = chain.check_checkpoints(session, points)
        if failure is not None:
            result = failure
        else:
            click.echo(f"{len(points)} checkpoint(s) match")
    if not result.ok:
        click.echo(result.describe(), err=True)
        sys.exit(1)
    click.echo(result.describe())


@audit_group.command("checkpoint")
@click.option(
    "--append",
    "append_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append the line to this file; keep it outside the database server (WORM storage, another host).",
)
@with_appcontext
def checkpoint(append_to: Path | None) -> None:
    """Print the current head of the chain with a timestamp (after verifying the chain)."""
    result = chain.verify(db.session())  # the checkpoint is the head this walk verified
    if not result.ok:
        click.echo(result.describe(), err=True)
        click.echo("no checkpoint taken of a broken chain", err=True)
        sys.exit(1)
    line = chain.Checkpoint(utcnow(), result.head_seq, result.head_hash).line()
    if append_to is not None:
        with append_to.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    click.echo(line)
