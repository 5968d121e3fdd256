"""The privacy officer's pages over HTTP: the register, its versions and exports, the log."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from casebook.auth.models import Role
from casebook.cases.models import CaseSubject, SubjectRole
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.privacy.processing_log import ProcessingLogEntry, subject_pseudonym
from casebook.privacy.register import ProcessingActivity, activity
from tests.factories import bearer, login_as, make_api_token, make_case, make_org, make_person, make_user
from tests.helpers import audit_events, last_event

BSN = "123456782"


@pytest.fixture
def officer():
    return make_user(org=make_org(kind=OrganisationKind.MUNICIPALITY), roles=[Role.PRIVACY_OFFICER])


def test_the_register_page_lists_every_activity_with_its_legal_basis(client, officer):
    login_as(client, officer)
    page = client.get("/privacy/register").get_data(as_text=True)
    assert "pga-casework" in page and "Jeugdwet" in page and "Convenant Zorg- en" in page
    detail = client.get("/privacy/register/pga-casework").get_data(as_text=True)
    assert "Casusregie en procesregie" in detail and "Beveiligingsmaatregelen" in detail
    assert client.get("/privacy/register/no-such-code").status_code == 404


def test_the_start_page_and_navigation_lead_the_officer_to_the_register_and_log(client, officer):
    login_as(client, officer)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/privacy/register"' in page and 'href="/privacy/processing-log"' in page


def test_a_change_makes_a_new_version_and_keeps_the_old(client, officer):
    officer_id = officer.id
    login_as(client, officer)
    before = activity("pga-reporting")
    data = {name: getattr(before, name) for name in ("name", "controller", "purpose", "legal_basis")}
    data |= {
        name: getattr(before, name)
        for name in ("categories_of_persons", "categories_of_data", "recipients", "retention", "security_measures")
    }
    data |= {"log_retention_days": "400", "version": str(before.version), "legal_basis": "AVG art. 6 lid 1 sub e"}
    response = client.post("/privacy/register/pga-reporting/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(
        select(ProcessingActivity).where(ProcessingActivity.id == "pga-reporting").order_by(ProcessingActivity.version)
    ).all()
    assert [(v.version, v.valid_to is None) for v in versions] == [(1, False), (2, True)]
    assert activity("pga-reporting").log_retention_days == 400
    assert last_event("register.edit", actor_user_id=officer_id).details == {"activity": "pga-reporting", "version": 2}
    # a second save from the same (now stale) form is a conflict, nothing written
    assert client.post("/privacy/register/pga-reporting/edit", data=data).status_code == 409
    # bad input re-renders with the message and the input kept
    response = client.post("/privacy/register/pga-reporting/edit", data=data | {"version": "2", "purpose": ""})
    assert response.status_code == 422 and "AVG art. 6 lid 1 sub e" in response.get_data(as_text=True)


def test_the_register_exports_as_csv_through_the_formula_guard_and_as_pdf(client, officer):
    officer_id = officer.id
    current = activity("pga-household")
    current.purpose = "=HYPERLINK(1)"
    db.session.commit()
    login_as(client, officer)
    response = client.get("/privacy/register.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Code", "Versie"] and len(rows) == 1 + 10
    household = next(row for row in rows if row[0] == "pga-household")
    assert "'=HYPERLINK(1)" in household
    pdf = client.get("/privacy/register.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.headers["Cache-Control"] == "no-store"
    assert [e.details["format"] for e in audit_events("register.export", actor_user_id=officer_id)] == ["csv", "pdf"]


def test_the_officer_finds_a_subjects_lines_by_bsn_without_case_content(client, officer):
    org = make_org()
    worker = make_user(org=org, roles=[Role.CASEWORKER])
    case = make_case(lead=org)
    case.subjects.append(CaseSubject(person=make_person("Geheim", bsn=BSN), role=SubjectRole.SUBJECT))
    db.session.commit()
    login_as(client, worker)
    client.get(f"/cases/{case.id}")
    client.post("/logout")
    officer_id = officer.id
    login_as(client, officer)
    response = client.post("/privacy/processing-log", data={"bsn": BSN, "format": "html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "case.view" in page and "pga-casework" in page
    assert "Geheim" not in page and BSN not in page and case.reference not in page and worker.username not in page
    event = last_event("processing_log.view", actor_user_id=officer_id)
    assert event.object_type == "subject" and BSN not in str(event.details)
    # the officer's own look-up is a processing of that subject, for their request
    [own] = db.session.scalars(select(ProcessingLogEntry).where(ProcessingLogEntry.trace_id == event.request_id)).all()
    assert (own.processing_activity_id, own.data_subject_id) == ("pga-subject-rights", subject_pseudonym(BSN))
    exported = client.post("/privacy/processing-log", data={"bsn": BSN, "format": "csv"})
    assert exported.mimetype == "text/csv" and "case.view" in exported.get_data(as_text=True)
    invalid = client.post("/privacy/processing-log", data={"bsn": "123456789"})
    assert invalid.status_code == 422 and "123456789" in invalid.get_data(as_text=True)


def test_the_api_offers_the_register_and_the_log_search_to_the_officer_only(client, officer):
    headers = bearer(make_api_token(officer))
    listed = client.get("/api/v1/privacy/register", headers=headers)
    assert listed.status_code == 200 and "pga-casework" in {a["id"] for a in listed.json["items"]}
    one = client.get("/api/v1/privacy/register/pga-casework", headers=headers).json
    assert one["current"]["version"] == 1 and len(one["versions"]) == 1
    found = client.post("/api/v1/privacy/processing-log/search", headers=headers, json={"bsn": BSN})
    assert found.status_code == 200 and found.json["items"] == []
    assert client.post("/api/v1/privacy/processing-log/search", headers=headers, json={"bsn": "1"}).status_code == 422
    other = bearer(make_api_token(make_user(roles=[Role.SUPERVISOR])))
    assert client.get("/api/v1/privacy/register", headers=other).status_code == 404
    assert client.post("/api/v1/privacy/processing-log/search", headers=other, json={"bsn": BSN}).status_code == 404
