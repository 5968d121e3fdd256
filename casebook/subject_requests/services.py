"""Registering and handling requests of persons concerned, with their legal deadline.

The answer is due one month after receipt (AVG art. 12(3)); the privacy officer may extend it
once, by at most two further months, with a reason, while the first month runs. Everything here
is the privacy officer's (``Action.MANAGE_SUBJECT_REQUESTS``); every read and change is audited,
and nothing typed reaches the audit chain (descriptions and reasons are encrypted on the request).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from casebook import audit
from casebook.access import Action, load_or_404, require_audited
from casebook.auth.models import User
from casebook.casework import local_today
from casebook.db import db, utcnow
from casebook.errors import Conflict, RuleViolation
from casebook.people import services as people
from casebook.people.models import Person
from casebook.subject_requests.models import RequestKind, RequestStatus, SubjectRequest

ANSWER_MONTHS = 1  # art. 12(3): within one month of receipt
EXTENSION_MONTHS = 2  # … extendable by two further months where necessary


class RequestRuleError(RuleViolation):
    """Input a request's rule refuses (the form shows it at ``field``)."""


class StaleRequest(Conflict):
    """The request was changed meanwhile (412 after If-Match, 409 otherwise)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(str(_l("Het verzoek is intussen gewijzigd; er is niets opgeslagen.")))
        self.current_version = current_version


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_subjects(
    user: User, *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> list[Person]:
    """Persons in the whole register with this BSN, or this family name (any variant) and birth date.

    The privacy officer answers for every registration of the municipality's chain, not for the
    cases they take part in (they take part in none). Audited with the kind of search and the
    number of results only.

    :raises Refused: not a privacy officer.
    :raises people.SearchCriteriaError: neither a valid BSN nor a family name and a birth date.
    """
    require_audited(user, Action.FIND_SUBJECT)
    kind, entries = people._criteria(bsn, family_name, birth_date)
    found = [
        person
        for person in people._candidates(entries, scope=None)
        if people._confirms(person, kind, bsn, family_name, birth_date)
    ]
    audit.record(user, str(Action.FIND_SUBJECT), details={"kind": kind, "results": len(found)})
    return found


@dataclass(frozen=True)
class NewRequest:
    kind: RequestKind
    received_on: dt.date
    bsn: str | None = None
    family_name: str | None = None
    birth_date: dt.date | None = None
    description: str | None = None


def _next_reference(received_on: dt.date) -> str:
    year = received_on.year
    prefix = f"AVG-{year}-"
    taken = db.session.scalar(select(func.count(SubjectRequest.id)).where(SubjectRequest.reference.like(f"{prefix}%")))
    return f"{prefix}{int(taken or 0) + 1:04d}"


def register(user: User, new: NewRequest) -> SubjectRequest:
    """Register a request; the person is the one the register holds for the BSN (or name + birth
    date), or none — the request is registered all the same and its answer says the register holds
    nothing. Deadline: one month after receipt.

    :raises Refused: not a privacy officer.
    :raises RequestRuleError: no way to find the person, or a receipt date in the future.
    """
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS)
    if new.received_on > local_today():
        raise RequestRuleError(str(_l("De ontvangstdatum ligt in de toekomst.")), "received_on")
    try:
        found = find_subjects(user, bsn=new.bsn, family_name=new.family_name, birth_date=new.birth_date)
    except people.SearchCriteriaError:
        raise RequestRuleError(str(_l("Geef een geldig BSN, of een achternaam met geboortedatum.")), "bsn") from None
    if len(found) > 1:  # a name + birth date shared by several persons: ask for the BSN
        raise RequestRuleError(str(_l("Meer dan één persoon heeft deze naam en geboortedatum; geef het BSN.")), "bsn")
    request = SubjectRequest(
        reference=_next_reference(new.received_on),
        kind=new.kind,
        status=RequestStatus.OPEN,
        person=found[0] if found else None,
        received_on=new.received_on,
        due_on=add_months(new.received_on, ANSWER_MONTHS),
        registered_by_id=user.id,
    )
    request.given_bsn = new.bsn or None
    request.given_name = new.family_name or None
    request.given_birth_date = new.birth_date
    request.description = new.description or None
    db.session.add(request)
    db.session.flush()
    audit.record(
        user,
        "subject_request.create",
        request,
        details={"kind": request.kind.value, "known": request.person_id is not None, "due_on": str(request.due_on)},
    )
    return request


def list_requests(user: User, *, open_only: bool = False) -> list[SubjectRequest]:
    """The requests, deadline first. Audited as a list (no person data in the event)."""
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS)
    query = select(SubjectRequest).order_by(SubjectRequest.status, SubjectRequest.due_on, SubjectRequest.id)
    if open_only:
        query = query.where(SubjectRequest.status == RequestStatus.OPEN)
    requests = list(db.session.scalars(query))
    audit.record(user, "subject_request.list", details={"results": len(requests)})
    return requests


def load_request(user: User, request_id: object) -> SubjectRequest:
    """The request, audited as a read (``subject_request.view``: it shows the person's data), or an
    audited 404 for anyone but a privacy officer. :raises Refused:"""
    request = load_or_404(user, SubjectRequest, request_id, Action.MANAGE_SUBJECT_REQUESTS, audit_read=False)
    audit.record(user, "subject_request.view", request)
    return request


def _check_version(request: SubjectRequest, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != request.version:
        raise StaleRequest(request.version)


def extend(user: User, request: SubjectRequest, *, reason: str, expected_version: int | None = None) -> None:
    """Extend the deadline by two months (once, with a reason, before the first month has passed).

    :raises RequestRuleError: no reason, already extended, closed, or the first month has passed.
    :raises StaleRequest: ``expected_version`` is not the request's.
    """
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS, request)
    _check_version(request, expected_version)
    if not request.is_open:
        raise RequestRuleError(str(_l("Dit verzoek is al afgehandeld.")), "reason")
    if request.extended_due_on is not None:
        raise RequestRuleError(str(_l("De termijn is al verlengd; dat kan één keer.")), "reason")
    if local_today() > request.due_on:
        raise RequestRuleError(
            str(_l("De termijn van een maand is verstreken; verlengen kan alleen binnen die maand.")), "reason"
        )
    if not (reason or "").strip():
        raise RequestRuleError(str(_l("Geef de reden van de verlenging.")), "reason")
    request.extended_due_on = add_months(request.due_on, EXTENSION_MONTHS)
    request.extension_reason = reason.strip()
    request.extended_at = utcnow()
    db.session.flush()
    audit.record(user, "subject_request.extend", request, details={"due_on": str(request.extended_due_on)})


def complete(
    user: User, request: SubjectRequest, *, outcome: str, rejected: bool = False, expected_version: int | None = None
) -> None:
    """Close the request (handled, or rejected) with its outcome as told to the person.

    :raises RequestRuleError: already closed, or no outcome.
    :raises StaleRequest: ``expected_version`` is not the request's.
    """
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS, request)
    _check_version(request, expected_version)
    if not request.is_open:
        raise RequestRuleError(str(_l("Dit verzoek is al afgehandeld.")), "outcome")
    if not (outcome or "").strip():
        raise RequestRuleError(str(_l("Beschrijf de afhandeling.")), "outcome")
    request.status = RequestStatus.REJECTED if rejected else RequestStatus.COMPLETED
    request.outcome = outcome.strip()
    request.completed_at = utcnow()
    db.session.flush()
    audit.record(user, "subject_request.complete", request, details={"status": request.status.value})


def days_left(request: SubjectRequest, today: dt.date | None = None) -> int:
    """Calendar days until the deadline (negative: overdue)."""
    return (request.deadline - (today or local_today())).days
