"""The dump and the load, per database: PostgreSQL through pg_dump/pg_restore, SQLite through its
online backup API. Each dump is taken from one snapshot, and ``read_facts`` reads the manifest's
facts from that same snapshot.

Passwords never reach a command line (``ps`` shows those): the tools get a libpq URI without the
password and ``PGPASSWORD`` in their environment.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL

from casebook.backup.manifest import BackupError, Facts, read_facts

PG_DUMP_FILE = "database.pgdump"
SQLITE_DUMP_FILE = "database.sqlite3"


# --- PostgreSQL ------------------------------------------------------------------------------


def _tool(name: str, bin_dir: str | None) -> str:
    """:raises BackupError: the tool is not installed (or not in ``BACKUP_PG_BIN_DIR``)."""
    found = shutil.which(name, path=bin_dir) if bin_dir else shutil.which(name)
    if found is None:
        where = f"in {bin_dir} (CASEBOOK_BACKUP_PG_BIN_DIR)" if bin_dir else "on PATH"
        raise BackupError(f"{name} not found {where}: install the PostgreSQL client of the server's version")
    return found


def tool_version(executable: str) -> tuple[str, int]:
    """``("pg_dump (PostgreSQL) 15.20", 15)``."""
    output = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    major = major_version(output)
    if major is None:
        raise BackupError(f"cannot read the version of {executable}: {output[:80]!r}")
    return output, major


def major_version(output: str) -> int | None:
    """15 of "pg_dump (PostgreSQL) 15.20 (Debian …)"."""
    match = re.search(r"\) (\d+)", output) or re.search(r"(\d+)", output)
    return int(match.group(1)) if match else None


def server_version(connection: Connection) -> tuple[str, int]:
    """``("15.20", 15)``: the server's version and major version."""
    number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    shown = str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    return shown, number // 10000


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URI for libpq tools (no password in it) and the environment that carries the password."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    """:raises BackupError: the tool failed; its last line of stderr (never a password) is in the message."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        last = lines[-1] if lines else f"exit code {result.returncode}"
        raise BackupError(f"{what} failed: {last}")


def dump_postgres(engine: Engine, directory: Path, bin_dir: str | None) -> tuple[Path, Facts, str, str]:
    """``pg_dump --format=custom`` of the database, from a snapshot the facts are read from too.

    :raises BackupError: pg_dump missing, older than the server, or failing.
    """
    pg_dump = _tool("pg_dump", bin_dir)
    tool, tool_major = tool_version(pg_dump)
    target = directory / PG_DUMP_FILE
    uri, env = _libpq(engine.url)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
        connection.execute(text("SET TRANSACTION READ ONLY"))
        shown, server_major = server_version(connection)
        if tool_major < server_major:
            raise BackupError(
                f"{tool} is older than the PostgreSQL {shown} server: install pg_dump {server_major} "
                "or set CASEBOOK_BACKUP_PG_BIN_DIR"
            )
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        facts = read_facts(connection)
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={uri}"],
            env,
            "pg_dump",
        )
    return target, facts, shown, tool


def postgres_is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        count = connection.execute(
            text(
                "SELECT count(*) FROM information_schema.tables"
                " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
        ).scalar_one()
    return count == 0


def restore_postgres(engine: Engine, dump: Path, bin_dir: str | None, dump_tool: str | None) -> None:
    """Load the dump in one transaction: a failure leaves the database as empty as it was.

    Ownership and grants are not restored: the restoring role owns what it creates; apply the
    application role's grants afterwards (README, "Backup and restore").

    :raises BackupError: pg_restore missing, older than the pg_dump that wrote the dump, or failing.
    """
    pg_restore = _tool("pg_restore", bin_dir)
    tool, major = tool_version(pg_restore)
    dump_major = major_version(dump_tool or "")
    if dump_major is not None and major < dump_major:
        raise BackupError(f"{tool} cannot read a dump of {dump_tool}: install pg_restore {dump_major} or newer")
    uri, env = _libpq(engine.url)
    _run(
        [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={uri}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    """:raises BackupError: an in-memory database has nothing to back up or restore into."""
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def dump_sqlite(engine: Engine, directory: Path) -> tuple[Path, Facts]:
    """A consistent copy through SQLite's online backup API (writers may go on meanwhile); the
    facts are read from the finished copy."""
    source_path = _sqlite_path(engine.url)
    target = directory / SQLITE_DUMP_FILE
    _copy_sqlite(source_path, target)
    copy_engine = create_engine(URL.create("sqlite", database=str(target)))
    try:
        with copy_engine.connect() as connection:
            facts = read_facts(connection)
    finally:
        copy_engine.dispose()
    return target, facts


def sqlite_is_empty(engine: Engine) -> bool:
    path = _sqlite_path(engine.url)
    if not path.exists() or path.stat().st_size == 0:
        return True
    with engine.connect() as connection:
        return not inspect(connection).get_table_names()


def restore_sqlite(engine: Engine, dump: Path) -> None:
    engine.dispose()
    _copy_sqlite(dump, _sqlite_path(engine.url))
    engine.dispose()


def _copy_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def engine_kind(engine: Engine) -> str:
    return engine.url.get_backend_name()
