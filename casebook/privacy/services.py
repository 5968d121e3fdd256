"""The privacy officer's operations on the register and the processing log: policy, audit, flush.

The views, the API and the CLI (``casebook processing-log export``) call these, so the rules are
the same everywhere. Register reads are not personal data and are not audited as reads; its
changes and exports are. Reading or exporting a data subject's log lines is a processing of that
subject for their request (``pga-subject-rights``): the audit event about it names the subject's
pseudonym only as the object the hook logs, never the BSN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from casebook import audit
from casebook.access import Action, require_audited
from casebook.auth.models import User
from casebook.crypto import bsn_is_valid
from casebook.db import db, utcnow
from casebook.errors import Conflict, Refused, RuleViolation
from casebook.privacy.processing_log import (
    SUBJECT_TYPE_BSN,
    ProcessingLogEntry,
    Subject,
    entries_for_subject,
    subject_pseudonym,
)
from casebook.privacy.register import FIELDS, ProcessingActivity, current_activities, versions_of

TEXT_LIMITS = {"name": 200, "controller": 200}
TEXT_MAX = 4000
MAX_LOG_RETENTION_DAYS = 36500


class InvalidBsn(RuleViolation):
    """The BSN typed to look up a data subject fails the 11-proef."""


def register(user: User) -> list[ProcessingActivity]:
    """The register as it stands (current versions). :raises Refused: not the privacy officer."""
    require_audited(user, Action.VIEW_REGISTER)
    return current_activities()


def activity_versions(user: User, code: str) -> list[ProcessingActivity]:
    """All versions of one activity, newest first. :raises Refused: not allowed, or no such activity."""
    require_audited(user, Action.VIEW_REGISTER)
    versions = versions_of(code)
    if not versions:
        raise Refused()
    return versions


def revise(user: User, code: str, values: Mapping[str, object], *, expected_version: int) -> ProcessingActivity:
    """A new version of activity ``code`` with ``values``; the current one ends now.

    :raises Refused: not the privacy officer, or no such activity.
    :raises Conflict: the activity changed since ``expected_version`` was read.
    :raises RuleViolation: a field is empty or too long.
    """
    require_audited(user, Action.EDIT_REGISTER)
    versions = versions_of(code)
    if not versions:
        raise Refused()
    current = versions[0]
    if current.version != expected_version or current.valid_to is not None:
        raise Conflict("the activity was changed meanwhile")
    cleaned = _clean(values)
    now = utcnow()
    current.valid_to = now
    revised = ProcessingActivity(
        id=code, version=current.version + 1, valid_from=now, valid_to=None, changed_by_id=user.id, **cleaned
    )
    db.session.add(revised)
    db.session.flush()
    audit.record(user, "register.edit", details={"activity": code, "version": revised.version})
    return revised


def _clean(values: Mapping[str, object]) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    for name in FIELDS:
        value = values.get(name)
        if name == "log_retention_days":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LOG_RETENTION_DAYS:
                raise RuleViolation("Geef een bewaartermijn in dagen (1 tot 36500).", field=name)
            cleaned[name] = value
            continue
        text = str(value or "").strip()
        if not text:
            raise RuleViolation("Dit veld is verplicht.", field=name)
        if len(text) > TEXT_LIMITS.get(name, TEXT_MAX):
            raise RuleViolation("Deze tekst is te lang.", field=name)
        cleaned[name] = text
    return cleaned


def record_register_export(user: User, export_format: str) -> list[ProcessingActivity]:
    """The register for an export in ``export_format`` (csv, pdf), audited. :raises Refused:"""
    require_audited(user, Action.EXPORT_REGISTER)
    activities = current_activities()
    audit.record(user, "register.export", details={"format": export_format, "count": len(activities)})
    return activities


@dataclass(frozen=True)
class ActivityCount:
    code: str
    name: str
    lines: int
    last_at: datetime | None


def log_overview(user: User) -> list[ActivityCount]:
    """Lines per activity of the register (counts only: nobody is named). :raises Refused:"""
    require_audited(user, Action.VIEW_PROCESSING_LOG)
    counts = {
        code: (lines, last)
        for code, lines, last in db.session.execute(
            select(
                ProcessingLogEntry.processing_activity_id, func.count(), func.max(ProcessingLogEntry.ended_at)
            ).group_by(ProcessingLogEntry.processing_activity_id)
        )
    }
    return [ActivityCount(a.id, a.name, *counts.get(a.id, (0, None))) for a in current_activities()]


def _subject(bsn: str) -> Subject:
    if not bsn_is_valid(bsn):
        raise InvalidBsn("Dit is geen geldig BSN (11-proef).", field="bsn")
    return Subject(subject_pseudonym(bsn), SUBJECT_TYPE_BSN)


def subject_log(user: User, bsn: str, *, export_format: str | None = None) -> list[ProcessingLogEntry]:
    """The log lines about the person with ``bsn``, oldest first; audited as a view or, with
    ``export_format``, an export — and itself logged as a processing of that subject.

    :raises Refused: not the privacy officer. :raises InvalidBsn: the BSN fails the 11-proef.
    """
    action = Action.EXPORT_PROCESSING_LOG if export_format else Action.VIEW_PROCESSING_LOG
    require_audited(user, action)
    subject = _subject(bsn)
    entries = entries_for_subject(bsn)
    details: dict[str, object] = {"count": len(entries)}
    if export_format:
        details["format"] = export_format
    audit.record(user, str(action), subject, details=details)
    return entries


LOG_HEADER = (
    "trace_id",
    "span_id",
    "parent_span_id",
    "name",
    "status",
    "start_time",
    "end_time",
    "processing_activity_id",
    "data_subject_id",
    "data_subject_type",
    "foreign_operation",
    "foreign_span_id",
)


def log_rows(entries: list[ProcessingLogEntry]) -> list[list[object]]:
    """The lines in Logboek Dataverwerkingen's field order (``LOG_HEADER``)."""
    return [
        [
            e.trace_id,
            e.span_id,
            e.parent_span_id,
            e.name,
            e.status,
            e.started_at.isoformat(),
            e.ended_at.isoformat(),
            e.processing_activity_id,
            e.data_subject_id,
            e.data_subject_type,
            e.foreign_operation,
            e.foreign_span_id,
        ]
        for e in entries
    ]
