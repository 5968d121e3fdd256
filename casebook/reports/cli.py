"""``casebook reports refresh``: rebuild the report facts (scheduled, e.g. hourly)."""

from __future__ import annotations

import time

import click

from casebook.commands import transactional
from casebook.ops import jobs


@click.group("reports")
def reports_group() -> None:
    """Management information."""


@reports_group.command("refresh")
@jobs.recorded("reports_refresh")
@transactional
def refresh() -> None:
    """Rebuild the facts the history reports count (doorlooptijden, interventies, resultaten,
    jaaroverzicht); the pages say "stand van" this run. Idempotent: run it as often as the
    figures should be fresh (the timer runs it hourly)."""
    from casebook.db import db
    from casebook.reports.refresh import refresh_facts
    from casebook.reports.services import warm_defaults

    began = time.monotonic()
    done = refresh_facts(db.session)
    seconds = time.monotonic() - began
    click.echo(
        f"report facts: {done.cases} cases, {done.closings} closings, {done.interventions} interventions "
        f"in {seconds:.1f} s"
    )
    began = time.monotonic()
    built = warm_defaults()
    click.echo(f"default views built: {built} reports in {time.monotonic() - began:.1f} s")
