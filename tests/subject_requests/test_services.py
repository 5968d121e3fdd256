"""The request services: registering by BSN or name + birth date, the deadline and its extension,
the inzage export (its recipients cross-checked against the audit trail), rectification history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook import audit
from casebook.access import AccessDenied, Action, load_or_404
from casebook.audit import AuditEvent, Outcome
from casebook.cases.models import Case
from casebook.db import db
from casebook.subject_requests import corrections, export, services
from casebook.subject_requests.models import PersonRectification, RequestKind, RequestStatus
from tests.helpers import last_event
from tests.subject_requests.conftest import BIRTH, BSN, UNKNOWN_BSN

TODAY = date.today()


def _register(world, **values):
    new = services.NewRequest(
        kind=values.pop("kind", RequestKind.ACCESS), received_on=values.pop("received_on", TODAY), **values
    )
    return services.register(world.officer, new)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
    assert services.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_a_request_by_bsn_finds_the_person_and_is_due_in_a_month(world):
    request = _register(world, bsn=BSN, description="Wil weten wat er over haar is vastgelegd.")
    assert request.person == world.person
    assert request.due_on == services.add_months(TODAY, 1)
    assert request.deadline == request.due_on and request.status is RequestStatus.OPEN
    assert request.reference.startswith(f"AVG-{TODAY.year}-")
    event = last_event("subject_request.create")
    assert event.actor_user_id == world.officer.id and event.details["known"] is True
    assert "Wil" not in str(event.details)  # the description never enters the chain


def test_a_request_by_name_and_birth_date_finds_the_person(world):
    request = _register(world, family_name="visser", birth_date=BIRTH)
    assert request.person == world.person


def test_a_request_for_a_bsn_not_in_the_register_is_registered_and_its_export_says_so(world):
    request = _register(world, bsn=UNKNOWN_BSN)
    assert request.person is None and request.given_bsn == UNKNOWN_BSN
    answer = export.compile_export(world.officer, request)
    assert answer.known is False and "geen gegevens gevonden" in answer.statement
    assert answer.cases == [] and answer.recipients == [] and answer.person is None
    assert last_event(str(Action.EXPORT_SUBJECT_DATA)).details == {"known": False}


def test_a_request_without_bsn_or_name_and_birth_date_is_refused(world):
    with pytest.raises(services.RequestRuleError):
        _register(world, family_name="Visser")
    with pytest.raises(services.RequestRuleError):
        _register(world, bsn=BSN, received_on=TODAY + timedelta(days=1))


def test_the_deadline_is_extended_once_by_two_months_with_a_reason(world):
    request = _register(world, bsn=BSN)
    with pytest.raises(services.RequestRuleError):
        services.extend(world.officer, request, reason="  ")
    with pytest.raises(services.StaleRequest):
        services.extend(world.officer, request, reason="Complex verzoek", expected_version=request.version + 1)
    services.extend(world.officer, request, reason="Veel casussen bij vijf partners", expected_version=request.version)
    assert request.extended_due_on == services.add_months(request.due_on, 2)
    assert request.deadline == request.extended_due_on
    assert request.extension_reason == "Veel casussen bij vijf partners"
    assert last_event("subject_request.extend").details == {"due_on": str(request.extended_due_on)}
    with pytest.raises(services.RequestRuleError, match="één keer"):
        services.extend(world.officer, request, reason="Nog eens")


def test_no_extension_after_the_first_month(world):
    request = _register(world, bsn=BSN, received_on=TODAY - timedelta(days=40))
    assert services.days_left(request) < 0
    with pytest.raises(services.RequestRuleError, match="verstreken"):
        services.extend(world.officer, request, reason="Te laat")


def test_completing_closes_the_request(world):
    request = _register(world, bsn=BSN)
    services.complete(world.officer, request, outcome="Export verstuurd per post.")
    assert request.status is RequestStatus.COMPLETED and request.completed_at is not None
    with pytest.raises(services.RequestRuleError):
        services.complete(world.officer, request, outcome="Nog eens")


def _open_case_as(user, case):
    load_or_404(user, Case, case.id, Action.VIEW_CASE)


def test_the_export_lists_every_organisation_that_opened_the_case_and_no_other_person(world):
    _open_case_as(world.coordinator, world.case)
    _open_case_as(world.police_worker, world.case)
    _open_case_as(world.coordinator, world.other_case)
    audit.seal_pending()  # the reads were committed long before the request, as in life
    request = _register(world, bsn=BSN)
    answer = export.compile_export(world.officer, request)

    opened = set(
        db.session.scalars(
            select(AuditEvent.actor_organisation).where(
                AuditEvent.case_id == world.case.id,
                AuditEvent.action == str(Action.VIEW_CASE),
                AuditEvent.outcome == Outcome.ALLOWED,
            )
        )
    )
    assert opened == {"zvh-sr", "politie-sr"}
    assert opened <= {r.organisation_slug for r in answer.recipients}
    police = next(r for r in answer.recipients if r.organisation_slug == "politie-sr")
    assert police.organisation == "Politie Test" and police.roles and police.first_at <= police.last_at
    assert str(Action.VIEW_CASE) in police.actions
    assert [c["reference"] for c in answer.cases] == [world.case.reference]
    organisations = {o["organisation"] for o in answer.cases[0]["organisations"]}
    assert organisations == {"ZVH Test", "Politie Test"}
    assert answer.person["bsn"] == BSN and answer.person["family_name"] == "Visser"
    text = str(answer.as_dict())
    assert "Bakker" not in text and "Piet" not in text and world.other_case.reference not in text
    event = last_event(str(Action.EXPORT_SUBJECT_DATA))
    assert event.details["person_id"] == world.person.id and event.details["cases"] == 1
    assert last_event("subject_request.export.case").case_id == world.case.id


def test_only_the_privacy_officer_compiles_or_registers(world):
    request = _register(world, bsn=BSN)
    for user in (world.coordinator, world.supervisor, world.police_worker):
        with pytest.raises(AccessDenied):
            export.compile_export(user, request)
        with pytest.raises(AccessDenied):
            services.register(user, services.NewRequest(kind=RequestKind.ACCESS, received_on=TODAY, bsn=BSN))
        with pytest.raises(AccessDenied):
            services.load_request(user, request.id)
        with pytest.raises(AccessDenied):
            services.find_subjects(user, bsn=BSN)
    assert last_event(str(Action.FIND_SUBJECT)).outcome is Outcome.DENIED


def test_rectification_keeps_the_old_value_encrypted_with_who_when_why(world):
    request = _register(world, bsn=BSN, kind=RequestKind.RECTIFICATION)
    corrections.rectify(world.officer, request, field="family_name", value="Visser-de Boer", reason="Huwelijk")
    corrections.rectify(world.officer, request, field="birth_date", value="1990-03-05", reason="Typfout")
    assert world.person.family_name == "Visser-de Boer" and world.person.birth_date == date(1990, 3, 5)
    history = corrections.rectifications_of(world.officer, request)
    assert [(h.field, h.old_value, h.reason, h.by_id) for h in history] == [
        ("family_name", "Visser", "Huwelijk", world.officer.id),
        ("birth_date", "1990-03-04", "Typfout", world.officer.id),
    ]
    raw = db.session.execute(select(PersonRectification.old_value_ciphertext)).scalars().all()
    assert all(b"Visser" not in value for value in raw)
    assert last_event("subject_request.rectify").details["field"] == "birth_date"
    assert services.find_subjects(world.officer, family_name="Visser-de Boer", birth_date=date(1990, 3, 5))
    with pytest.raises(corrections.CorrectionError):
        corrections.rectify(world.officer, request, field="birth_date", value="1990-03-05", reason="Zelfde")
    with pytest.raises(corrections.CorrectionError):
        corrections.rectify(world.officer, request, field="bsn", value="123", reason="Fout")


def test_the_export_gives_the_registers_activities_and_the_recipients_the_processing_log_names(world):
    from casebook.privacy import processing_log

    trace = "ab" * 16
    with_trace = audit.record(world.police_worker, "person.search", details={"kind": "bsn", "results": 1})
    with_trace.request_id = trace  # the search of a request whose trace the log line carries
    processing_log.log_processing(
        db.session(),
        name="person.search",
        activity_code="pga-person-register",
        subjects=[processing_log.Subject(processing_log.subject_pseudonym(BSN), processing_log.SUBJECT_TYPE_BSN)],
        trace_id=trace,
        parent_span_id=None,
        started_at=world.case.opened_at,
        foreign_operation="veiligheidshuis-koppeling",
    )
    processing_log.write_pending(db.session())
    audit.seal_pending()
    answer = export.compile_export(world.officer, _register(world, bsn=BSN))

    assert trace in {line["trace_id"] for line in answer.processing_log}
    by_slug = {r.organisation_slug: r for r in answer.recipients}
    assert by_slug["politie-sr"].source == "processing_log"  # the trail alone does not tie a search to her
    assert "veiligheidshuis-koppeling" not in by_slug  # an API operation, not a recipient: its caller is
    assert any(line["foreign_operation"] == "veiligheidshuis-koppeling" for line in answer.processing_log)
    codes = [a["code"] for a in answer.processing_activities]
    assert codes[:2] == ["pga-person-register", "pga-casework"] and "pga-subject-rights" in codes
    assert all(a["purpose"] and a["legal_basis"] for a in answer.processing_activities)


def test_a_read_of_the_case_reaches_the_export_through_the_processing_log(world):
    _open_case_as(world.police_worker, world.case)
    db.session.commit()  # the log's lines are written with the processing's commit
    answer = export.compile_export(world.officer, _register(world, bsn=BSN))
    reads = [line for line in answer.processing_log if line["name"] == str(Action.VIEW_CASE)]
    assert reads and all(line["processing_activity"] == "pga-casework" for line in reads)
    assert "politie-sr" in {r.organisation_slug for r in answer.recipients}
