"""The two operations behind ``casebook backup create|restore``, in the current app.

``create`` writes the dump and then the manifest into a new (or empty) directory; a backup is
complete once ``manifest.json`` exists, so a directory without one is a failed attempt.

``restore`` refuses before it changes anything — a manifest it cannot read, a dump whose SHA-256
differs, another database kind, a keyring without the backup's master keys (or with other keys
under their ids), a database that is not empty — then loads the dump and checks what it loaded:
the Alembic revision and the row counts equal the manifest's, the audit chain verifies up to
exactly the manifest's head, the keyring opens the data keys and a sample of encrypted fields of
random rows decrypts. A failure after loading says so: the database holds the backup but must not
be used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from casebook.backup import engines
from casebook.backup.manifest import BackupError, Manifest, RestoreRefused, build, check_keyring, read_facts, sha256_of
from casebook.crypto import Keyring
from casebook.db import db
from casebook.settings import ConfigurationError

DEFAULT_SAMPLE = 5  # rows per model whose encrypted fields a restore decrypts


def _keyring() -> Keyring:
    return current_app.extensions["casebook.keyring"]


def create(directory: Path) -> Manifest:
    """Dump the app's database into ``directory`` (created; must be empty) and write its manifest.

    :raises BackupError: the directory is not empty, the dump tool is missing or fails.
    """
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: a backup goes into a new directory")
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    engine = db.engine
    kind = engines.engine_kind(engine)
    server = tool = None
    if kind == "postgresql":
        dump, facts, server, tool = engines.dump_postgres(engine, directory, current_app.config["BACKUP_PG_BIN_DIR"])
    elif kind == "sqlite":
        dump, facts = engines.dump_sqlite(engine, directory)
    else:
        raise BackupError(f"cannot back up a {kind} database (PostgreSQL or SQLite only)")
    dump.chmod(0o600)
    manifest = build(facts, _keyring(), kind=kind, dump=dump, server_version=server, dump_tool=tool)
    manifest.write(directory).chmod(0o600)
    return manifest


@dataclass
class RestoreReport:
    manifest: Manifest
    chain: str = ""
    keys_checked: int = 0
    values_checked: int = 0
    shredded: int = 0
    lines: list[str] = field(default_factory=list)


def check_before_restore(directory: Path) -> tuple[Manifest, Path]:
    """Everything a restore checks before it changes anything.

    :raises RestoreRefused: one line ending in "nothing restored"; the database was not touched.
    """
    try:
        manifest = Manifest.read(directory)
    except RestoreRefused:
        raise
    except BackupError as exc:
        raise RestoreRefused(f"{exc}; nothing restored") from None
    dump = directory / manifest.dump_file
    if dump.name != manifest.dump_file or not dump.is_file():
        raise RestoreRefused(f"the dump {manifest.dump_file} named by the manifest is missing; nothing restored")
    if sha256_of(dump) != manifest.dump_sha256:
        raise RestoreRefused(f"{dump} does not match the manifest's SHA-256 (damaged or altered); nothing restored")
    kind = engines.engine_kind(db.engine)
    if kind != manifest.database_kind:
        raise RestoreRefused(
            f"this is a {manifest.database_kind} backup and CASEBOOK_DATABASE_URL names a {kind} database; "
            "nothing restored"
        )
    check_keyring(manifest, _keyring())
    empty = engines.postgres_is_empty(db.engine) if kind == "postgresql" else engines.sqlite_is_empty(db.engine)
    if not empty:
        raise RestoreRefused(
            "the database is not empty: restore into a new, empty database (CASEBOOK_DATABASE_URL); nothing restored"
        )
    return manifest, dump


def restore(directory: Path, *, sample: int = DEFAULT_SAMPLE, workers: int = 1) -> RestoreReport:
    """Restore the backup in ``directory`` into the app's (empty) database and prove it readable.

    :raises BackupError: refused before restoring ("nothing restored"), or the restored database
        failed a check ("restored, but …: do not use this database").
    """
    manifest, dump = check_before_restore(directory)
    db.session.remove()
    engine = db.engine
    try:  # each load is one transaction: a failure leaves the database empty
        if manifest.database_kind == "postgresql":
            engines.restore_postgres(engine, dump, current_app.config["BACKUP_PG_BIN_DIR"], manifest.dump_tool)
        else:
            engines.restore_sqlite(engine, dump)
    except BackupError as exc:
        raise RestoreRefused(f"{exc}; nothing restored") from None
    engine.dispose()
    try:
        return _check_restored(manifest, sample=sample, workers=workers)
    finally:
        db.session.remove()


def _restored_failure(what: str) -> BackupError:
    return BackupError(f"restored, but {what}: do not use this database")


def _check_restored(manifest: Manifest, *, sample: int, workers: int) -> RestoreReport:
    from casebook.audit.cli import verify_chain
    from casebook.crypto import maintenance
    from casebook.crypto.setup import check_keyring_against_database

    report = RestoreReport(manifest)
    with db.engine.connect() as connection:
        facts = read_facts(connection)
    if facts.alembic_revision != manifest.alembic_revision:
        raise _restored_failure(f"its revision is {facts.alembic_revision}, the manifest's {manifest.alembic_revision}")
    if facts.counts != manifest.counts:
        differing = sorted(name for name in manifest.counts if facts.counts.get(name) != manifest.counts[name])
        raise _restored_failure(f"row counts differ from the manifest's ({', '.join(differing)})")
    result = verify_chain(workers=workers)
    if not result.ok:
        raise _restored_failure(result.describe())
    if (result.head_seq, result.head_hash) != (manifest.audit_head_seq, manifest.audit_head_hash):
        raise _restored_failure(
            f"the audit chain ends at #{result.head_seq} {result.head_hash}, the manifest's head is "
            f"#{manifest.audit_head_seq} {manifest.audit_head_hash}"
        )
    report.chain = result.describe()
    try:
        check_keyring_against_database(db.engine, _keyring())
    except ConfigurationError as exc:
        raise _restored_failure(str(exc)) from None
    decrypted = maintenance.verify_all(db.session(), _keyring(), sample=sample)
    if decrypted.failures:
        raise _restored_failure(
            f"{len(decrypted.failures)} encrypted value(s) do not decrypt, e.g. {decrypted.failures[0]}"
        )
    report.keys_checked = decrypted.keys_checked
    report.values_checked = decrypted.values_checked
    report.shredded = decrypted.shredded
    return report
