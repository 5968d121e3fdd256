"""``casebook people reindex``: rebuild the persons' blind indexes from their decrypted data.

Needed once for persons stored before the index existed, and if the index derivation ever
changes. The application keeps the index current by itself otherwise (a flush hook on Person).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from casebook import audit
from casebook.db import db


@click.group("people")
def people_group() -> None:
    """Persons (betrokkenen)."""


@people_group.command("reindex")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
def people_reindex(batch_size: int) -> None:
    """Recompute every person's blind-index entries, one transaction per batch."""
    from casebook.crypto.cli import check_session_database
    from casebook.people.models import Person, reindex_persons

    check_session_database()
    total = db.session.scalar(select(func.count(Person.id)))
    done, last_id = 0, 0
    with click.progressbar(length=total, label="indexing persons") as bar:
        while True:
            batch = list(
                db.session.scalars(select(Person).where(Person.id > last_id).order_by(Person.id).limit(batch_size))
            )
            if not batch:
                break
            reindex_persons(db.session(), batch)
            db.session.commit()
            done += len(batch)
            last_id = batch[-1].id
            bar.update(len(batch))
            db.session.expunge_all()
            db.session.info.pop("casebook_deks", None)
    audit.record(None, "person.reindex", details={"persons": done})
    db.session.commit()
    click.echo(f"reindexed {done} person(s)")
