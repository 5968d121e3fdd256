"""Reading the audit trail: the supervisor screens' queries. Every read of the trail is itself audited.

What a supervisor may read is decided by the policy (``casebook.access.audit_scope``) and applied
in SQL, so pages and counts are right. An event is shown in full only when the reader's
authorisations cover its case (``Action.VIEW_AUDIT_EVENT``, SQL twin ``case_visibility``); any other
event of their trail is *shielded*: the screens and the CSV export alike show who did what and when,
but no case reference, object id or details. Filters select only among what the reader may
see: a filter on a shielded case's reference finds nothing, exactly like an unknown reference.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy import case as sql_case

from casebook import audit
from casebook.access import AccessDenied, Action, audit_scope, can, case_visibility
from casebook.access.rules.audit import can_see_user_trail
from casebook.audit.models import AuditEvent, Outcome
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db, utcnow
from casebook.exports import neutralise_cell
from casebook.organisations.models import Organisation
from casebook.pagination import Order, Page, PageRequest, paginate


@dataclass(frozen=True)
class AuditFilters:
    username: str | None = None
    organisation: str | None = None  # organisation slug
    case_reference: str | None = None
    action: str | None = None
    outcome: str | None = None
    date_from: date | None = None  # inclusive, in the display time zone
    date_to: date | None = None  # inclusive

    def as_details(self) -> dict[str, str]:
        """The filters for the audit event of the search itself: each only as the reference data it
        resolved to (an existing user's username, an organisation, a case reference, an action in the trail, an
        outcome), else ``audit.UNKNOWN`` — typed-in personal data never enters the (unshreddable) chain."""
        return audit.filter_details(
            {
                "username": (self.username, audit.known(User.username, key=_USERNAME, normalise=_lower)),
                "organisation": (self.organisation, audit.known(Organisation.slug)),
                "case_reference": (self.case_reference, audit.known(Case.reference, normalise=_upper)),
                "action": (self.action, audit.known(AuditEvent.action)),
                "outcome": (self.outcome, audit.one_of(Outcome)),
                "date_from": (self.date_from, _as_date),
                "date_to": (self.date_to, _as_date),
            }
        )


_USERNAME = func.lower(User.username)


def _lower(value: str) -> str:
    return value.strip().lower()


def _upper(value: str) -> str:
    return value.strip().upper()


def _as_date(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _local_midnight_utc(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


def _filtered(query: Select, filters: AuditFilters, user: User) -> Select:
    if filters.username:
        # The actor's id, served by the trail's (actor_user_id, occurred_at, id) index: the username an
        # event recorded is that of the user then, and usernames are unique and never reused.
        named = select(User.id).where(func.lower(User.username) == _lower(filters.username))
        query = query.where(AuditEvent.actor_user_id.in_(named))
    if filters.organisation:
        query = query.where(AuditEvent.actor_organisation == filters.organisation)
    if filters.case_reference:
        reference = filters.case_reference.strip().upper()
        case_id = select(Case.id).where(Case.reference == reference, case_visibility(user)).scalar_subquery()
        query = query.where(AuditEvent.case_id == case_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.outcome:
        query = query.where(AuditEvent.outcome == Outcome(filters.outcome))
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _local_midnight_utc(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.occurred_at < _local_midnight_utc(filters.date_to + timedelta(days=1)))
    return query


def require_trail_reader(user: User, action: str, filters: AuditFilters) -> None:
    """:raises AccessDenied: ``user`` may not read the trail (the attempt is audited with its filters)."""
    _require_supervisor(user, action, {"filters": filters.as_details()})


def _require_supervisor(user: User, action: str, details: dict | None = None) -> None:
    if not can(user, Action.VIEW_AUDIT):
        audit.record(user, action, outcome=Outcome.DENIED, details=details or {}, durable=True)
        raise AccessDenied()


def visible_references(user: User, events: Iterable[AuditEvent]) -> dict[int, str]:
    """Case id → reference for the cases among ``events`` that ``user`` may know exist."""
    ids = {e.case_id for e in events if e.case_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Case.id, Case.reference).where(Case.id.in_(ids), case_visibility(user)))
    return {row.id: row.reference for row in rows}


SHIELDED = "afgeschermd"


def is_shielded(event: AuditEvent, references: dict[int, str]) -> bool:
    """Is ``event`` about a case the reader may not know (``references`` from ``visible_references``)?
    Then only who, what and when are shown of it."""
    return event.case_id is not None and event.case_id not in references


@dataclass
class EventPage:
    page: Page[AuditEvent]
    references: dict[int, str] = field(default_factory=dict)


# Newest first on every audit list, served by the indexes on (actor_user_id | case_id |
# actor_organisation, occurred_at, id) and (occurred_at, id); the id makes the order total.
AUDIT_ORDER = Order("audit", (AuditEvent.occurred_at, AuditEvent.id), descending=True)


def search(user: User, filters: AuditFilters, page: PageRequest | None = None) -> EventPage:
    """The audit log ``user`` may read, filtered and paged in SQL (keyset, capped total), newest first.
    Audited with the filters and the page's position.

    :raises AccessDenied: not a trail reader (audited). :raises InvalidCursor: a cursor not issued for this list.
    """
    page = page or PageRequest(per_page=50)
    _require_supervisor(user, "audit.list", {"filters": filters.as_details()})
    query = _filtered(select(AuditEvent).where(audit_scope(user)), filters, user)
    result = paginate(db.session(), query, AUDIT_ORDER, page)
    audit.record(user, "audit.list", details={"filters": filters.as_details(), **page.audit_details()})
    return EventPage(result, visible_references(user, result.items))


CSV_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_username",
    "actor_organisation",
    "action",
    "object_type",
    "object_id",
    "case",
    "outcome",
    "client_ip",
    "request_id",
    "details",
)


def export_csv(user: User, filters: AuditFilters) -> tuple[str, int]:
    """The filtered log as CSV (newest first, at most ``AUDIT_EXPORT_MAX_ROWS``). The export is audited
    with its filters and row count before any row leaves.
    """
    _require_supervisor(user, "audit.export", {"filters": filters.as_details()})
    limit = int(current_app.config["AUDIT_EXPORT_MAX_ROWS"])
    query = _filtered(select(AuditEvent).where(audit_scope(user)), filters, user).order_by(AuditEvent.seq.desc())
    events = list(db.session.scalars(query.limit(limit)))
    references = visible_references(user, events)
    audit.record(
        user,
        "audit.export",
        details={"filters": filters.as_details(), "rows": len(events), "format": "csv"},
        durable=True,
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        shielded = is_shielded(e, references)
        case = references.get(e.case_id, SHIELDED) if e.case_id is not None else ""
        writer.writerow(
            [
                neutralise_cell(v)
                for v in (
                    e.seq,
                    e.occurred_at.isoformat(),
                    e.actor_username,
                    e.actor_organisation,
                    e.action,
                    e.object_type,
                    "" if shielded else e.object_id,
                    case,
                    e.outcome,
                    e.client_ip,
                    e.request_id,
                    "" if shielded else json.dumps(e.details, sort_keys=True, ensure_ascii=False),
                )
            ]
        )
    return buffer.getvalue(), len(events)


def load_user_for_trail(supervisor: User, user_id: int) -> User:
    """The user whose history ``supervisor`` may read; else audit the denial and 404."""
    subject = db.session.get(User, user_id)
    if not can_see_user_trail(supervisor, subject):
        audit.record(supervisor, "audit.user.view", outcome=Outcome.DENIED, details={"requested_id": str(user_id)})
        raise AccessDenied()
    return subject


def user_history(supervisor: User, user_id: int, page: PageRequest | None = None) -> tuple[User, EventPage]:
    """Everything one user did or tried, newest first (keyset, capped total). Audited.

    :raises AccessDenied: (audited) :raises InvalidCursor:
    """
    page = page or PageRequest(per_page=50)
    subject = load_user_for_trail(supervisor, user_id)
    query = select(AuditEvent).where(AuditEvent.actor_user_id == subject.id)
    result = paginate(db.session(), query, AUDIT_ORDER, page)
    audit.record(supervisor, "audit.user.view", subject, details=page.audit_details())
    return subject, EventPage(result, visible_references(supervisor, result.items))


def load_case_for_trail(supervisor: User, case_id: int) -> Case:
    """The case whose trail ``supervisor`` may read; else audit the denial and 404."""
    case = db.session.get(Case, case_id)
    if case is None or not can(supervisor, Action.VIEW_AUDIT, case):
        audit.record(
            supervisor,
            "audit.case.view",
            case_id=case_id,
            outcome=Outcome.DENIED,
            details={"requested_id": str(case_id)},
        )
        raise AccessDenied()
    return case


@dataclass(frozen=True)
class Accessor:
    user_id: int | None
    username: str | None
    organisation: str | None
    events: int
    first: datetime
    last: datetime
    denied: int


def case_history(supervisor: User, case_id: int, page: PageRequest | None = None) -> tuple[Case, list, EventPage]:
    """Who accessed this case: one line per user (with counts), and the events, newest first (keyset,
    capped total). Audited.

    :raises AccessDenied: (audited) :raises InvalidCursor:
    """
    page = page or PageRequest(per_page=50)
    case = load_case_for_trail(supervisor, case_id)
    query = select(AuditEvent).where(AuditEvent.case_id == case.id)
    result = paginate(db.session(), query, AUDIT_ORDER, page)  # first: an invalid cursor reads nothing more
    denied = func.sum(sql_case((AuditEvent.outcome == Outcome.DENIED, 1), else_=0))
    summary = [
        Accessor(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6] or 0))
        for row in db.session.execute(
            select(
                AuditEvent.actor_user_id,
                AuditEvent.actor_username,
                AuditEvent.actor_organisation,
                func.count(AuditEvent.id),
                func.min(AuditEvent.occurred_at),
                func.max(AuditEvent.occurred_at),
                denied,
            )
            .where(AuditEvent.case_id == case.id)
            .group_by(AuditEvent.actor_user_id, AuditEvent.actor_username, AuditEvent.actor_organisation)
            .order_by(func.max(AuditEvent.occurred_at).desc())
        )
    ]
    audit.record(supervisor, "audit.case.view", case, details=page.audit_details())
    return case, summary, EventPage(result, {case.id: case.reference})


@dataclass(frozen=True)
class HeavyUser:
    user_id: int | None
    username: str | None
    organisation: str | None
    hour: str
    cases: int


@dataclass
class Unusual:
    denials: list[AuditEvent]
    break_glass: list[AuditEvent]
    heavy_users: list[HeavyUser]
    references: dict[int, str]
    threshold: int
    days: int


def _hour_bucket():
    if db.dialect == "postgresql":
        return func.to_char(func.date_trunc("hour", AuditEvent.occurred_at), "YYYY-MM-DD HH24:00")
    return func.strftime("%Y-%m-%d %H:00", AuditEvent.occurred_at)


def unusual_access(user: User, now: datetime | None = None, limit: int = 100) -> Unusual:
    """Access worth a second look: denials, break-the-glass, and users who opened more than N distinct
    cases within one clock hour (``AUDIT_UNUSUAL_CASES_PER_HOUR``). Audited.
    """
    _require_supervisor(user, "audit.unusual.list")
    threshold = int(current_app.config["AUDIT_UNUSUAL_CASES_PER_HOUR"])
    days = int(current_app.config["AUDIT_UNUSUAL_DAYS"])
    since = (now or utcnow()) - timedelta(days=days)
    recent = select(AuditEvent).where(audit_scope(user), AuditEvent.occurred_at >= since)
    denials = list(
        db.session.scalars(
            recent.where(AuditEvent.outcome == Outcome.DENIED).order_by(AuditEvent.seq.desc()).limit(limit)
        )
    )
    glass = list(
        db.session.scalars(
            recent.where(AuditEvent.action == str(Action.BREAK_GLASS)).order_by(AuditEvent.seq.desc()).limit(limit)
        )
    )
    bucket = _hour_bucket().label("hour")
    distinct_cases = func.count(func.distinct(AuditEvent.case_id))
    heavy = [
        HeavyUser(row.actor_user_id, row.actor_username, row.actor_organisation, row.hour, row.cases)
        for row in db.session.execute(
            select(
                AuditEvent.actor_user_id,
                AuditEvent.actor_username,
                AuditEvent.actor_organisation,
                bucket,
                distinct_cases.label("cases"),
            )
            .where(
                audit_scope(user),
                AuditEvent.occurred_at >= since,
                AuditEvent.action == str(Action.VIEW_CASE),
                AuditEvent.outcome == Outcome.ALLOWED,
            )
            .group_by(AuditEvent.actor_user_id, AuditEvent.actor_username, AuditEvent.actor_organisation, bucket)
            .having(distinct_cases > threshold)
            .order_by(distinct_cases.desc())
            .limit(limit)
        )
    ]
    audit.record(
        user,
        "audit.unusual.list",
        details={"denials": len(denials), "break_glass": len(glass), "heavy_users": len(heavy)},
    )
    return Unusual(denials, glass, heavy, visible_references(user, denials + glass), threshold, days)
