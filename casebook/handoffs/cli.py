"""``casebook handoffs …``: the scheduled expiry run."""

from __future__ import annotations

import click

from casebook.commands import transactional
from casebook.ops import jobs


@click.group("handoffs")
def handoffs_group() -> None:
    """Handoffs between organisations."""


@handoffs_group.command("expire")
@jobs.recorded("handoffs_expire")
@transactional
def expire() -> None:
    """Expire pending handoffs and requests past their date and notify the senders.

    Idempotent and safe to schedule (e.g. hourly): a second run finds nothing to do.
    """
    from casebook.handoffs import requests, services

    handoffs = services.expire_due()
    asked = requests.expire_due()
    click.echo(f"expired {handoffs} handoffs and {asked} requests for a case")
