"""Create, drop or name a throwaway PostgreSQL database (used by .ci/run).

usage: pg_database.py create|drop|url ADMIN_URL NAME
"""

from __future__ import annotations

import re
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def main(action: str, admin_url: str, name: str) -> int:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        print(f"pg_database: bad database name {name!r}", file=sys.stderr)
        return 2
    if action == "url":
        print(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
        return 0
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if action == "create":
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        elif action == "drop":
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            print(f"pg_database: unknown action {action!r}", file=sys.stderr)
            return 2
    print(f"pg_database: {action} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
