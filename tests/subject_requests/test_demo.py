"""The demo's pending inzage request: its export names every organisation whose users opened the
person's cases (cross-checked against the audit trail) and holds no other person's data."""

from __future__ import annotations

from sqlalchemy import select

from casebook import audit
from casebook.audit import AuditEvent, Outcome
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject
from casebook.db import db
from casebook.demo.seed import seed
from casebook.people.models import Person
from casebook.subject_requests import export, services
from casebook.subject_requests.demo import seed_subject_requests
from casebook.subject_requests.models import RequestKind, SubjectRequest


def test_the_demo_inzage_export_names_every_organisation_that_opened_the_case(app):
    seed("demo-password-for-tests")
    audit.seal_pending()
    request = db.session.scalar(select(SubjectRequest))
    assert request.kind is RequestKind.ACCESS and request.is_open and services.days_left(request) > 0
    person = request.person
    officer = db.session.scalar(select(User).where(User.username == "gemeente.privacy"))
    answer = export.compile_export(officer, request)

    case_ids = list(db.session.scalars(select(CaseSubject.case_id).where(CaseSubject.person_id == person.id)))
    opened = set(
        db.session.scalars(
            select(AuditEvent.actor_organisation).where(
                AuditEvent.case_id.in_(case_ids),
                AuditEvent.action == "case.view",
                AuditEvent.outcome == Outcome.ALLOWED,
                AuditEvent.actor_organisation.is_not(None),
            )
        )
    )
    assert {"zvh", "politie"} <= opened  # the demo's reads of the case
    assert opened <= {r.organisation_slug for r in answer.recipients}
    assert {c["reference"] for c in answer.cases} == set(
        db.session.scalars(select(Case.reference).where(Case.id.in_(case_ids)))
    )
    text = str(answer.as_dict())
    others = db.session.scalars(select(Person).where(Person.id != person.id).limit(200))
    assert not any(other.bsn and other.bsn in text for other in others)
    assert answer.processing_activities and answer.person["bsn"] == person.bsn
    assert seed_subject_requests() == {"subject requests": 0, "demo reads": 0}  # idempotent
