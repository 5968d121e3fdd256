"""Rectification (AVG art. 16) and restriction of processing (art. 18), always for a request.

A rectification replaces one field of the person's registered data and keeps the old value
(encrypted under the person's key) with who, when and why. A restriction marks the person — and
every case they are a subject of — or one of their cases as restricted: the policy then refuses
every change (``casebook.access.restriction``) until the restriction is lifted. Both work only on
the person a request is about and that person's cases, so the privacy officer reaches nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from casebook import audit
from casebook.access import Action, deny, load_or_404, require_audited
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject
from casebook.crypto import bsn_is_valid
from casebook.db import db, utcnow
from casebook.errors import RuleViolation
from casebook.people.models import Person
from casebook.subject_requests.models import PersonRectification, ProcessingRestriction, SubjectRequest

RECTIFIABLE_FIELDS: dict[str, Any] = {
    "family_name": _l("Achternaam"),
    "given_names": _l("Voornamen"),
    "birth_date": _l("Geboortedatum"),
    "bsn": _l("BSN"),
    "address": _l("Adres"),
    "phone": _l("Telefoon"),
}


class CorrectionError(RuleViolation):
    """A rectification or restriction the rules refuse (the form shows it at ``field``)."""


def _person_of(request: SubjectRequest) -> Person:
    if request.person is None:
        raise CorrectionError(str(_l("Dit verzoek gaat over een persoon die niet in het register staat.")), "field")
    return request.person


def _value(field: str, typed: str) -> Any:
    value = (typed or "").strip()
    if not value:
        raise CorrectionError(str(_l("Geef de juiste waarde.")), "value")
    if field == "birth_date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CorrectionError(str(_l("Geef de datum als JJJJ-MM-DD.")), "value") from None
    if field == "bsn" and not bsn_is_valid(value):
        raise CorrectionError(str(_l("Dit is geen geldig BSN.")), "value")
    return value


def rectify(user: User, request: SubjectRequest, *, field: str, value: str, reason: str) -> PersonRectification:
    """Correct one field of the request's person, keeping the old value (encrypted) and the reason.

    :raises Refused: not a privacy officer.
    :raises ProcessingRestricted: the person is restricted (first lift the restriction).
    :raises CorrectionError: an unknown field, an invalid or unchanged value, no reason.
    """
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS, request)
    person = _person_of(request)
    require_audited(user, Action.RECTIFY_PERSON, person)
    if field not in RECTIFIABLE_FIELDS:
        raise CorrectionError(str(_l("Dit gegeven kan niet worden gerectificeerd.")), "field")
    new = _value(field, value)
    if not (reason or "").strip():
        raise CorrectionError(str(_l("Geef de reden van de rectificatie.")), "reason")
    old = getattr(person, field)
    if old == new:
        raise CorrectionError(str(_l("Dit is de waarde die al is vastgelegd.")), "value")
    change = PersonRectification(person=person, request=request, field=field, by_id=user.id)
    change.old_value = old.isoformat() if isinstance(old, dt.date) else (str(old) if old is not None else None)
    change.reason = reason.strip()
    db.session.add(change)
    setattr(person, field, new)
    db.session.flush()
    audit.record(
        user,
        "subject_request.rectify",
        person,
        details={"field": field, "rectification_id": change.id, "request_id": request.id},
    )
    return change


def rectifications_of(user: User, request: SubjectRequest) -> list[PersonRectification]:
    """The history of the request's person (every rectification, also for other requests), oldest first."""
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS, request)
    if request.person_id is None:
        return []
    rows = list(
        db.session.scalars(
            select(PersonRectification)
            .where(PersonRectification.person_id == request.person_id)
            .order_by(PersonRectification.created_at, PersonRectification.id)
        )
    )
    audit.record(user, "subject_request.rectification.list", request, details={"results": len(rows)})
    return rows


def cases_of(request: SubjectRequest) -> list[Case]:
    """The cases the request's person is a subject of (references and flags only are shown)."""
    if request.person_id is None:
        return []
    return list(
        db.session.scalars(
            select(Case)
            .join(CaseSubject, CaseSubject.case_id == Case.id)
            .where(CaseSubject.person_id == request.person_id)
            .order_by(Case.opened_at, Case.id)
        )
    )


def _case_still_restricted(case: Case) -> bool:
    """An active restriction of the case itself, or of one of its subjects."""
    subjects = select(CaseSubject.person_id).where(CaseSubject.case_id == case.id)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ProcessingRestriction.lifted_at.is_(None),
                    or_(ProcessingRestriction.case_id == case.id, ProcessingRestriction.person_id.in_(subjects)),
                )
            )
        )
    )


def restrict(user: User, request: SubjectRequest, *, reason: str, case_id: int | None = None) -> ProcessingRestriction:
    """Restrict the request's person (and so every case they are a subject of), or one of their cases.

    :raises Refused: not a privacy officer, or a case that is not the person's.
    :raises CorrectionError: already restricted, no reason, or no person.
    """
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS, request)
    person = _person_of(request)
    if not (reason or "").strip():
        raise CorrectionError(str(_l("Geef de reden van de beperking.")), "reason")
    now = utcnow()
    if case_id is None:
        require_audited(user, Action.RESTRICT_PROCESSING, person)
        if person.processing_restricted_at is not None:
            raise CorrectionError(str(_l("Deze persoon is al beperkt.")), "reason")
        restriction = ProcessingRestriction(person=person, request=request, started_by_id=user.id, started_at=now)
        person.processing_restricted_at = now
        cases = cases_of(request)
    else:
        case = next((c for c in cases_of(request) if c.id == case_id), None)
        if case is None:
            raise deny(user, Action.RESTRICT_PROCESSING, requested_id=case_id)
        require_audited(user, Action.RESTRICT_PROCESSING, case)
        if any(r.case_id == case.id and r.lifted_at is None for r in restrictions_of(request)):
            raise CorrectionError(str(_l("Deze casus is al beperkt.")), "reason")
        restriction = ProcessingRestriction(case=case, request=request, started_by_id=user.id, started_at=now)
        cases = [case]
    restriction.reason = reason.strip()
    for case in cases:
        if case.processing_restricted_at is None:
            case.processing_restricted_at = now
    db.session.add(restriction)
    db.session.flush()
    audit.record(
        user,
        "subject_request.restrict",
        restriction.case or person,
        details={"restriction_id": restriction.id, "request_id": request.id, "cases": len(cases)},
    )
    return restriction


def restrictions_of(request: SubjectRequest) -> list[ProcessingRestriction]:
    """The restrictions of the request's person and of their cases, newest first."""
    if request.person_id is None:
        return []
    case_ids = select(CaseSubject.case_id).where(CaseSubject.person_id == request.person_id)
    return list(
        db.session.scalars(
            select(ProcessingRestriction)
            .where(
                or_(
                    ProcessingRestriction.person_id == request.person_id,
                    ProcessingRestriction.case_id.in_(case_ids),
                )
            )
            .order_by(ProcessingRestriction.started_at.desc(), ProcessingRestriction.id.desc())
        )
    )


def lift(user: User, request: SubjectRequest, restriction_id: object, *, reason: str) -> ProcessingRestriction:
    """Lift a restriction of the request's person or cases; what no other restriction holds unfreezes.

    :raises Refused: not a privacy officer, or a restriction of someone else.
    :raises CorrectionError: already lifted, or no reason.
    """
    require_audited(user, Action.MANAGE_SUBJECT_REQUESTS, request)
    restriction = load_or_404(user, ProcessingRestriction, restriction_id, Action.RESTRICT_PROCESSING, audit_read=False)
    if restriction not in restrictions_of(request):
        raise deny(user, Action.RESTRICT_PROCESSING, requested_id=restriction_id)
    if restriction.lifted_at is not None:
        raise CorrectionError(str(_l("Deze beperking is al opgeheven.")), "reason")
    if not (reason or "").strip():
        raise CorrectionError(str(_l("Geef de reden van het opheffen.")), "reason")
    restriction.lifted_at = utcnow()
    restriction.lifted_by_id = user.id
    restriction.lift_reason = reason.strip()
    db.session.flush()
    if restriction.person is not None:
        person = restriction.person
        others = [r for r in restrictions_of(request) if r.person_id == person.id and r.lifted_at is None]
        if not others:
            person.processing_restricted_at = None
        cases = cases_of(request)
    else:
        cases = [restriction.case] if restriction.case is not None else []
    for case in cases:
        if case.processing_restricted_at is not None and not _case_still_restricted(case):
            case.processing_restricted_at = None
    db.session.flush()
    audit.record(
        user,
        "subject_request.restriction.lift",
        restriction.case or restriction.person,
        details={"restriction_id": restriction.id, "request_id": request.id},
    )
    return restriction
