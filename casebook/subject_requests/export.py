"""The inzage export (AVG art. 15): what the chain holds about one person, and who read or received it.

Compiled by the privacy officer for a request, as JSON (``as_dict``) and as PDF (``pdf.py``). It
holds only the requester's own data: their registered data, the cases and signals they appear in
(type, period, organisations, status — and, by ``SUBJECT_EXPORT_CASE_SUMMARY``, the summary of the
cases in which they are the subject), the recipients (every organisation whose users read or
changed their data, with dates and roles, from the audit trail and the processing log) and the
processing activities with purpose and legal basis. Never another person's name: a case lists
organisations, not its other subjects.

The compilation is audited (``subject_request.export``), and so is each case whose content it
read (``subject_request.export.case`` on that case), so the case's own trail shows it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from casebook import audit
from casebook.access import Action, require_audited
from casebook.audit import AuditEvent, Outcome
from casebook.auth.models import User, UserRole
from casebook.cases.models import Case, CaseSubject, SubjectRole
from casebook.db import db, utcnow
from casebook.i18n import INVOLVEMENT_LABELS, RELATION_LABELS, ROLE_LABELS, SUBJECT_ROLE_LABELS
from casebook.organisations.models import Organisation
from casebook.people.models import HouseholdMember, Person
from casebook.signals.models import Signal, SignalPerson
from casebook.subject_requests import processing
from casebook.subject_requests.models import PersonRectification, SubjectRequest

KNOWN_STATEMENT = _l(
    "De registers van Casebook bevatten gegevens over deze persoon; hieronder staat wat er is vastgelegd, in welke "
    "casussen en meldingen, wie ze heeft ingezien of ontvangen en waarvoor ze worden verwerkt."
)
UNKNOWN_STATEMENT = _l(
    "In de registers van Casebook zijn geen gegevens gevonden over een persoon met de opgegeven gegevens. Er worden "
    "over deze persoon dus geen persoonsgegevens verwerkt in Casebook."
)


@dataclass(frozen=True)
class Recipient:
    """An organisation that read or changed the person's data (one line per organisation)."""

    organisation: str
    organisation_slug: str
    roles: list[str]
    first_at: datetime
    last_at: datetime
    events: int
    actions: list[str]
    source: str = "audit"  # "audit" (the trail), "processing_log" (the log of the register's activities)


@dataclass
class InzageExport:
    request_reference: str
    compiled_at: datetime
    compiled_by: str
    known: bool  # does the register hold the person the request is about?
    statement: str
    person: dict[str, Any] | None = None
    cases: list[dict[str, Any]] = field(default_factory=list)
    signals: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    processing_activities: list[dict[str, Any]] = field(default_factory=list)
    processing_log: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, datetime | date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))


def _person_data(person: Person) -> dict[str, Any]:
    memberships = db.session.scalars(select(HouseholdMember).where(HouseholdMember.person_id == person.id))
    history = db.session.scalars(
        select(PersonRectification)
        .where(PersonRectification.person_id == person.id)
        .order_by(PersonRectification.created_at, PersonRectification.id)
    )
    return {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "birth_date": person.birth_date,
        "bsn": person.bsn,
        "address": person.address,
        "phone": person.phone,
        "registered_at": person.created_at,
        "restricted": person.processing_restricted_at is not None,
        "households": [
            {"reference": m.household.reference, "relation": str(RELATION_LABELS.get(m.relation.value, m.relation))}
            for m in memberships
        ],
        "rectifications": [
            {"field": r.field, "at": r.created_at, "old_value": r.old_value, "reason": r.reason} for r in history
        ],
    }


def _case_data(user: User, case: Case, role: SubjectRole, request: SubjectRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": case.reference,
        "type": case.case_type.label_nl,
        "role": str(SUBJECT_ROLE_LABELS.get(role.value, role.value)),
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "status": case.status.label_nl,
        "lead_organisation": case.lead_organisation.name,
        "referring_organisation": case.referring_organisation.name if case.referring_organisation else None,
        "organisations": [
            {
                "organisation": p.organisation.name,
                "involvement": str(INVOLVEMENT_LABELS.get(p.involvement.value, p.involvement.value)),
                "from": p.started_at,
                "until": p.ended_at,
            }
            for p in case.participants
            if p.user_id is None
        ],
        "retained_until": case.archive_action_on,
        "restricted": case.processing_restricted_at is not None,
    }
    if role is SubjectRole.SUBJECT and current_app.config["SUBJECT_EXPORT_CASE_SUMMARY"]:
        data["problem_analysis"] = case.problem_analysis
        data["help_request"] = case.help_request
        audit.record(user, "subject_request.export.case", case, details={"request_id": request.id})
    return data


def _signal_data(signal: Signal, role: SubjectRole) -> dict[str, Any]:
    return {
        "reference": signal.reference,
        "type": signal.case_type.label_nl,
        "role": str(SUBJECT_ROLE_LABELS.get(role.value, role.value)),
        "received_at": signal.received_at,
        "source_organisation": signal.source_organisation.name,
        "decision": signal.decision.value if signal.decision else None,
        "case": signal.case.reference if signal.case_id and signal.case else None,
    }


def recipients_from_audit(person_id: int, case_ids: list[int], signal_ids: list[int]) -> list[Recipient]:
    """Every organisation whose users read or changed the person, their cases or signals (allowed events).

    Grouped in SQL by organisation and user; the users' roles come from their accounts (the roles
    they hold now: the trail records no role).
    """
    concerns = [and_(AuditEvent.object_type == "person", AuditEvent.object_id == str(person_id))]
    if case_ids:
        concerns.append(AuditEvent.case_id.in_(case_ids))
    if signal_ids:
        concerns.append(
            and_(AuditEvent.object_type == "signal", AuditEvent.object_id.in_([str(i) for i in signal_ids]))
        )
    rows = db.session.execute(
        select(
            AuditEvent.actor_organisation,
            AuditEvent.actor_user_id,
            AuditEvent.action,
            func.min(AuditEvent.occurred_at),
            func.max(AuditEvent.occurred_at),
            func.count(AuditEvent.id),
        )
        .where(AuditEvent.outcome == Outcome.ALLOWED, AuditEvent.actor_organisation.is_not(None), or_(*concerns))
        .group_by(AuditEvent.actor_organisation, AuditEvent.actor_user_id, AuditEvent.action)
    ).all()
    user_ids = {row[1] for row in rows if row[1] is not None}
    roles_of: dict[int, set[str]] = defaultdict(set)
    if user_ids:
        for user_id, role in db.session.execute(
            select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(user_ids))
        ):
            roles_of[user_id].add(str(role))
    names = dict(db.session.execute(select(Organisation.slug, Organisation.name)).all())
    grouped: dict[str, dict[str, Any]] = {}
    for slug, user_id, action, first, last, count in rows:
        line = grouped.setdefault(slug, {"roles": set(), "actions": set(), "first": first, "last": last, "events": 0})
        line["roles"] |= roles_of.get(user_id, set())
        line["actions"].add(action)
        line["first"], line["last"] = min(line["first"], first), max(line["last"], last)
        line["events"] += count
    return [
        Recipient(
            organisation=names.get(slug, slug),
            organisation_slug=slug,
            roles=sorted(str(ROLE_LABELS.get(r, r)) for r in line["roles"]),
            first_at=line["first"],
            last_at=line["last"],
            events=line["events"],
            actions=sorted(line["actions"]),
        )
        for slug, line in sorted(grouped.items(), key=lambda item: names.get(item[0], item[0]))
    ]


def _with_log_recipients(recipients: list[Recipient], lines: list[dict[str, Any]]) -> list[Recipient]:
    """Add the organisations the processing log names (through its traces' audit events: the log holds
    no user) that the trail's own events about the person did not. A line's ``foreign_operation`` (the
    API operation the data left by) stays on the line: the caller's organisation is in its trace."""
    known = {r.organisation_slug for r in recipients}
    traced = processing.organisations_of_traces({line["trace_id"] for line in lines})
    names = dict(db.session.execute(select(Organisation.slug, Organisation.name)).all()) if traced else {}
    added = [
        Recipient(
            organisation=names.get(slug, slug),
            organisation_slug=slug,
            roles=[],
            first_at=first,
            last_at=last,
            events=count,
            actions=[],
            source="processing_log",
        )
        for slug, (first, last, count) in sorted(traced.items())
        if slug not in known
    ]
    return recipients + added


def compile_export(user: User, request: SubjectRequest) -> InzageExport:
    """The export for ``request``; for a person the register does not hold, an export that says so.

    :raises Refused: not a privacy officer.
    """
    require_audited(user, Action.EXPORT_SUBJECT_DATA, request)
    person = request.person
    export = InzageExport(
        request_reference=request.reference,
        compiled_at=utcnow(),
        compiled_by=f"{user.display_name}, {user.organisation.name}",
        known=person is not None,
        statement=str(KNOWN_STATEMENT if person is not None else UNKNOWN_STATEMENT),
    )
    if person is None:
        audit.record(user, str(Action.EXPORT_SUBJECT_DATA), request, details={"known": False})
        return export
    subjects = db.session.execute(
        select(Case, CaseSubject.role)
        .join(CaseSubject, CaseSubject.case_id == Case.id)
        .where(CaseSubject.person_id == person.id)
        .order_by(Case.opened_at, Case.id)
    ).all()
    signal_rows = db.session.execute(
        select(Signal, SignalPerson.role)
        .join(SignalPerson, SignalPerson.signal_id == Signal.id)
        .where(SignalPerson.person_id == person.id)
        .order_by(Signal.received_at, Signal.id)
    ).all()
    case_ids = [case.id for case, _role in subjects]
    signal_ids = [signal.id for signal, _role in signal_rows]
    # recipients first: the trail as it stood before this compilation's own events
    export.recipients = recipients_from_audit(person.id, case_ids, signal_ids)
    export.person = _person_data(person)
    export.cases = [_case_data(user, case, role, request) for case, role in subjects]
    export.signals = [_signal_data(signal, role) for signal, role in signal_rows]
    bsn = person.bsn if isinstance(person.bsn, str) else None
    export.processing_log = processing.log_lines(bsn, person.uuid)
    export.recipients = _with_log_recipients(export.recipients, export.processing_log)
    export.processing_activities = processing.activities(
        processing.activity_codes(
            in_cases=bool(subjects),
            in_signals=bool(signal_rows),
            in_households=bool(export.person["households"]),
            lines=export.processing_log,
        )
    )
    audit.record(
        user,
        str(Action.EXPORT_SUBJECT_DATA),
        request,
        details={
            "known": True,
            "person_id": person.id,
            "cases": len(case_ids),
            "signals": len(signal_ids),
            "recipients": len(export.recipients),
        },
    )
    return export
