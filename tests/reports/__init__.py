"""Report tests. The history reports count the report facts: ``refreshed()`` rebuilds them from
what a test made (as the hourly timer would) and hands back the session to query with."""

from __future__ import annotations

from sqlalchemy.orm import Session


def refreshed() -> Session:
    from casebook.db import db
    from casebook.reports.refresh import refresh_facts

    db.session.flush()
    refresh_facts(db.session())
    return db.session()
