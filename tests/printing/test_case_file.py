"""Dossier afdrukken: the PDF holds what the requester may read, and nothing else; it is audited."""

from __future__ import annotations

import re

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.db import db
from casebook.modules import contributions
from casebook.printing.case_file import EXPORT_EVENT, SECTIONS_HOOK
from casebook.printing.pdf import PdfSection, Table, Text
from tests.factories import login_as, make_case, make_note, make_org, make_user
from tests.helpers import audit_events, last_event
from tests.printing.support import (
    GOAL,
    OTHER_INTERNAL_NOTE,
    OWN_INTERNAL_NOTE,
    SHARED_NOTE,
    all_text,
    dossier,
    pages_text,
    read_pdf,
)


def _print(client, case_id: int):
    response = client.get(f"/cases/{case_id}/dossier.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_the_coordinator_prints_what_the_screens_show_them(app, client):
    d = dossier()
    login_as(client, d.coordinator)
    text = all_text(read_pdf(_print(client, d.case.id).data))
    assert d.case.reference in text
    assert "Deniz Ünal" in text and "17 mei 2008" in text
    assert SHARED_NOTE in text
    assert OWN_INTERNAL_NOTE in text  # internal to the requester's own organisation
    assert GOAL in text
    assert "Zorg- en Veiligheidshuis" in text and "Fatima El Khatib" in text
    assert OTHER_INTERNAL_NOTE not in text  # the wijkteam's internal note


def test_a_partner_reads_its_own_internal_notes_and_not_the_leads(app, client):
    d = dossier()
    login_as(client, d.partner_worker)
    text = all_text(read_pdf(_print(client, d.case.id).data))
    assert SHARED_NOTE in text and OTHER_INTERNAL_NOTE in text
    assert OWN_INTERNAL_NOTE not in text
    assert "Mehmet Çelik" in text  # the requester, in the confidentiality line


def test_a_supervisor_gets_the_metadata_without_any_content(app, client):
    d = dossier()
    login_as(client, d.supervisor)
    text = all_text(read_pdf(_print(client, d.case.id).data))
    assert d.case.reference in text and "Teamleider Jansen" in text
    for content in (SHARED_NOTE, OWN_INTERNAL_NOTE, OTHER_INTERNAL_NOTE, GOAL, "Ünal", "Probleemanalyse", "Journaal"):
        assert content not in text, content
    assert "1 betrokkene vastgelegd." in text and "1 doel" in text
    event = last_event(EXPORT_EVENT, actor_user_id=d.supervisor.id)
    assert "notes" not in event.details["sections"]


def test_every_page_carries_the_confidentiality_line_and_its_number(app, client):
    d = dossier()
    for i in range(60):
        make_note(d.case, d.coordinator, f"Notitie {i}: " + "een langere tekst over het verloop. " * 6)
    login_as(client, d.coordinator)
    reader = read_pdf(_print(client, d.case.id).data)
    pages = pages_text(reader)
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert re.search(
            r"Vertrouwelijk — opgevraagd door Fatima El Khatib, Zorg- en Veiligheidshuis, \d{1,2} \w+ 20\d\d \d\d:\d\d",
            flat,
        ), flat[:300]
        assert f"pagina {number} van {len(pages)}" in flat


def test_the_document_says_its_language_title_author_and_subject(app, client):
    d = dossier()
    login_as(client, d.coordinator)
    reader = read_pdf(_print(client, d.case.id).data)
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert reader.metadata.title == f"Dossier {d.case.reference}"
    assert reader.metadata.author == "Fatima El Khatib, Zorg- en Veiligheidshuis"
    assert reader.metadata.subject
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert any("DejaVuSans" in name for name in fonts), fonts  # embedded, not the system's


def test_the_download_is_an_attachment_never_cached(app, client):
    d = dossier()
    login_as(client, d.coordinator)
    response = _print(client, d.case.id)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="dossier-{d.case.reference}.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_export_is_audited_with_its_scope_and_no_content(app, client):
    d = dossier()
    login_as(client, d.coordinator)
    _print(client, d.case.id)
    event = last_event(EXPORT_EVENT, actor_user_id=d.coordinator.id)
    assert event.case_id == d.case.id and event.outcome is Outcome.ALLOWED
    assert event.details["sections"] == [
        "metadata",
        "summary",
        "subjects",
        "plan",
        "interventions",
        "notes",
        "documents",  # contributed by the documents module (its list; an empty one says so)
        "timeline",
    ]
    assert event.details["counts"]["notes"] == 2 and event.details["counts"]["plan"] == 1
    assert SHARED_NOTE not in str(event.details) and "Ünal" not in str(event.details)
    # the reads behind it audit themselves, once each
    notes_read = audit_events("note.list", actor_user_id=d.coordinator.id)
    assert [e.details["via"] for e in notes_read] == ["dossier_pdf"]
    assert len(audit_events("plan.view", actor_user_id=d.coordinator.id)) == 1


def test_a_case_out_of_scope_is_a_404_and_an_audited_denial(app, client):
    d = dossier()
    hidden = make_case(lead=make_org("print-elsewhere"))
    outsider = make_user(org=d.partner, roles=[Role.CASEWORKER])
    db.session.flush()
    login_as(client, outsider)
    assert client.get(f"/cases/{hidden.id}/dossier.pdf").status_code == 404
    assert client.get("/cases/999999/dossier.pdf").status_code == 404
    denial = last_event("case.view", actor_user_id=outsider.id, outcome=Outcome.DENIED)
    assert denial.details["requested_id"] == "999999"
    assert audit_events("case.view", actor_user_id=outsider.id, outcome=Outcome.DENIED, case_id=hidden.id)
    assert not audit_events(EXPORT_EVENT, actor_user_id=outsider.id)


def test_the_case_header_offers_the_print(app, client):
    d = dossier()
    login_as(client, d.supervisor)
    page = client.get(f"/cases/{d.case.id}").get_data(as_text=True)
    assert f'href="/cases/{d.case.id}/dossier.pdf"' in page and "Dossier afdrukken" in page


# -- the hook other modules add sections through ---------------------------------------------------


@pytest.fixture
def fake_source(app, monkeypatch):
    """A documents-like section source: a table for readers of the case, None for one case."""
    calls = []

    def documents(user, case):
        calls.append((user.id, case.id))
        if case.reference.endswith("skip"):
            return None
        rows = [("Rapportage Veilig Thuis", "rapportage", "3 november 2026", "Veilig Thuis", "gedeeld", "2")]
        headings = ("Titel", "Soort", "Datum", "Organisatie", "Zichtbaarheid", "Versies")
        return PdfSection("documents", "Documenten", (Table(headings, rows), Text("1 document")), count=1)

    monkeypatch.setitem(contributions(app).hooks, SECTIONS_HOOK, [documents])
    return calls


def test_a_module_adds_its_section_through_the_hook(app, client, fake_source):
    d = dossier()
    login_as(client, d.coordinator)
    text = all_text(read_pdf(_print(client, d.case.id).data))
    assert "Documenten" in text and "Rapportage Veilig Thuis" in text
    assert text.index("Gesprek met moeder") < text.index("Documenten") < text.index("Tijdlijn")
    assert fake_source == [(d.coordinator.id, d.case.id)]
    event = last_event(EXPORT_EVENT, actor_user_id=d.coordinator.id)
    assert event.details["counts"]["documents"] == 1 and "documents" in event.details["sections"]


def test_a_source_that_returns_none_adds_nothing(app, client, fake_source):
    d = dossier()
    d.case.reference = d.case.reference[:-4] + "skip"
    db.session.flush()
    login_as(client, d.coordinator)
    text = all_text(read_pdf(_print(client, d.case.id).data))
    assert "Documenten" not in text and fake_source


def test_an_english_reader_gets_an_english_document(app, client):
    d = dossier()
    d.coordinator.locale = "en"
    db.session.flush()
    login_as(client, d.coordinator)
    reader = read_pdf(_print(client, d.case.id).data)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "May 17, 2008" in all_text(reader)  # dates written out as the screens write them
