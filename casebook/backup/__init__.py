"""Backup and restore: ``casebook backup create DIR`` and ``casebook backup restore DIR``.

A backup is a directory: the database dump (``pg_dump --format=custom`` on PostgreSQL, SQLite's
online backup API otherwise) and ``manifest.json``, which says what a restore must find again —
the audit chain head (with a checkpoint signed by the chain key), the ids of the master keys the
data keys are wrapped under with a key check value of each (never a key), the Alembic revision,
the dump's SHA-256 and the row counts of the key tables. The keyring is the other half of every
backup and is never in it: a restore first checks that the keyring it runs with holds every
master key the backup needs (and the same chain key), refuses before touching the database if
not, restores only into an empty database, and then walks the audit chain to the manifest's head
and decrypts a sample of encrypted fields.

An edge, like the CLI and the benchmarks: it reads the trust layer and the kernel, nothing below
imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from casebook.backup.cli import backup_group

    app.cli.add_command(backup_group)
