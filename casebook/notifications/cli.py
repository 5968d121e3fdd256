"""``casebook notifications send``: the scheduled run that makes reminders and sends the digests."""

from __future__ import annotations

import click

from casebook.commands import transactional
from casebook.ops import jobs


@click.group("notifications")
def notifications_group() -> None:
    """Reminders and notifications."""


@notifications_group.command("send")
@jobs.recorded("notifications_send")
@transactional
def send() -> None:
    """Create the reminders that are due and send each user with news one digest e-mail.

    Idempotent and safe to schedule (e.g. every 15 minutes): a second run creates and sends nothing
    new. Without CASEBOOK_SMTP_HOST (development) the mails are written to instance/mail/.
    """
    from flask import current_app

    from casebook.notifications import mail, reminders

    settings = mail.MailSettings.from_config(current_app.config)
    created = reminders.create_due()
    counts = mail.send_pending(settings)
    mail.record_run(len(created), counts)
    where = settings.host or str(settings.file_dir)
    click.echo(
        f"created {len(created)} notifications; sent {counts['mails']} e-mails "
        f"({counts['notifications']} notifications, {counts['failed']} failed) via {where}"
    )
    if counts["failed"]:
        jobs.report(outcome=jobs.PARTIAL)
        click.echo(f"{counts['failed']} e-mails were not accepted; they are retried on the next run", err=True)
