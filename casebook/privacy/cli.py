"""``casebook processing-log …``: prune lines past their retention; export a data subject's lines.

``prune`` deletes, which the application's database role may not do on this append-only table
(``scripts/pg_roles.py``): it runs as the owner role (the systemd unit reads ``owner.env``).
``export`` is the privacy officer's: ``--by`` names them, the policy decides and the export is
audited under their name; the BSN is read from the option or, better, typed at the prompt so it
stays out of the shell history.
"""

from __future__ import annotations

import click
from sqlalchemy import func, select

from casebook.commands import transactional
from casebook.ops import jobs


@click.group("processing-log")
def processing_log_group() -> None:
    """The processing log (Logboek Dataverwerkingen)."""


@processing_log_group.command("prune")
@jobs.recorded("processing_log_prune")
@transactional
def prune() -> None:
    """Delete processing-log lines older than their activity's log retention. Safe to schedule daily."""
    from casebook.privacy.processing_log import prune as prune_lines

    deleted = prune_lines()
    click.echo(f"pruned {sum(deleted.values())} processing-log lines")


@processing_log_group.command("export")
@click.option("--subject-bsn", prompt="BSN", hide_input=True, help="The data subject's BSN (prompted when left out).")
@click.option("--by", "username", required=True, help="The privacy officer who asks (audited under this name).")
@click.option("--output", type=click.File("wb"), default="-", help="Where to write the CSV (default: stdout).")
@transactional
def export(subject_bsn: str, username: str, output: click.utils.LazyFile) -> None:
    """Write the lines about one data subject as CSV (for an inzage, AVG art. 15)."""
    from casebook.auth.models import User
    from casebook.db import db
    from casebook.errors import Refused, RuleViolation
    from casebook.exports import to_csv
    from casebook.privacy import services

    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active user {username!r}")
    try:
        entries = services.subject_log(user, subject_bsn, export_format="csv")
    except Refused:
        raise click.ClickException(f"{username} may not export the processing log (privacy officer only)") from None
    except RuleViolation as refused:
        raise click.ClickException(str(refused)) from None
    output.write(to_csv(services.LOG_HEADER, services.log_rows(entries)))
    click.echo(f"{len(entries)} lines", err=True)
