"""The case file through the API, and the casusoverleg report."""

from __future__ import annotations

from datetime import date

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.db import db
from casebook.meetings import services as meetings
from casebook.printing.case_file import EXPORT_EVENT
from casebook.printing.meeting_report import EXPORT_EVENT as REPORT_EVENT
from tests.factories import bearer, login_as, make_api_token, make_case, make_meeting, make_org, make_user
from tests.helpers import audit_events, last_event
from tests.printing.support import OTHER_INTERNAL_NOTE, SHARED_NOTE, all_text, dossier, pages_text, read_pdf

DECISION = "Besloten: huisbezoek door wijkteam en school, evaluatie over zes weken."


def test_the_api_serves_the_same_case_file(app, client):
    d = dossier()
    coordinator_id, case_id, reference = d.coordinator.id, d.case.id, d.case.reference
    headers = bearer(make_api_token(d.coordinator))
    response = client.get(f"/api/v1/cases/{case_id}/dossier.pdf", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="dossier-{reference}.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = all_text(read_pdf(response.data))
    assert SHARED_NOTE in text and OTHER_INTERNAL_NOTE not in text
    assert last_event(EXPORT_EVENT, actor_user_id=coordinator_id).case_id == case_id


def test_the_api_answers_404_for_a_case_out_of_scope(app, client):
    d = dossier()
    outsider = make_user(org=make_org("print-api-outsider"), roles=[Role.COORDINATOR])
    outsider_id, case_id = outsider.id, d.case.id
    response = client.get(f"/api/v1/cases/{case_id}/dossier.pdf", headers=bearer(make_api_token(outsider)))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert audit_events("case.view", actor_user_id=outsider_id, outcome=Outcome.DENIED, case_id=case_id)


def test_the_openapi_document_says_the_case_file_is_a_pdf(app, client):
    d = dossier()
    document = client.get("/api/v1/openapi.json", headers=bearer(make_api_token(d.coordinator))).json
    success = document["paths"]["/api/v1/cases/{case_id}/dossier.pdf"]["get"]["responses"]["200"]
    assert success["content"] == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def _meeting_with(d, other_case):
    """A held casusoverleg of the ZVH with the wijkteam invited; the dossier's case decided, and a
    case of the ZVH alone (the wijkteam does not take part) on the agenda too."""
    meeting = make_meeting(d.coordinator, date(2026, 11, 20), organisations=[d.partner], title="Casusoverleg Wielwijk")
    item = meetings.add_to_agenda(meeting, by=d.coordinator, reference=d.case.reference)
    meetings.add_to_agenda(meeting, by=d.coordinator, reference=other_case.reference)
    meetings.record_decision(item, by=d.coordinator, decision=DECISION, expected_version=0, today=date(2026, 11, 20))
    db.session.flush()
    return meeting


def test_the_meeting_report_prints_the_items_the_requester_may_see(app, client):
    d = dossier()
    zvh_only = make_case(lead=d.lead)
    meeting = _meeting_with(d, zvh_only)
    login_as(client, d.partner_worker)
    response = client.get(f"/meetings/{meeting.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="casusoverleg-2026-11-20-')
    reader = read_pdf(response.data)
    text = all_text(reader)
    assert "Casusoverleg Wielwijk" in text and "20 november 2026" in text
    assert d.case.reference in text and DECISION in text
    assert zvh_only.reference not in text  # a case the wijkteam may not see is simply absent
    for number, page in enumerate(pages_text(reader), start=1):
        assert "Vertrouwelijk — opgevraagd door Mehmet Çelik, Sociaal Wijkteam Wielwijk" in " ".join(page.split())
        assert f"pagina {number} van {len(reader.pages)}" in page
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert reader.metadata.title == "Casusoverleg Wielwijk — 20 november 2026"
    event = last_event(REPORT_EVENT, actor_user_id=d.partner_worker.id)
    assert event.details == {"items": 1, "decisions": 1, "cases": [d.case.id], "content": [d.case.id]}


def test_a_supervisor_reads_that_a_case_was_decided_not_what(app, client):
    d = dossier()
    meeting = _meeting_with(d, make_case(lead=d.lead))
    login_as(client, d.supervisor)
    text = all_text(read_pdf(client.get(f"/meetings/{meeting.id}/report.pdf").data))
    assert d.case.reference in text and "Besluit" in text
    assert DECISION not in text


def test_a_meeting_out_of_scope_is_a_404_and_an_audited_denial(app, client):
    d = dossier()
    meeting = _meeting_with(d, make_case(lead=d.lead))
    outsider = make_user(org=make_org("print-meeting-outsider"), roles=[Role.COORDINATOR])
    login_as(client, outsider)
    assert client.get(f"/meetings/{meeting.id}/report.pdf").status_code == 404
    assert audit_events("meeting.view", actor_user_id=outsider.id, outcome=Outcome.DENIED)
    assert not audit_events(REPORT_EVENT, actor_user_id=outsider.id)


def test_the_meeting_page_offers_the_report(app, client):
    d = dossier()
    meeting = _meeting_with(d, make_case(lead=d.lead))
    login_as(client, d.partner_worker)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/report.pdf"' in page and "Verslag afdrukken" in page
