"""PostgreSQL roles for Casebook: an owner that migrates, an application role that cannot rewrite history.

The migrations install triggers that reject UPDATE, DELETE and TRUNCATE on the audit trail, but a
table's owner (or a superuser) can disable triggers. So the tables belong to an owner role that only
``casebook db upgrade`` uses, and the app processes connect as a role that owns nothing and holds, on
the append-only tables, no UPDATE, DELETE or TRUNCATE: the trigger and the missing privilege refuse
a rewrite twice over.

usage:
  pg_roles.py setup ADMIN_URL [--database casebook] [--owner-role casebook_owner] [--app-role casebook_app]
                              [--owner-password-env VAR] [--app-password-env VAR]
      as a superuser (or a role with CREATEROLE and CREATEDB): create both roles (LOGIN, no superuser,
      no CREATEDB/CREATEROLE), the database owned by the owner role, its ``public`` schema owned by it.
  pg_roles.py grant OWNER_URL [--app-role casebook_app]
      as the owner, after every ``casebook db upgrade``: the app role's privileges on every table and
      sequence, and default privileges for tables a later migration adds.
  pg_roles.py check OWNER_URL [--app-role casebook_app]
      print what the app role may do; exit 1 when it could rewrite an append-only table, owns an
      object, is a superuser, or lacks a privilege the app needs (``grant`` not re-run after a migration).

Every command is idempotent. Passwords never go on the command line: ``--app-password-env VAR`` reads
the password from the environment variable ``VAR``. URLs are SQLAlchemy's (``postgresql+psycopg://…``)
or libpq's (``postgresql://…``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

SCHEMA = "public"

# The tables the app may only read and append to: the audit trail (the chained events, and the
# encrypted free text of pre-key events that verify needs) and the processing log (issue 17, "Logboek
# Dataverwerkingen"; absent until its migration exists — a table not there is skipped). Keep this the
# one list: README "Production" and the tests read it from here.
APPEND_ONLY_TABLES: tuple[str, ...] = ("audit_event", "audit_unkeyed_reason", "processing_log")

# Read by the app (``/readyz`` compares it with the migrations' head), written only by migrations.
READ_ONLY_TABLES: tuple[str, ...] = ("alembic_version",)

APP_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY_PRIVILEGES = ("SELECT", "INSERT")
FORBIDDEN_ON_APPEND_ONLY = ("UPDATE", "DELETE", "TRUNCATE")


def libpq_url(url: str) -> str:
    """A libpq connection string from an SQLAlchemy URL (drops the ``+psycopg`` driver suffix)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _password(variable: str | None) -> str | None:
    if not variable:
        return None
    value = os.environ.get(variable)
    if not value:
        raise SystemExit(f"pg_roles: environment variable {variable} is empty or unset")
    return value


def _ensure_role(cursor: psycopg.Cursor, role: str, password: str | None) -> str:
    exists = cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if not exists:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    # Whatever the role was before, it is now a plain login role: no way around the grants.
    cursor.execute(
        sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(
            sql.Identifier(role)
        )
    )
    if password is not None:
        cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    return "created" if not exists else "exists"


def setup(
    admin_url: str,
    database: str,
    owner_role: str,
    app_role: str,
    owner_password: str | None = None,
    app_password: str | None = None,
) -> list[str]:
    """Create the two roles and the database (owned by ``owner_role``); return what was done."""
    if owner_role == app_role:
        raise SystemExit("pg_roles: the owner and the app role must differ")
    done: list[str] = []
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection, connection.cursor() as cursor:
        done.append(f"role {owner_role}: {_ensure_role(cursor, owner_role, owner_password)}")
        done.append(f"role {app_role}: {_ensure_role(cursor, app_role, app_password)}")
        row = cursor.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if row is None:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(owner_role))
            )
            done.append(f"database {database}: created, owner {owner_role}")
        elif row[0] != owner_role:
            cursor.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), sql.Identifier(owner_role))
            )
            done.append(f"database {database}: owner changed from {row[0]} to {owner_role}")
        else:
            done.append(f"database {database}: exists, owner {owner_role}")
    database_url = make_url(libpq_url(admin_url)).set(database=database).render_as_string(hide_password=False)
    with psycopg.connect(database_url, autocommit=True) as connection, connection.cursor() as cursor:
        owner, app = sql.Identifier(owner_role), sql.Identifier(app_role)
        cursor.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(sql.Identifier(SCHEMA), owner))
        # Nobody but the owner creates objects in the schema (PostgreSQL < 15 lets PUBLIC do so).
        cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(SCHEMA)))
        cursor.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))
        cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), app))
        done.append(f"schema {SCHEMA}: owner {owner_role}; CONNECT for {app_role}")
    return done


def _tables(cursor: psycopg.Cursor) -> dict[str, str]:
    """Tables (and partitioned tables) of the schema with their owners."""
    rows = cursor.execute(
        "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
        (SCHEMA,),
    ).fetchall()
    return dict(rows)


def _identifiers(names: Iterable[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(SCHEMA, name) for name in sorted(names))


def grant(owner_url: str, app_role: str) -> list[str]:
    """Give ``app_role`` exactly what the app needs, in one transaction; return what was done.

    Resets the role's table privileges first, so a table that became append-only loses what it had.
    Default privileges give a table that a later migration creates SELECT and INSERT only: a new
    append-only table is never writable by accident, and a new ordinary table fails loudly on its
    first UPDATE until this command is re-run (the deployment runs it after every migration).

    :raises SystemExit: the connecting role does not own every table, or is the app role itself.
    """
    done: list[str] = []
    with psycopg.connect(libpq_url(owner_url)) as connection, connection.cursor() as cursor:
        owner_role = cursor.execute("SELECT current_user").fetchone()[0]
        if owner_role == app_role:
            raise SystemExit("pg_roles: connect as the owner role, not as the app role")
        if not cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (app_role,)).fetchone():
            raise SystemExit(f"pg_roles: role {app_role} does not exist (run `pg_roles.py setup` first)")
        tables = _tables(cursor)
        foreign = sorted(name for name, owner in tables.items() if owner != owner_role)
        if foreign:
            raise SystemExit(f"pg_roles: {owner_role} does not own {', '.join(foreign)}: migrate as the owner role")
        app, schema = sql.Identifier(app_role), sql.Identifier(SCHEMA)
        database = cursor.execute("SELECT current_database()").fetchone()[0]
        cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), app))
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, app))
        cursor.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, app))
        append_only = [name for name in APPEND_ONLY_TABLES if name in tables]
        read_only = [name for name in READ_ONLY_TABLES if name in tables]
        ordinary = [name for name in tables if name not in append_only and name not in read_only]
        privileges = {
            "ordinary": (ordinary, APP_TABLE_PRIVILEGES),
            "append-only": (append_only, APPEND_ONLY_PRIVILEGES),
            "read-only": (read_only, ("SELECT",)),
        }
        for kind, (names, granted) in privileges.items():
            if names:
                cursor.execute(
                    sql.SQL("GRANT {} ON {} TO {}").format(
                        sql.SQL(", ").join(sql.SQL(p) for p in granted), _identifiers(names), app
                    )
                )
                done.append(f"{kind}: {', '.join(granted)} on {len(names)} table(s)")
        if append_only:
            # PUBLIC holds nothing on our tables (PostgreSQL grants it none), but say it for the record.
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM PUBLIC").format(_identifiers(append_only))
            )
        absent = [name for name in APPEND_ONLY_TABLES if name not in tables]
        if absent:
            done.append(f"append-only, not (yet) present: {', '.join(absent)}")
        cursor.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, app))
        defaults = sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} ").format(
            sql.Identifier(owner_role), schema
        )
        cursor.execute(defaults + sql.SQL("REVOKE ALL ON TABLES FROM {}").format(app))
        cursor.execute(defaults + sql.SQL("GRANT SELECT, INSERT ON TABLES TO {}").format(app))
        cursor.execute(defaults + sql.SQL("GRANT USAGE, SELECT ON SEQUENCES TO {}").format(app))
        done.append(f"default privileges of {owner_role}: SELECT, INSERT on new tables; USAGE, SELECT on sequences")
    return done


def check(owner_url: str, app_role: str) -> list[str]:
    """What is wrong with the app role's privileges (empty: nothing)."""
    problems: list[str] = []
    with psycopg.connect(libpq_url(owner_url)) as connection, connection.cursor() as cursor:
        role = cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
            (app_role,),
        ).fetchone()
        if role is None:
            return [f"role {app_role} does not exist"]
        if any(role):
            problems.append(f"{app_role} is a superuser or has BYPASSRLS/CREATEROLE/CREATEDB")
        owned = cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) = %s",
            (SCHEMA, app_role),
        ).fetchall()
        if owned:
            problems.append(f"{app_role} owns {', '.join(sorted(r[0] for r in owned))}")
        for table in sorted(_tables(cursor)):
            qualified = f"{SCHEMA}.{table}"

            def has(privilege: str, table: str = qualified) -> bool:
                query = "SELECT has_table_privilege(%s, %s, %s)"
                return bool(cursor.execute(query, (app_role, table, privilege)).fetchone()[0])

            if table in APPEND_ONLY_TABLES:
                rewrite = [p for p in FORBIDDEN_ON_APPEND_ONLY if has(p)]
                if rewrite:
                    problems.append(f"{table} is append-only, yet {app_role} may {', '.join(rewrite)}")
                needed: tuple[str, ...] = APPEND_ONLY_PRIVILEGES
            elif table in READ_ONLY_TABLES:
                needed = ("SELECT",)
            else:
                needed = APP_TABLE_PRIVILEGES
            missing = [p for p in needed if not has(p)]
            if missing:
                problems.append(f"{app_role} lacks {', '.join(missing)} on {table} (run `pg_roles.py grant`)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pg_roles.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    setup_parser = commands.add_parser("setup", help="create the roles and the database (as a superuser)")
    setup_parser.add_argument("admin_url")
    setup_parser.add_argument("--database", default="casebook")
    setup_parser.add_argument("--owner-role", default="casebook_owner")
    setup_parser.add_argument("--owner-password-env", metavar="VAR")
    setup_parser.add_argument("--app-role", default="casebook_app")
    setup_parser.add_argument("--app-password-env", metavar="VAR")
    for name, text in (("grant", "grant the app role its privileges (as the owner)"), ("check", "check them")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("owner_url")
        sub.add_argument("--app-role", default="casebook_app")
    args = parser.parse_args(argv)

    if args.command == "setup":
        done = setup(
            args.admin_url,
            args.database,
            args.owner_role,
            args.app_role,
            owner_password=_password(args.owner_password_env),
            app_password=_password(args.app_password_env),
        )
    elif args.command == "grant":
        done = grant(args.owner_url, args.app_role)
    else:
        problems = check(args.owner_url, args.app_role)
        for problem in problems:
            print(f"pg_roles: {problem}", file=sys.stderr)
        if problems:
            return 1
        done = [f"{args.app_role}: privileges as intended"]
    for line in done:
        print(f"pg_roles: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
