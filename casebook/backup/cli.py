"""``casebook backup create DIR`` and ``casebook backup restore DIR``.

Exit codes: 0 done; 2 refused before anything changed (bad directory, wrong keyring, a database
that is not empty, a missing tool); 1 the restored database failed a check (it holds the backup
but must not be used).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from casebook.backup import services
from casebook.backup.manifest import BackupError, RestoreRefused, describe
from casebook.commands import check_database


@click.group("backup")
def backup_group() -> None:
    """Backups of the database (the keyring is kept apart: see README, "Backup and restore")."""


@backup_group.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def create(directory: Path) -> None:
    """Dump the database into DIRECTORY (new or empty) with a manifest.json naming the audit chain head
    and the master key ids a restore needs (never the keys)."""
    check_database()
    try:
        manifest = services.create(directory)
    except BackupError as exc:
        click.echo(f"backup refused: {exc}", err=True)
        sys.exit(2)
    for name, value in describe(manifest).items():
        click.echo(f"{name}: {value}")
    click.echo(f"backup written to {directory} ({manifest.dump_bytes} bytes, sha256 {manifest.dump_sha256})")
    click.echo("keep the keyring apart from this backup: without it the backup cannot be read")


@backup_group.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=services.DEFAULT_SAMPLE,
    show_default=True,
    help="Rows per model whose encrypted fields are decrypted after restoring.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="PostgreSQL: processes that verify the audit chain side by side.",
)
@with_appcontext
def restore(directory: Path, sample: int, workers: int) -> None:
    """Restore the backup in DIRECTORY into the empty database of CASEBOOK_DATABASE_URL, then verify the
    audit chain against the manifest's head and decrypt a sample of encrypted fields."""
    check_database()
    try:
        report = services.restore(directory, sample=sample, workers=workers)
    except RestoreRefused as exc:
        click.echo(f"restore refused: {exc}", err=True)
        sys.exit(2)
    except BackupError as exc:
        click.echo(f"restore FAILED: {exc}", err=True)
        sys.exit(1)
    manifest = report.manifest
    click.echo(f"restored the backup of {manifest.created_at} (revision {manifest.alembic_revision})")
    click.echo(report.chain + " — equals the manifest's head")
    click.echo(
        f"decrypted {report.values_checked} encrypted value(s) of sampled rows and unwrapped "
        f"{report.keys_checked} data key(s) with the current keyring ({report.shredded} shredded on purpose)"
    )
    click.echo("row counts equal the manifest's: " + ", ".join(f"{n} {t}" for t, n in manifest.counts.items()))
