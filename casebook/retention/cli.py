"""``casebook retention plan | approve | run | certificate``: the destruction of what passed its retention.

``plan`` runs weekly from a systemd timer (deploy/systemd/casebook-retention-plan.timer); it only
draws up a list. ``approve`` is the command-line twin of the approval screen. ``run`` destroys what
approved lists hold, one transaction per item (it is resumable: run it again after an interruption).
"""

from __future__ import annotations

import sys
from datetime import date

import click

from casebook.commands import transactional
from casebook.ops import jobs


@click.group("retention")
def retention_group() -> None:
    """Retention periods and destruction lists (vernietigingslijsten)."""


def _parse_date(_ctx: object, _param: object, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@retention_group.command("plan")
@click.option(
    "--as-of", "as_of", callback=_parse_date, help="Measure the retention periods against this date (YYYY-MM-DD)."
)
@jobs.recorded("retention_plan")
@transactional
def plan_command(as_of: date | None) -> None:
    """Draw up a destruction list of what passed its retention; nothing is destroyed until it is approved."""
    from casebook.casework import local_today
    from casebook.retention import services

    listing = services.draw_up(as_of or local_today())
    if listing is None:
        click.echo("nothing has passed its retention")
        return
    kinds: dict[str, int] = {}
    for item in listing.items:
        kinds[str(item.kind)] = kinds.get(str(item.kind), 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    click.echo(
        f"destruction list {listing.id} drawn up ({summary}); it awaits a supervisor's and a privacy officer's approval"
    )


@retention_group.command("approve")
@click.argument("list_id", type=int)
@click.option(
    "--by", "username", required=True, help="The approving user (a municipal supervisor or the privacy officer)."
)
@transactional
def approve_command(list_id: int, username: str) -> None:
    """Approve destruction list LIST_ID as USERNAME (the second approver must be another person)."""
    from casebook.auth.services import find_user
    from casebook.db import db
    from casebook.errors import Conflict, Refused
    from casebook.retention import services

    user = find_user(username)
    try:
        if user is None:
            raise Refused()
        listing = services.load_list(user, list_id, services.Action.APPROVE_DESTRUCTION_LIST)
        services.approve(listing, by=user)
    except Refused:
        db.session.commit()  # keep the audited denial
        click.echo(f"no destruction list {list_id} that {username} may approve", err=True)
        sys.exit(1)
    except Conflict as exc:
        db.session.commit()
        click.echo(f"refused: {exc}", err=True)
        sys.exit(1)
    click.echo(f"destruction list {listing.id}: approved by {username}; status {listing.status}")


@retention_group.command("run")
@click.option("--list", "list_id", type=int, help="Only this list (default: every approved list).")
@click.option("--dry-run", is_flag=True, help="Say what would be destroyed; change nothing.")
@jobs.recorded("retention_run")
def run_command(list_id: int | None, dry_run: bool) -> None:
    """Destroy what approved lists hold (crypto-shredding), one transaction per item; resumable."""
    from casebook.db import db
    from casebook.retention import destroy

    try:
        report = destroy.run(list_id=list_id, dry_run=dry_run)
    finally:
        db.session.rollback()  # a dry run wrote nothing; a real one committed every item itself
    verb = "would destroy" if dry_run else "destroyed"
    for line in report.destroyed:
        click.echo(f"{verb}: {line}")
    for line in report.skipped:
        click.echo(f"skipped: {line}")
    for list_done in report.completed_lists:
        state = "would be" if dry_run else "is"
        click.echo(f"list {list_done} {state} carried out; certificate: casebook retention certificate {list_done}")
    click.echo(f"{len(report.destroyed)} {verb}, {len(report.skipped)} skipped")
    if report.skipped and not dry_run:
        jobs.report(outcome=jobs.PARTIAL)


@retention_group.command("certificate")
@click.argument("list_id", type=int)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="PDF file (default: the certificate's name)."
)
@transactional
def certificate_command(list_id: int, output: str | None) -> None:
    """Write the verklaring van vernietiging of a carried-out list LIST_ID as a PDF."""
    from casebook.db import db
    from casebook.errors import Conflict
    from casebook.retention.certificate import certificate
    from casebook.retention.models import DestructionList

    listing = db.session.get(DestructionList, list_id)
    if listing is None:
        click.echo(f"no destruction list {list_id}", err=True)
        sys.exit(1)
    try:
        printed = certificate(listing)
    except Conflict:
        click.echo(f"destruction list {list_id} has not been carried out yet", err=True)
        sys.exit(1)
    path = output or printed.filename
    with open(path, "wb") as handle:
        handle.write(printed.content)
    click.echo(f"wrote {path}")
