"""``manifest.json``: what a backup holds and what a restore must find again — never a key.

The facts are read in the same snapshot the dump is taken from (PostgreSQL: the exported snapshot
``pg_dump --snapshot`` uses; SQLite: the finished copy), so the chain head, the key ids and the
counts describe exactly the rows in the dump even while the application keeps writing.

Master keys are named by id with a *key check value* (an HMAC of a fixed text under the key, the
banks' KCV): a restore compares it with its keyring's key of that id, so a keyring with the right
ids but other keys is refused before anything is restored. A KCV says nothing about the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text

from casebook.audit import chain
from casebook.crypto import Keyring
from casebook.db import utcnow

FORMAT = "casebook-backup/1"
MANIFEST_NAME = "manifest.json"

#: Tables whose row counts the manifest records and a restore compares.
COUNTED_TABLES = (
    "organisation",
    "user_account",
    "case",
    "person",
    "household",
    "signal",
    "note",
    "intervention",
    "plan_goal",
    "handoff",
    "meeting",
    "document_version",
    "data_key",
    "audit_event",
)

_KCV_TEXT = b"casebook backup key check value"


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message is one line for the operator, without key material."""


class RestoreRefused(BackupError):
    """A restore refused before it changed anything; the message ends in "nothing restored"."""


def key_check_value(key: bytes) -> str:
    """16 hex digits that tell whether two keys are equal without revealing either."""
    return hmac.new(key, _KCV_TEXT, hashlib.sha256).hexdigest()[:16]


@dataclass
class Manifest:
    created_at: str
    app_version: str
    alembic_revision: str | None
    database_kind: str
    dump_file: str
    dump_sha256: str
    dump_bytes: int
    audit_head_seq: int
    audit_head_hash: str
    audit_checkpoint: str  # a signed checkpoint line of the head (``casebook audit checkpoint`` format)
    master_keys: dict[str, str]  # key id → key check value; the keys whose data keys the dump holds
    index_key_check: str
    chain_key_check: str | None
    counts: dict[str, int]
    server_version: str | None = None
    dump_tool: str | None = None
    format: str = FORMAT
    notes: list[str] = field(default_factory=list)

    def write(self, directory: Path) -> Path:
        path = directory / MANIFEST_NAME
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        """:raises BackupError: no manifest, not JSON, or not a manifest of this format."""
        path = directory / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BackupError(f"no {MANIFEST_NAME} in {directory}: not a Casebook backup") from None
        except ValueError:
            raise BackupError(f"{path} is not valid JSON") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"{path} is not a {FORMAT} manifest")
        try:
            return cls(**data)
        except TypeError:
            raise BackupError(f"{path} lacks fields of a {FORMAT} manifest") from None


def app_version() -> str:
    try:
        return metadata.version("casebook")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Facts:
    """What the manifest says about the database, read from one snapshot."""

    alembic_revision: str | None
    head_seq: int
    head_hash: str
    kek_ids: list[str]
    counts: dict[str, int]


def read_facts(connection: Connection) -> Facts:
    """The chain head, the master key ids in use, the revision and the counts, from ``connection``'s snapshot."""
    tables = set(inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head_seq, head_hash = 0, chain.GENESIS_HASH
    if "audit_event" in tables:
        head = connection.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).first()
        if head is not None:
            head_seq, head_hash = int(head[0]), str(head[1])
    kek_ids: list[str] = []
    if "data_key" in tables:
        kek_ids = sorted(
            connection.execute(text("SELECT DISTINCT kek_id FROM data_key WHERE wrapped IS NOT NULL")).scalars()
        )
    counts = {
        name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())  # noqa: S608 - fixed names
        for name in COUNTED_TABLES
        if name in tables
    }
    return Facts(revision, head_seq, head_hash, kek_ids, counts)


def build(
    facts: Facts, keyring: Keyring, *, kind: str, dump: Path, server_version: str | None, dump_tool: str | None
) -> Manifest:
    """The manifest of a finished dump.

    :raises BackupError: the keyring in use lacks a master key the database needs (the app would not
        have started; a backup made now could never be restored).
    """
    missing = [kek_id for kek_id in facts.kek_ids if kek_id not in keyring.keys]
    if missing:
        raise BackupError(f"the keyring lacks master key(s) {', '.join(missing)} that this database needs")
    checkpoint_key = keyring.chain_key_for("checkpoint")
    checkpoint = chain.Checkpoint(utcnow(), facts.head_seq, facts.head_hash).signed(checkpoint_key)
    return Manifest(
        created_at=utcnow().isoformat(timespec="seconds"),
        app_version=app_version(),
        alembic_revision=facts.alembic_revision,
        database_kind=kind,
        dump_file=dump.name,
        dump_sha256=sha256_of(dump),
        dump_bytes=dump.stat().st_size,
        audit_head_seq=facts.head_seq,
        audit_head_hash=facts.head_hash,
        audit_checkpoint=checkpoint.line(),
        master_keys={kek_id: key_check_value(keyring.keys[kek_id]) for kek_id in facts.kek_ids},
        index_key_check=key_check_value(keyring.index_key),
        chain_key_check=key_check_value(keyring.chain_key) if keyring.chain_key else None,
        counts=facts.counts,
        server_version=server_version,
        dump_tool=dump_tool,
        notes=[
            "The keyring is not in this backup and this backup is useless without it: restore with the "
            "keyring that holds the master keys listed here (kept apart, offline, under four eyes).",
            "Documents are stored outside the database (CASEBOOK_DOCUMENT_STORAGE): back up their "
            "ciphertext directory or bucket alongside; document_version counts what the dump refers to.",
        ],
    )


def check_keyring(manifest: Manifest, keyring: Keyring) -> None:
    """Refuse a keyring that cannot read what the backup holds, before anything is restored.

    :raises RestoreRefused: naming the missing or different key ids, never key material.
    """
    missing = sorted(kek_id for kek_id in manifest.master_keys if kek_id not in keyring.keys)
    if missing:
        raise RestoreRefused(
            f"the keyring lacks master key(s) {', '.join(missing)} that this backup needs: restore with the "
            "keyring kept for it (CASEBOOK_KEYRING / CASEBOOK_MASTER_KEYS); nothing restored"
        )
    different = sorted(
        kek_id for kek_id, check in manifest.master_keys.items() if key_check_value(keyring.keys[kek_id]) != check
    )
    if different:
        raise RestoreRefused(
            f"master key(s) {', '.join(different)} of the keyring differ from the ones this backup was made "
            "with: wrong keyring; nothing restored"
        )
    if key_check_value(keyring.index_key) != manifest.index_key_check:
        raise RestoreRefused("the keyring's index key differs from this backup's: wrong keyring; nothing restored")
    if manifest.chain_key_check is not None and (
        keyring.chain_key is None or key_check_value(keyring.chain_key) != manifest.chain_key_check
    ):
        raise RestoreRefused(
            "the keyring's audit chain key differs from this backup's: wrong keyring; nothing restored"
        )
    point = chain.Checkpoint.parse(manifest.audit_checkpoint)
    if (point.seq, point.hash) != (manifest.audit_head_seq, manifest.audit_head_hash) or not point.signature_ok(
        keyring.chain_key_for("checkpoint")
    ):
        raise RestoreRefused(
            "the manifest's signed chain head does not match: manifest altered or wrong keyring; nothing restored"
        )


def describe(manifest: Manifest) -> dict[str, Any]:
    """The manifest's headline facts for the command's output."""
    return {
        "created": manifest.created_at,
        "database": manifest.database_kind,
        "revision": manifest.alembic_revision,
        "audit head": f"#{manifest.audit_head_seq} {manifest.audit_head_hash}",
        "master keys": ", ".join(manifest.master_keys) or "none",
    }
