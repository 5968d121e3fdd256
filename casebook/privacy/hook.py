"""The one place processing is logged: every audited, allowed read or change of personal data
becomes a processing of the data subjects it concerns, under the register's activity for its action.

``audit.record`` is where every service already reports each read and change of personal data
(once per kind per request); this observer of it maps the event's action to an activity of the
register (``ACTIVITY_OF_ACTION``, longest prefix first) and its object to data subjects: a person,
the persons of a case (an event about a note, plan, document … carries its case), of a signal or of
a household. Events about no data subject (lists, searches, accounts, the audit trail itself) log
nothing here: the audit trail records them. Denials process nothing.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from casebook import tracing
from casebook.audit import AuditEvent, Outcome
from casebook.cases.models import Case
from casebook.db import db
from casebook.people.models import Household, Person
from casebook.privacy import processing_log
from casebook.privacy.processing_log import Source, Subject
from casebook.privacy.subjects import owner_source
from casebook.signals.models import Signal, SignalPerson

#: The audited actions that process personal data, by prefix, and the register's activity of each.
ACTIVITY_OF_ACTION: dict[str, str] = {
    "case.": "pga-casework",
    "note.": "pga-casework",
    "plan.": "pga-casework",
    "intervention.": "pga-casework",
    "document.": "pga-casework",
    "meeting.item.": "pga-casework",
    "meeting.agenda.": "pga-casework",
    "signal.": "pga-signal-intake",
    "signal.origin.": "pga-casework",  # the case's own origin, read on the case page
    "person.": "pga-person-register",
    "household.": "pga-household",
    "plan.household.": "pga-household",
    "handoff.": "pga-information-sharing",
    "processing_log.": "pga-subject-rights",  # the privacy officer reads a subject's lines for their request
    "subject_request.": "pga-subject-rights",  # a request's export, rectification and restriction
}
_PREFIXES = sorted(ACTIVITY_OF_ACTION, key=len, reverse=True)


def activity_for(action: str) -> str | None:
    """The register's activity code of an audited action, or None (it processes no data subject's data)."""
    for prefix in _PREFIXES:
        if action.startswith(prefix):
            return ACTIVITY_OF_ACTION[prefix]
    return None


def sources_of(event: AuditEvent, obj: Any) -> list[Source]:
    """The data subjects an event's object stands for (resolved at commit). An event about a case,
    or about anything of a case (a note, a plan, the signal it came from …), concerns the case's
    subjects; a person event the person; a signal's or household's their persons."""
    session = db.session()
    if isinstance(obj, Person | Subject):
        return [obj]
    if isinstance(obj, Case):
        return [obj]
    if event.case_id is not None:
        return [owner_source(session, "case", event.case_id)]
    if isinstance(obj, SignalPerson):
        return [obj.person] if obj.person is not None else [owner_source(session, "signal", obj.signal_id)]
    if isinstance(obj, Signal):
        return [obj] if obj.id is not None else [link.person for link in obj.persons]
    if isinstance(obj, Household):
        return [obj]
    signal_id = getattr(obj, "signal_id", None)
    if signal_id is not None:
        return [owner_source(session, "signal", signal_id)]
    return []


def observe(event: AuditEvent, obj: Any) -> None:
    """Buffer the processing an audit event stands for (written with the transaction's commit)."""
    if event.outcome is not Outcome.ALLOWED:
        return
    code = activity_for(event.action)
    if code is None:
        return
    sources = sources_of(event, obj)
    if not sources:
        return
    context = tracing.current()
    api_call = has_request_context() and request.path.startswith("/api/")
    processing_log.log_processing(
        db.session(),
        name=event.action,
        activity_code=code,
        subjects=sources,
        trace_id=context.trace_id,
        parent_span_id=context.span_id,
        started_at=context.started_at,
        foreign_operation=(request.endpoint or None) if api_call else None,
        foreign_span_id=context.parent_span_id,
    )
