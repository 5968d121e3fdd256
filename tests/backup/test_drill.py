"""The backup drill, end to end through the ``casebook`` command as an operator runs it: seed,
back up, restore into a new database, verify the chain against the manifest and decrypt — and a
restore with the wrong keyring is refused before anything is written, naming the missing key ids.

Each kind (SQLite always, PostgreSQL with a server) gets throwaway databases of its own, dropped
afterwards; the suite's shared database is not touched.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from casebook.crypto import Keyring, generate_keyring, keyring_to_json, load_keyring

ROOT = Path(__file__).resolve().parents[2]
FAST_HASHING = json.dumps({"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


class Site:
    """One installation: a database URL, an instance directory and a keyring, run as subprocesses."""

    def __init__(self, url: str, instance: Path, keyring_json: str) -> None:
        self.url, self.instance, self.keyring_json = url, instance, keyring_json
        instance.mkdir(parents=True, exist_ok=True)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
        env.update(
            CASEBOOK_DATABASE_URL=self.url,
            CASEBOOK_INSTANCE_PATH=str(self.instance),
            CASEBOOK_MASTER_KEYS=self.keyring_json,
            CASEBOOK_SECRET_KEY="backup-drill-secret-key-not-for-production",
            CASEBOOK_PASSWORD_HASH_PARAMS=FAST_HASHING,
            CASEBOOK_DEMO_HISTORY="false",  # the handpicked demo is enough to prove the drill
        )
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "casebook", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def tables(self) -> list[str]:
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                return inspect(connection).get_table_names()
        finally:
            engine.dispose()


@contextmanager
def _postgres_database(admin_url: str) -> Iterator[str]:
    name = f"casebook_bk_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def new_database(request, tmp_path) -> Iterator:
    """A factory of empty databases of one kind."""
    with_stack = []

    def make() -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        admin_url = request.getfixturevalue("postgres_admin_url")
        context = _postgres_database(admin_url)
        with_stack.append(context)
        return context.__enter__()

    yield make
    for context in reversed(with_stack):
        context.__exit__(None, None, None)


def _same_ids_other_keys(keyring_json: str) -> str:
    keyring = load_keyring(env_value=keyring_json)
    forged = Keyring(
        keys={key_id: os.urandom(32) for key_id in keyring.keys},
        primary_id=keyring.primary_id,
        index_key=keyring.index_key,
        chain_key=keyring.chain_key,
    )
    return keyring_to_json(forged)


def test_backup_and_restore_drill(new_database, tmp_path):
    keyring_json = keyring_to_json(generate_keyring())
    source = Site(new_database(), tmp_path / "source", keyring_json)
    source.ok("db", "upgrade")
    source.ok("seed-demo")
    backup = tmp_path / "backup"
    created = source.ok("backup", "create", str(backup))
    assert "keep the keyring apart" in created

    manifest = json.loads((backup / "manifest.json").read_text())
    keyring = load_keyring(env_value=keyring_json)
    assert list(manifest["master_keys"]) == [keyring.primary_id]
    assert manifest["counts"]["case"] >= 60 and manifest["counts"]["audit_event"] == manifest["audit_head_seq"]
    assert manifest["alembic_revision"] and manifest["database_kind"] == make_url(source.url).get_backend_name()
    backup_text = "".join(p.read_text(errors="replace") for p in backup.iterdir() if p.name == "manifest.json")
    for key in (*keyring.keys.values(), keyring.index_key, keyring.chain_key):
        assert base64.urlsafe_b64encode(key).decode().rstrip("=") not in backup_text
    if manifest["database_kind"] == "postgresql":
        assert manifest["dump_tool"].startswith("pg_dump") and manifest["dump_file"].endswith(".pgdump")

    # Without the keyring the backup was made with: refused before anything is written.
    stranger = Site(new_database(), tmp_path / "stranger", keyring_to_json(generate_keyring()))
    refused = stranger.run("backup", "restore", str(backup))
    assert refused.returncode == 2
    assert f"the keyring lacks master key(s) {keyring.primary_id}" in refused.stderr
    assert "nothing restored" in refused.stderr
    assert stranger.tables() == []

    # The right key ids with other keys under them: refused too.
    forged = Site(new_database(), tmp_path / "forged", _same_ids_other_keys(keyring_json))
    refused = forged.run("backup", "restore", str(backup))
    assert refused.returncode == 2
    assert f"master key(s) {keyring.primary_id} of the keyring differ" in refused.stderr
    assert forged.tables() == []

    # With the keyring: restored, the chain verified to the manifest's head, fields decrypted.
    target = Site(new_database(), tmp_path / "target", keyring_json)
    restored = target.ok("backup", "restore", str(backup), "--workers", "1")
    head = f"head #{manifest['audit_head_seq']} {manifest['audit_head_hash']} — equals the manifest's head"
    assert head in restored
    decrypted = int(restored.split("decrypted ")[1].split()[0])
    assert decrypted > 0
    assert "row counts equal the manifest's" in restored
    # The restored database is an ordinary Casebook: its own commands agree.
    assert "audit chain ok" in target.ok("audit", "verify", "--workers", "1")
    target.ok("keys", "verify", "--sample", "3")

    # A second restore into the now filled database is refused.
    again = target.run("backup", "restore", str(backup))
    assert again.returncode == 2 and "the database is not empty" in again.stderr


def test_a_damaged_or_altered_backup_is_refused(tmp_path):
    keyring_json = keyring_to_json(generate_keyring())
    source = Site(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "source", keyring_json)
    source.ok("db", "upgrade")
    backup = tmp_path / "backup"
    source.ok("backup", "create", str(backup))
    assert source.run("backup", "create", str(backup)).returncode == 2  # never over an earlier backup

    target = Site(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "target", keyring_json)
    manifest_path = backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text())

    manifest_path.write_text(json.dumps({**manifest, "audit_head_seq": manifest["audit_head_seq"] + 5}))
    altered = target.run("backup", "restore", str(backup))
    assert altered.returncode == 2 and "signed chain head does not match" in altered.stderr

    manifest_path.write_text(json.dumps(manifest))
    dump = backup / manifest["dump_file"]
    dump.write_bytes(dump.read_bytes() + b"\0")
    damaged = target.run("backup", "restore", str(backup))
    assert damaged.returncode == 2 and "does not match the manifest's SHA-256" in damaged.stderr
    assert target.tables() == []
