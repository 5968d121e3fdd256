"""What the register of processing activities and the processing log say about one person.

The log (``casebook.privacy.processing_log``) holds a line per processing of a person's data, by
keyed pseudonym, under an activity of the register, with the trace id of the request it was made
in — never the user. The audit trail holds the user, by the same id (its ``request_id``). Joined,
they name the organisations that processed the person's data also where the trail alone would
not tie the event to the person (a search, a list), and which partner systems received it
(``foreign_operation``). The register (``casebook.privacy.register``) gives each activity's
purpose, legal basis, recipients (the roles that receive the data, as the register states them)
and retention.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from casebook.audit import AuditEvent, Outcome
from casebook.db import db
from casebook.privacy import processing_log, register

# The activities a person's data are processed under by being where they are: registered, in a
# case, in a signal, in a household — and this request itself. Lines of the log add their own.
REGISTERED = "pga-person-register"
IN_CASES = "pga-casework"
IN_SIGNALS = "pga-signal-intake"
IN_HOUSEHOLDS = "pga-household"
SUBJECT_RIGHTS = "pga-subject-rights"


def log_lines(bsn: str | None, person_uuid: str) -> list[dict[str, Any]]:
    """The processing log's lines about the person (by BSN, and by person for lines without one)."""
    entries = [
        *(processing_log.entries_for_subject(bsn) if bsn else []),
        *processing_log.entries_for_person(person_uuid),
    ]
    entries.sort(key=lambda entry: (entry.started_at, entry.id))
    return [
        {
            "trace_id": entry.trace_id,
            "name": entry.name,
            "status": entry.status,
            "started_at": entry.started_at,
            "ended_at": entry.ended_at,
            "processing_activity": entry.processing_activity_id,
            "foreign_operation": entry.foreign_operation,
        }
        for entry in entries
    ]


def organisations_of_traces(trace_ids: set[str]) -> dict[str, tuple[datetime, datetime, int]]:
    """Per organisation slug: first and last moment and number of allowed audit events in these traces."""
    if not trace_ids:
        return {}
    rows = db.session.execute(
        select(
            AuditEvent.actor_organisation,
            func.min(AuditEvent.occurred_at),
            func.max(AuditEvent.occurred_at),
            func.count(AuditEvent.id),
        )
        .where(
            AuditEvent.request_id.in_(sorted(trace_ids)),
            AuditEvent.outcome == Outcome.ALLOWED,
            AuditEvent.actor_organisation.is_not(None),
        )
        .group_by(AuditEvent.actor_organisation)
    ).all()
    return {slug: (first, last, count) for slug, first, last, count in rows}


def activity_codes(*, in_cases: bool, in_signals: bool, in_households: bool, lines: list[dict[str, Any]]) -> list[str]:
    codes = [REGISTERED]
    codes += [IN_CASES] if in_cases else []
    codes += [IN_SIGNALS] if in_signals else []
    codes += [IN_HOUSEHOLDS] if in_households else []
    codes += [SUBJECT_RIGHTS]
    codes += [line["processing_activity"] for line in lines if line["processing_activity"]]
    return list(dict.fromkeys(codes))


def activities(codes: list[str]) -> list[dict[str, Any]]:
    """Purpose, legal basis, recipients and retention of the register's current activities ``codes``."""
    described = []
    for code in codes:
        try:
            found = register.activity(code)
        except register.UnknownActivity:
            continue
        described.append(
            {
                "code": found.id,
                "version": found.version,
                "name": found.name,
                "controller": found.controller,
                "purpose": found.purpose,
                "legal_basis": found.legal_basis,
                "categories_of_data": found.categories_of_data,
                "recipients": found.recipients,
                "retention": found.retention,
            }
        )
    return described
