"""``casebook keys init | rotate | retire KEY_ID | verify [--sample N]`` (``casebook bench crypto`` lives in
``casebook.bench``).

Rotation and verification work in batches with one transaction per batch, so a large register
never sits in one long transaction and an interrupted rotation resumes where it stopped.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from casebook import audit
from casebook.crypto.errors import KeyringError
from casebook.crypto.keyring import add_chain_key, add_primary_key, init_keyring, load_keyring, remove_key
from casebook.crypto.setup import keyring_path
from casebook.crypto.store import current_keyring
from casebook.db import db


def check_session_database() -> None:
    """Like ``casebook.commands.check_database`` but on the command's own session (one connection, no second one).

    :raises ConfigurationError: the database cannot be reached (message names the host only).
    """
    from casebook.commands import describe_database
    from casebook.settings import ConfigurationError

    try:
        db.session.execute(text("SELECT 1"))
    except OperationalError as exc:
        db.session.rollback()
        where = describe_database(current_app.config["DATABASE_URL"])
        raise ConfigurationError(f"cannot reach the database ({where})") from exc


@click.group("keys")
def keys_group() -> None:
    """Master keys (KEKs) of encryption at rest."""


def _keyring_file() -> str:
    """The keyring file to change; refuses when the keyring comes from the environment (exit 2)."""
    if current_app.config.get("MASTER_KEYS"):
        click.echo(
            "Error: the keyring comes from CASEBOOK_MASTER_KEYS; change it where that value is managed "
            "(or use a keyring file, CASEBOOK_KEYRING)",
            err=True,
        )
        sys.exit(2)
    return str(keyring_path(current_app.config))


@keys_group.command("init")
@click.option("--path", "path", default=None, help="Keyring file; default CASEBOOK_KEYRING or instance/keyring.json.")
def keys_init(path: str | None) -> None:
    """Create a new keyring file (mode 0600) with one primary master key; never overwrites one."""
    from casebook.settings import load_settings

    settings = load_settings()
    if settings.get("MASTER_KEYS") and path is None:
        click.echo("Error: CASEBOOK_MASTER_KEYS is set; the keyring comes from the environment", err=True)
        sys.exit(2)
    target = path or str(keyring_path(settings))
    try:
        keyring = init_keyring(target)
    except KeyringError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"created keyring {target} with primary master key {keyring.primary_id}")
    click.echo("Back it up outside the database backups: without it, no encrypted value can be read.")


@keys_group.command("add-chain-key")
@with_appcontext
def keys_add_chain_key() -> None:
    """Add the audit chain key to a keyring written before the chain was keyed (once; it never changes)."""
    path = _keyring_file()
    try:
        add_chain_key(path)
    except KeyringError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"added the audit chain key to {path}; restart the application to use it")


@keys_group.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def keys_rotate(batch_size: int) -> None:
    """Add a new primary master key and re-wrap every data key under it (field ciphertext is untouched).

    Resumable: when data keys are still wrapped under an older key (an interrupted run), a new
    run continues with those under the current primary instead of adding another key.
    """
    from casebook.crypto import maintenance

    check_session_database()
    path = _keyring_file()
    keyring = current_keyring()
    remaining = maintenance.data_keys_not_under(db.session(), keyring.primary_id)
    if remaining:
        click.echo(f"continuing an unfinished rotation to master key {keyring.primary_id}")
    else:
        try:
            new_id = add_primary_key(path)
            keyring = load_keyring(path)
        except KeyringError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        current_app.extensions["casebook.keyring"] = keyring
        click.echo(f"added master key {new_id} as primary to {path}")
        remaining = maintenance.data_keys_not_under(db.session(), keyring.primary_id)
    with click.progressbar(length=remaining, label="re-wrapping data keys") as bar:
        result = maintenance.rewrap_all(db.session(), keyring, batch_size=batch_size, on_batch=bar.update)
    audit.record(
        None,
        "keys.rotate",
        details={"primary_key_id": keyring.primary_id, "rewrapped": result.rewrapped, "failed": len(result.failed)},
    )
    db.session.commit()
    click.echo(f"{result.rewrapped} data key(s) re-wrapped under {keyring.primary_id}")
    click.echo("Restart the application processes so they use the new primary key; then retire the old key.")
    if result.failed:
        ids = ", ".join(str(i) for i in result.failed[:20])
        click.echo(f"Error: {len(result.failed)} data key(s) could not be unwrapped (ids {ids})", err=True)
        sys.exit(1)


@keys_group.command("retire")
@click.argument("key_id")
@with_appcontext
def keys_retire(key_id: str) -> None:
    """Remove a master key from the keyring; refused while any data key is still wrapped under it."""
    from casebook.crypto import maintenance

    check_session_database()
    path = _keyring_file()
    in_use = maintenance.data_keys_under(db.session(), key_id)
    if in_use:
        click.echo(
            f"Error: {in_use} data key(s) are still wrapped under {key_id}; run `casebook keys rotate` first", err=True
        )
        sys.exit(1)
    try:
        remove_key(path, key_id)
    except KeyringError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    current_app.extensions["casebook.keyring"] = load_keyring(path)
    audit.record(None, "keys.retire", details={"key_id": key_id})
    db.session.commit()
    click.echo(f"retired master key {key_id}")


@keys_group.command("verify")
@click.option("--sample", type=click.IntRange(1), default=None, help="Check N random rows per table instead of all.")
@with_appcontext
def keys_verify(sample: int | None) -> None:
    """Unwrap every data key and decrypt every encrypted value; exit 1 on any failure."""
    from casebook.crypto import maintenance

    check_session_database()
    report = maintenance.verify_all(db.session(), current_keyring(), sample=sample)
    db.session.rollback()  # verification only read; start the audit write on a clean transaction
    audit.record(
        None,
        "keys.verify",
        details={
            "sample": sample,
            "keys": report.keys_checked,
            "values": report.values_checked,
            "failures": len(report.failures),
        },
    )
    db.session.commit()
    click.echo(
        f"checked {report.keys_checked} data key(s) and {report.values_checked} value(s): "
        f"{len(report.failures)} failure(s), {report.shredded} shredded"
    )
    for failure in report.failures:
        click.echo(f"FAILED {failure}", err=True)
    if report.failures:
        sys.exit(1)
