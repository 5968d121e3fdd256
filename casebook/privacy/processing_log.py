"""The processing log (verwerkingslog) after Logboek Dataverwerkingen 1.0: one line per processing
and per data subject, written in the transaction of the processing itself.

A line says *that* personal data of a data subject was processed, under which activity of the
register, when, and in which trace — never *who* did it (the audit trail holds that, joined by
the trace id, which is the audit event's ``request_id``) and never the BSN: the data subject is a
keyed pseudonym (``subject_pseudonym``), HMAC-SHA-256 under a key derived from the keyring's
index root key, over the BSN's blind index. Whoever holds the database without the keyring
cannot tell whose line it is; the privacy officer, given a BSN, can find its lines.

Persons without a (valid) BSN get ``data_subject_type`` ``casebook-person`` and a keyed pseudonym
of their person uuid, so their processing is logged too and an inzage by person still finds it.

Lines are buffered on the session (``session.info``) with the transaction or savepoint they were
made in and inserted at commit in one multi-row INSERT; a rollback drops them with the processing
(a rolled-back savepoint drops its own), and an INSERT that fails makes the commit — and so the
processing — fail. The table is append-only for the application's database role
(``scripts/pg_roles.py``); ``prune`` runs as the owner (``casebook processing-log prune``).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from flask import current_app
from sqlalchemy import BigInteger, Index, Integer, String, delete, insert, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from casebook.crypto import bsn_index
from casebook.db import Base, db, utcnow

SUBJECT_TYPE_BSN = "BSN"
SUBJECT_TYPE_PERSON = "casebook-person"
STATUS_OK = "OK"
STATUS_ERROR = "ERROR"
PSEUDONYM_KEY_NAME = "processing_log_subject"


class ProcessingLogEntry(Base):
    """One line: one processing of one data subject's personal data. No user column, by design."""

    __tablename__ = "processing_log"
    __table_args__ = (
        Index("ix_processing_log_subject", "data_subject_id", "started_at"),
        Index("ix_processing_log_activity_end", "processing_activity_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    trace_id: Mapped[str] = mapped_column(String(32), index=True)  # W3C Trace Context, 32 hex
    span_id: Mapped[str] = mapped_column(String(16))  # this line's own span, 16 hex
    parent_span_id: Mapped[str | None] = mapped_column(String(16))  # the request's span
    name: Mapped[str] = mapped_column(String(64))  # the processing, e.g. "case.view"
    status: Mapped[str] = mapped_column(String(8))  # OK / ERROR (OpenTelemetry status codes)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    processing_activity_id: Mapped[str] = mapped_column(String(64))  # code in the register
    data_subject_id: Mapped[str] = mapped_column(String(64))  # keyed pseudonym, never the BSN
    data_subject_type: Mapped[str] = mapped_column(String(32))  # "BSN" or "casebook-person"
    # An API client's call: the operation it invoked, and its own span (from its traceparent).
    foreign_operation: Mapped[str | None] = mapped_column(String(128))
    foreign_span_id: Mapped[str | None] = mapped_column(String(16))

    def __repr__(self) -> str:
        return f"<ProcessingLogEntry {self.id} {self.name} {self.processing_activity_id}>"


def _pseudonym_key() -> bytes:
    return current_app.extensions["casebook.keyring"].index_key_for(PSEUDONYM_KEY_NAME)


def pseudonym_of_index(bsn_digest: str) -> str:
    """The pseudonym of the BSN whose blind index (``bsn_index``) is ``bsn_digest``: lets the hook
    log a person from the index row the register already holds, without decrypting the BSN."""
    return hmac.new(_pseudonym_key(), b"bsn:" + bsn_digest.encode("ascii"), sha256).hexdigest()


def subject_pseudonym(bsn: str) -> str:
    """The keyed pseudonym of a BSN as processing-log lines hold it (64 hex): never the BSN, and
    not computable without the keyring."""
    return pseudonym_of_index(bsn_index(current_app.extensions["casebook.keyring"], bsn))


def person_pseudonym(person_uuid: str) -> str:
    """The keyed pseudonym of a person without a BSN (``data_subject_type`` ``casebook-person``)."""
    return hmac.new(_pseudonym_key(), b"person:" + person_uuid.encode("ascii"), sha256).hexdigest()


def entries_for_subject(bsn: str) -> list[ProcessingLogEntry]:
    """Every line about the person with this BSN, oldest first (inzage, AVG art. 15)."""
    return list(
        db.session.scalars(
            select(ProcessingLogEntry)
            .where(
                ProcessingLogEntry.data_subject_id == subject_pseudonym(bsn),
                ProcessingLogEntry.data_subject_type == SUBJECT_TYPE_BSN,
            )
            .order_by(ProcessingLogEntry.started_at, ProcessingLogEntry.id)
        )
    )


def entries_for_person(person_uuid: str) -> list[ProcessingLogEntry]:
    """Every line about a person registered without a BSN, oldest first."""
    return list(
        db.session.scalars(
            select(ProcessingLogEntry)
            .where(
                ProcessingLogEntry.data_subject_id == person_pseudonym(person_uuid),
                ProcessingLogEntry.data_subject_type == SUBJECT_TYPE_PERSON,
            )
            .order_by(ProcessingLogEntry.started_at, ProcessingLogEntry.id)
        )
    )


# --- writing: buffered on the session, one INSERT at commit --------------------------------------

PENDING = "casebook.processing_log.pending"  # the session.info key of the buffer


@dataclass(frozen=True)
class Subject:
    """A data subject as a line holds it: its pseudonym and its type."""

    pseudonym: str
    type: str

    @property
    def id(self) -> str:
        """What an audit event about a subject names as its object id: the kind of identifier only
        (the audit trail says who looked, the processing log whom; the trace id joins them)."""
        return self.type


#: What a processing names as its data subjects before they are resolved at commit: a ``Subject``,
#: a ``Person``, or ``("case" | "signal" | "household", id)`` — the persons of that case, signal or
#: household (resolved together at commit, in one query per kind that is not loaded yet).
Source = object


@dataclass(frozen=True)
class _Pending:
    row: dict[str, object]
    sources: tuple[Source, ...]
    transaction: SessionTransaction


def new_span_id() -> str:
    return secrets.token_hex(8)


def log_processing(
    session: Session,
    *,
    name: str,
    activity_code: str,
    subjects: Sequence[Source],
    trace_id: str,
    parent_span_id: str | None,
    started_at: datetime,
    foreign_operation: str | None = None,
    foreign_span_id: str | None = None,
    status: str = STATUS_OK,
) -> None:
    """Buffer a processing of ``subjects`` for the transaction in progress: at its commit it becomes
    one line per data subject (``write_pending``); with its transaction or savepoint it goes.

    Within one transaction a data subject has one line per activity (the first processing names
    it): a case page reads several kinds of data of the same persons for one purpose.
    """
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        session.connection()
        transaction = session.get_transaction()
    row = {
        "trace_id": trace_id,
        "parent_span_id": parent_span_id,
        "name": name,
        "status": status,
        "started_at": started_at,
        "processing_activity_id": activity_code,
        "foreign_operation": foreign_operation,
        "foreign_span_id": foreign_span_id,
    }
    session.info.setdefault(PENDING, []).append(_Pending(row, tuple(subjects), transaction))


def pending(session: Session) -> list[dict[str, object]]:
    """The processings ``session`` will log at its commit, in order (unresolved)."""
    return [entry.row for entry in session.info.get(PENDING, ())]


def write_pending(session: Session) -> int:
    """Resolve the buffered processings' subjects and insert one line per processing and subject now,
    in one multi-row INSERT, each ended now; returns how many lines.

    Any failure propagates: the commit that called it fails and the processing with it.
    """
    entries = session.info.pop(PENDING, None)
    if not entries:
        return 0
    from casebook.privacy.subjects import resolve

    resolved = resolve(session, [entry.sources for entry in entries])
    ended_at = utcnow()
    rows: list[dict[str, object]] = []
    seen: set[tuple[object, Subject]] = set()
    for entry, subjects in zip(entries, resolved, strict=True):
        for subject in subjects:
            key = (entry.row["processing_activity_id"], subject)
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    **entry.row,
                    "span_id": new_span_id(),
                    "ended_at": ended_at,
                    "data_subject_id": subject.pseudonym,
                    "data_subject_type": subject.type,
                }
            )
    if rows:
        session.execute(insert(ProcessingLogEntry), rows)
    return len(rows)


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@orm_event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    # before_commit runs when a savepoint is released too; the lines wait for the real commit
    if session.info.get(PENDING) and not session.in_nested_transaction():
        write_pending(session)


@orm_event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    entries = session.info.get(PENDING)
    if not entries or not (previous_transaction.parent is None or previous_transaction.nested):
        return
    kept = [entry for entry in entries if not _inside(entry.transaction, previous_transaction)]
    if kept:
        session.info[PENDING] = kept
    else:
        del session.info[PENDING]


@orm_event.listens_for(Session, "after_transaction_end")
def _drop_at_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def prune(now: datetime | None = None) -> dict[str, int]:
    """Delete the lines past their activity's log retention (``log_retention_days`` of its current
    version); returns the number deleted per activity. Needs DELETE on the table: the owner role."""
    from casebook.privacy.register import current_activities

    now = now or utcnow()
    deleted: dict[str, int] = {}
    for activity in current_activities():
        cutoff = now - timedelta(days=activity.log_retention_days)
        result = db.session.execute(
            delete(ProcessingLogEntry).where(
                ProcessingLogEntry.processing_activity_id == activity.id, ProcessingLogEntry.ended_at < cutoff
            )
        )
        deleted[activity.id] = result.rowcount or 0
    return deleted
