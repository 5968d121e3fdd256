"""Demo data: a pending inzage request, and the reads behind its answer.

The person is the subject of the first youth case the ZVH leads with the police and a wijkteam
taking part. Each demo account that may see the case opens it once through the policy's loader (a
real, audited read), so the trail — and the export — name every organisation that looked. The
request was received nine days before the seed: open, with its deadline three weeks ahead.
Idempotent: nothing is added when a request exists.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casebook.access import Action, can, load_or_404
from casebook.auth.models import Role, User, UserRole
from casebook.cases.models import Case, CaseSubject, CaseType, SubjectRole
from casebook.casework import local_today
from casebook.db import db
from casebook.organisations.models import Organisation
from casebook.subject_requests import services
from casebook.subject_requests.models import RequestKind, SubjectRequest

RECEIVED_DAYS_AGO = 9


def _demo_case() -> tuple[Case, CaseSubject] | None:
    rows = db.session.execute(
        select(Case, CaseSubject)
        .join(CaseSubject, CaseSubject.case_id == Case.id)
        .join(CaseType, CaseType.id == Case.case_type_id)
        .join(Organisation, Organisation.id == Case.lead_organisation_id)
        .where(CaseType.code == "youth", Organisation.slug == "zvh", CaseSubject.role == SubjectRole.SUBJECT)
        .order_by(Case.id)
    ).all()
    for case, subject in rows:
        slugs = {p.organisation.slug for p in case.active_participants}
        if "politie" in slugs and any(slug.startswith("wijkteam") for slug in slugs):
            return case, subject
    return None


def seed_subject_requests() -> dict[str, int]:
    if db.session.scalar(select(func.count(SubjectRequest.id))):
        return {"subject requests": 0, "demo reads": 0}
    officer = db.session.scalar(select(User).where(User.username == "gemeente.privacy"))
    found = _demo_case()
    if officer is None or found is None:
        return {"subject requests": 0, "demo reads": 0}
    case, subject = found
    readers = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role_rows.any(UserRole.role.in_((Role.CASEWORKER, Role.COORDINATOR))))
        .order_by(User.username)
    )
    reads = 0
    for user in readers:
        if can(user, Action.VIEW_CASE, case):
            load_or_404(user, Case, case.id, Action.VIEW_CASE)
            reads += 1
    services.register(
        officer,
        services.NewRequest(
            kind=RequestKind.ACCESS,
            received_on=local_today() - timedelta(days=RECEIVED_DAYS_AGO),
            bsn=subject.person.bsn,
            description="Per brief: wil weten welke gegevens de gemeente en haar partners over hem hebben en wie "
            "die hebben ingezien.",
        ),
    )
    return {"subject requests": 1, "demo reads": reads}
