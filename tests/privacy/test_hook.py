"""The processing log as the app writes it: one line per processing and data subject, in the
processing's own transaction, sharing its trace with the audit trail; traceparent in and out."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from casebook.audit.models import AuditEvent
from casebook.auth.models import Role
from casebook.cases.models import CaseSubject, SubjectRole
from casebook.db import db
from casebook.privacy import processing_log as plog
from casebook.privacy.processing_log import ProcessingLogEntry, person_pseudonym, subject_pseudonym
from tests.factories import bearer, login_as, make_api_token, make_case, make_org, make_person, make_user

BSNS = ("123456782", "111222333", "999996873")
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def case_with_three():
    org = make_org()
    worker = make_user(org=org, roles=[Role.CASEWORKER])
    case = make_case(lead=org)
    for index, bsn in enumerate(BSNS):
        person = make_person(f"Subject{index}", bsn=bsn)
        case.subjects.append(CaseSubject(person=person, role=SubjectRole.SUBJECT))
    db.session.commit()
    return case, worker


def _lines(**filters) -> list[ProcessingLogEntry]:
    query = select(ProcessingLogEntry).order_by(ProcessingLogEntry.id)
    for name, value in filters.items():
        query = query.where(getattr(ProcessingLogEntry, name) == value)
    return list(db.session.scalars(query))


def test_a_case_page_view_writes_one_line_per_subject_without_bsn_or_user(client, case_with_three):
    case, worker = case_with_three
    login_as(client, worker)
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 200
    trace_id = response.headers["X-Request-Id"]
    lines = _lines(trace_id=trace_id)
    assert len(lines) == 3, [(line.name, line.processing_activity_id) for line in lines]
    assert {line.data_subject_id for line in lines} == {subject_pseudonym(bsn) for bsn in BSNS}
    assert {(line.name, line.processing_activity_id, line.data_subject_type) for line in lines} == {
        ("case.view", "pga-casework", "BSN")
    }
    assert len({line.span_id for line in lines}) == 3
    # the audit trail says who, under the same trace id; the log never does
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == trace_id)))
    assert any(e.action == "case.view" and e.actor_user_id == worker.id for e in events)
    raw = " ".join(
        str(value) for row in db.session.execute(text("SELECT * FROM processing_log")).all() for value in row
    )
    for secret in (*BSNS, worker.username, worker.display_name):
        assert secret not in raw
    connection = db.session.connection()
    columns = {c["name"] for c in connection.dialect.get_columns(connection, "processing_log")}
    assert not columns & {"user_id", "actor", "username", "actor_user_id", "bsn"}


def test_a_person_without_bsn_is_logged_under_a_pseudonym_of_their_uuid(client):
    org = make_org()
    worker = make_user(org=org, roles=[Role.CASEWORKER])
    case = make_case(lead=org)
    person = make_person("Zonder")
    case.subjects.append(CaseSubject(person=person, role=SubjectRole.SUBJECT))
    db.session.commit()
    login_as(client, worker)
    trace_id = client.get(f"/cases/{case.id}").headers["X-Request-Id"]
    [line] = _lines(trace_id=trace_id)
    assert line.data_subject_type == plog.SUBJECT_TYPE_PERSON
    assert line.data_subject_id == person_pseudonym(person.uuid) and person.uuid not in line.data_subject_id


def test_traceparent_round_trips_through_the_api(client, case_with_three):
    case, worker = case_with_three
    headers = bearer(make_api_token(worker)) | {"traceparent": f"00-{TRACE}-{CLIENT_SPAN}-01"}
    response = client.get(f"/api/v1/cases/{case.id}", headers=headers)
    assert response.status_code == 200
    version, trace_id, span_id, flags = response.headers["traceparent"].split("-")
    assert (version, trace_id, flags) == ("00", TRACE, "01") and span_id != CLIENT_SPAN and len(span_id) == 16
    assert response.headers["X-Request-Id"] == TRACE
    lines = _lines(trace_id=TRACE)
    assert len(lines) == 3
    assert {(line.parent_span_id, line.foreign_span_id, line.foreign_operation) for line in lines} == {
        (span_id, CLIENT_SPAN, "api.get_case")
    }
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.request_id == TRACE))


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"00-{'0' * 32}-{CLIENT_SPAN}-01",  # all-zero trace id
        f"00-{TRACE}-{'0' * 16}-01",  # all-zero parent id
        f"ff-{TRACE}-{CLIENT_SPAN}-01",  # the forbidden version
        f"00-{TRACE.upper()}-{CLIENT_SPAN}-01",  # upper case
        f"00-{TRACE}-{CLIENT_SPAN}-01-extra",  # version 00 has four fields
        "00-" + "a" * 600,
    ],
)
def test_an_invalid_traceparent_starts_a_new_trace(client, case_with_three, header):
    case, worker = case_with_three
    response = client.get(f"/api/v1/cases/{case.id}", headers=bearer(make_api_token(worker)) | {"traceparent": header})
    assert response.status_code == 200
    trace_id = response.headers["traceparent"].split("-")[1]
    assert trace_id != TRACE and trace_id == response.headers["X-Request-Id"]
    assert len(_lines(trace_id=trace_id)) == 3 and not _lines(trace_id=TRACE)


def test_a_later_traceparent_version_is_accepted(client, case_with_three):
    case, worker = case_with_three
    headers = bearer(make_api_token(worker)) | {"traceparent": f"01-{TRACE}-{CLIENT_SPAN}-01-future"}
    assert client.get(f"/api/v1/cases/{case.id}", headers=headers).headers["X-Request-Id"] == TRACE


def test_the_lines_roll_back_with_a_failed_processing(client, case_with_three, app, monkeypatch):
    case, worker = case_with_three
    login_as(client, worker)
    from casebook.cases import views

    def fail(*args, **kwargs):
        raise RuntimeError("the page breaks after its reads")

    monkeypatch.setattr(views, "render_dossier", fail)
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 500
    trace_id = response.headers["X-Request-Id"]
    assert _lines(trace_id=trace_id) == []
    # the durable read events were written again: the audit trail still shows the access
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.request_id == trace_id))


def test_a_failed_log_write_fails_the_processing(client, case_with_three, monkeypatch):
    from casebook.journal.models import Note

    case, worker = case_with_three
    login_as(client, worker)

    def broken(*args, **kwargs):
        raise RuntimeError("processing_log unavailable")

    monkeypatch.setattr(plog, "insert", broken)
    response = client.post(f"/cases/{case.id}/notes", data={"body": "Gesprek gevoerd.", "visibility": "shared"})
    assert response.status_code >= 500
    assert db.session.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) == 0
    monkeypatch.undo()
    response = client.post(f"/cases/{case.id}/notes", data={"body": "Gesprek gevoerd.", "visibility": "shared"})
    assert response.status_code in (302, 303)
    assert db.session.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) == 1
    lines = _lines(trace_id=response.headers["X-Request-Id"])
    assert {line.name for line in lines} == {"note.add"} and len(lines) == 3
