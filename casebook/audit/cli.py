"""``casebook audit verify | checkpoint | reanchor | move-free-text``: prove the trail is untouched.

``verify`` walks the chain (keyed with the keyring's chain key) and, given a checkpoint file,
also compares the signed head hashes recorded there: an attacker who rewrites the whole chain or
cuts its end off is caught against a checkpoint kept outside the database, and a checkpoint line
they wrote themselves fails its signature. Exit 1 names the first broken event.

``reanchor`` and ``move-free-text`` are the two upgrade steps of a database whose chain began
before the chain key (see README, "Audit trail").
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect, select, text

from casebook import audit
from casebook.audit import chain
from casebook.audit.models import UnkeyedEventReason
from casebook.db import db, utcnow
from casebook.ops import jobs
from casebook.ops.jobs import CHECKPOINT_JOB


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


def unkeyed_reasons():
    """The lookup ``chain.verify`` uses for reasons of unkeyed events (moved out, encrypted)."""
    session = db.session()
    with_reason = set(session.scalars(select(UnkeyedEventReason.seq)))

    def lookup(seq: int) -> str | None:
        if seq not in with_reason:
            return None
        row = session.scalar(select(UnkeyedEventReason).where(UnkeyedEventReason.seq == seq))
        return row.reason if row is not None else None

    return lookup


def verify_chain(start: chain.Checkpoint | None = None, workers: int = 1) -> chain.VerifyResult:
    """The walk of ``casebook audit verify`` (also used by ``casebook bench scale``); ``workers``
    processes share a long keyed stretch on PostgreSQL."""
    return chain.verify(
        db.session(), audit.chain_key(), unkeyed_reasons=unkeyed_reasons(), start=start, workers=workers
    )


def _checked_start(checkpoint_file: Path | None, full: bool) -> tuple[chain.Checkpoint | None, int]:
    """Check every line of the checkpoint file (signature, and its event's hash still stored);
    return the last line as the walk's start (None with ``--full`` or no file) and the count.
    Exits 2 on an unreadable file, 1 on a refused or non-matching checkpoint."""
    if checkpoint_file is None:
        return None, 0
    try:
        points = chain.read_checkpoints(checkpoint_file.read_text().splitlines())
    except ValueError as exc:
        click.echo(f"checkpoint file unreadable: {exc}", err=True)
        sys.exit(2)
    failure = chain.check_checkpoints(db.session(), points, audit.checkpoint_key())
    if failure is not None:
        click.echo(failure.describe(), err=True)
        sys.exit(1)
    last = max(points, key=lambda point: point.seq) if points and not full else None
    return last, len(points)


CHECKPOINT_OPTION = click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of earlier checkpoints (from `casebook audit checkpoint --append`): each must still match, "
    "and the walk starts after the last one.",
)
FULL_OPTION = click.option(
    "--full", is_flag=True, help="Walk the whole chain, not only the events after the checkpoint."
)
WORKERS_OPTION = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="PostgreSQL: processes that check a long stretch of the chain side by side.",
)


@audit_group.command("verify")
@CHECKPOINT_OPTION
@FULL_OPTION
@WORKERS_OPTION
@with_appcontext
def verify(checkpoint_file: Path | None, full: bool, workers: int) -> None:
    """Walk the chain (after the last checkpoint, or all of it with ``--full``); exit 1 naming the
    first broken event or refused checkpoint."""
    start, count = _checked_start(checkpoint_file, full)
    result = verify_chain(start, workers)
    if not result.ok:
        click.echo(result.describe(), err=True)
        sys.exit(1)
    if count:
        click.echo(f"{count} checkpoint(s) match")
    if start is not None:
        click.echo(f"walked from checkpoint #{start.seq}")
    click.echo(result.describe())


@audit_group.command("checkpoint")
@CHECKPOINT_OPTION
@FULL_OPTION
@WORKERS_OPTION
@click.option(
    "--append",
    "append_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append the line to this file; keep it outside the database server (WORM storage, another host).",
)
@jobs.recorded(CHECKPOINT_JOB)
@with_appcontext
def checkpoint(checkpoint_file: Path | None, full: bool, workers: int, append_to: Path | None) -> None:
    """Print the current head of the chain with a timestamp and signature (after verifying the chain,
    from the last checkpoint given on)."""
    start, _count = _checked_start(checkpoint_file, full)
    result = verify_chain(start, workers)  # the checkpoint is the head this walk verified
    if not result.ok:
        click.echo(result.describe(), err=True)
        click.echo("no checkpoint taken of a broken chain", err=True)
        sys.exit(1)
    line = chain.Checkpoint(utcnow(), result.head_seq, result.head_hash).signed(audit.checkpoint_key()).line()
    if append_to is not None:
        with append_to.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    click.echo(line)
    jobs.report(position=result.head_seq)  # /metrics and /readyz: the trail is sealed up to here


@audit_group.command("reanchor")
@with_appcontext
def reanchor() -> None:
    """After upgrading a database whose chain is unkeyed: write the re-anchoring event now.

    The application does this by itself with its first event; run it to anchor before that.
    """
    event = chain.reanchor(db.session(), audit.chain_key())
    db.session.commit()
    if event is None:
        click.echo("nothing to re-anchor: the chain head is already keyed (or the chain is empty)")
    else:
        click.echo(f"re-anchored: event #{event.seq} follows unkeyed event #{event.details['unkeyed_seq']}")


def _legacy_column(table: str, column: str) -> bool:
    columns = inspect(db.session.connection()).get_columns(table)
    return any(c["name"] == column for c in columns)


@audit_group.command("move-free-text")
@with_appcontext
def move_free_text() -> None:
    """Upgrade step: encrypt the free text that older versions stored in plain text.

    Copies each ``audit_event.reason`` into ``audit_unkeyed_reason`` (encrypted; ``verify`` needs it
    for the unkeyed part of the chain) and each ``break_glass_access.reason`` / ``review_note`` into
    its encrypted column (the case's data key). The migration that drops the plain columns refuses
    to run until this has been done. Idempotent.
    """
    from casebook.access.models import BreakGlassAccess

    session = db.session()
    moved_events = moved_grants = 0
    if _legacy_column("audit_event", "reason"):
        done = set(session.scalars(select(UnkeyedEventReason.seq)))
        rows = session.execute(text("SELECT seq, reason FROM audit_event WHERE reason IS NOT NULL ORDER BY seq"))
        for seq, reason in rows.all():
            if seq not in done:
                session.add(UnkeyedEventReason(seq=seq, reason=reason))
                moved_events += 1
    if _legacy_column("break_glass_access", "reason"):
        rows = session.execute(
            text(
                "SELECT id, reason, review_note FROM break_glass_access"
                " WHERE case_id IS NOT NULL AND reason IS NOT NULL AND reason_encrypted IS NULL"
            )
        )
        for grant_id, reason, note in rows.all():
            grant = session.get(BreakGlassAccess, grant_id)
            grant.reason = reason
            grant.review_note = note
            moved_grants += 1
    session.flush()
    chain.reanchor(session, audit.chain_key())
    result = verify_chain()
    if not result.ok:
        session.rollback()
        click.echo(result.describe(), err=True)
        click.echo("nothing moved: the chain must verify first", err=True)
        sys.exit(1)
    session.commit()
    click.echo(
        f"moved {moved_events} event reason(s) and {moved_grants} break-the-glass reason(s) to encrypted storage"
    )
    click.echo("now run `casebook db upgrade` to drop the plain-text columns")
