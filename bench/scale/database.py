"""The bench database: created next to the others on the server, dropped at the end.

The bulk load sets the secondary indexes and the foreign-key and unique constraints of the tables
it fills aside and builds them again afterwards: one sort per index instead of ten million random
B-tree inserts, and no per-row trigger for every foreign key. What is set aside is read from the
catalogue, so indexes that later migrations add are handled the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Per index build / vacuum connection (at most --workers of them at a time, on a 24 GB machine):
# the sorts of the 10M-row indexes stay in memory.
MAINTENANCE_WORK_MEM = "1GB"
BULK_TABLES = (
    "data_key",
    "person",
    "person_search_index",
    "case",
    "case_subject",
    "case_participant",
    "note",
    "plan_goal",
    "intervention",
    "case_status_change",
    "case_closure_step",
    "signal",
    "audit_event",
)


def bench_database_name(now: datetime | None = None) -> str:
    return "casebook_bench_" + (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")


def with_database(url: str, name: str) -> str:
    """The SQLAlchemy URL ``url`` pointing at database ``name`` (password kept: it is passed to children)."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as psycopg wants it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(admin_url: str, name: str) -> str:
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return with_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def bulk_connection(url: str) -> Iterator[psycopg.Connection]:
    """A connection for loading: no synchronous commit (the database is throwaway)."""
    with psycopg.connect(libpq_url(url)) as connection:
        connection.execute("SET synchronous_commit = off")
        yield connection


@dataclass
class SetAside:
    """Indexes and constraints dropped for the load, to be built again by `restore`."""

    indexes: list[tuple[str, str]] = field(default_factory=list)  # (table, CREATE INDEX statement)
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, definition)

    def split(self, table: str) -> tuple[SetAside, SetAside]:
        """(what belongs to ``table``, the rest): the rest can be built while ``table`` still loads."""
        quoted = _quoted(table)
        mine = SetAside([i for i in self.indexes if i[0] == quoted], [c for c in self.constraints if c[0] == quoted])
        rest = SetAside([i for i in self.indexes if i[0] != quoted], [c for c in self.constraints if c[0] != quoted])
        return mine, rest


def set_aside(url: str, tables: tuple[str, ...] = BULK_TABLES) -> SetAside:
    """Drop the secondary indexes, unique and foreign-key constraints of ``tables`` (primary keys stay).

    A unique constraint another table's foreign key depends on is kept (dropping it would fail).
    """
    aside = SetAside()
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        constraints = connection.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c
            WHERE c.conrelid::regclass::text = ANY(%(quoted)s) AND c.contype IN ('u', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint d WHERE d.contype = 'f' AND d.conindid = c.conindid
                              AND c.contype = 'u')
            ORDER BY c.contype
            """,
            {"quoted": [_quoted(t) for t in tables]},
        ).fetchall()
        for table, name, definition, _kind in constraints:
            connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            aside.constraints.append((table, name, definition))
        indexes = connection.execute(
            """
            SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%(quoted)s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            {"quoted": [_quoted(t) for t in tables]},
        ).fetchall()
        for table, name, definition in indexes:
            connection.execute(f"DROP INDEX {name}")
            aside.indexes.append((table, definition))
    return aside


def restore(url: str, aside: SetAside, parallel: int = 2) -> None:
    """Build the set-aside indexes (``parallel`` connections at a time), then the constraints."""
    unique_first = [(t, n, d) for t, n, d in aside.constraints if d.startswith("UNIQUE")]
    foreign = [(t, n, d) for t, n, d in aside.constraints if not d.startswith("UNIQUE")]

    def run(statement: str) -> None:
        with psycopg.connect(libpq_url(url), autocommit=True) as connection:
            connection.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            connection.execute(statement)

    statements = [definition for _table, definition in aside.indexes] + [
        f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in unique_first
    ]
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(run, statements))
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(run, [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in foreign]))


def reset_sequences(url: str, tables: tuple[str, ...] = BULK_TABLES) -> None:
    """After loading rows with explicit ids, let the sequences continue after the highest one."""
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        for table in tables:
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{_quoted(table)}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {_quoted(table)}), 1))"
            )


def vacuum_analyze(url: str, parallel: int = 2) -> None:
    """``VACUUM (ANALYZE)`` the loaded tables (``parallel`` at a time, largest first), ``ANALYZE`` the
    others. Rows loaded by COPY carry no hint bits and the visibility map is empty: without this
    the first reads of the measurement would write every page they touch, and no index-only scan
    could skip the heap, unlike a database autovacuum keeps (this server runs with it off).
    """

    def run(table: str) -> None:
        with psycopg.connect(libpq_url(url), autocommit=True) as connection:
            connection.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            connection.execute(f"VACUUM (ANALYZE) {_quoted(table)}")

    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        sizes = dict(
            connection.execute(
                "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
                [list(BULK_TABLES)],
            ).fetchall()
        )
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(run, sorted(BULK_TABLES, key=lambda t: -sizes.get(t, 0))))
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        others = connection.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename <> ALL(%s)",
            [list(BULK_TABLES)],
        ).fetchall()
        for (table,) in others:
            connection.execute(f"ANALYZE {table}")


def database_size(url: str) -> int:
    """Bytes on disk of the database ``url`` points at."""
    with psycopg.connect(libpq_url(url)) as connection:
        return connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def _quoted(table: str) -> str:
    """How ``regclass::text`` spells a table: ``case`` is a keyword, so it comes back quoted."""
    return f'"{table}"' if table in ("case",) else table
