"""The printed case file lists the documents the requester may read — titles only, never their bytes."""

from __future__ import annotations

from casebook.db import db
from casebook.printing.case_file import EXPORT_EVENT
from tests.documents.support import TEXT, upload
from tests.factories import login_as
from tests.helpers import last_event
from tests.printing.support import all_text, dossier, read_pdf

SHARED_TITLE = "Proces-verbaal van het huisbezoek"
OWN_INTERNAL_TITLE = "Interne afweging veiligheid"
PARTNER_INTERNAL_TITLE = "Aantekeningen wijkteam, niet delen"


def _dossier_with_documents():
    d = dossier()
    upload(d.case, d.coordinator, title=SHARED_TITLE, type_code="proces_verbaal")
    upload(d.case, d.coordinator, title=OWN_INTERNAL_TITLE, visibility="internal")
    upload(d.case, d.partner_worker, TEXT, filename="notities.txt", title=PARTNER_INTERNAL_TITLE, visibility="internal")
    db.session.commit()
    return d


def _printed_text(client, case_id: int) -> str:
    response = client.get(f"/cases/{case_id}/dossier.pdf")
    assert response.status_code == 200
    return all_text(read_pdf(response.data))


def test_the_case_file_lists_the_documents_the_requester_may_read(app, client):
    d = _dossier_with_documents()
    login_as(client, d.coordinator)
    text = _printed_text(client, d.case.id)
    assert "Documenten" in text
    assert SHARED_TITLE in text and OWN_INTERNAL_TITLE in text
    assert PARTNER_INTERNAL_TITLE not in text  # the wijkteam's internal document
    assert "Verslag van het huisbezoek" not in text  # listed, never embedded (the text file's content)
    event = last_event(EXPORT_EVENT)
    assert "documents" in event.details["sections"]
    assert event.details["counts"]["documents"] == 2


def test_a_partner_sees_its_own_internal_document_and_not_the_leads(app, client):
    d = _dossier_with_documents()
    login_as(client, d.partner_worker)
    text = _printed_text(client, d.case.id)
    assert SHARED_TITLE in text and PARTNER_INTERNAL_TITLE in text
    assert OWN_INTERNAL_TITLE not in text


def test_a_supervisor_gets_no_documents_section(app, client):
    d = _dossier_with_documents()
    login_as(client, d.supervisor)
    text = _printed_text(client, d.case.id)
    assert SHARED_TITLE not in text and OWN_INTERNAL_TITLE not in text
    assert "documents" not in last_event(EXPORT_EVENT).details["sections"]
