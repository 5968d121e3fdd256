"""Journeys: keep a document in the case and print the case file.

A coordinator opens the Documenten tab, opens the upload form with its button, adds a PDF and sees
the confirmation and the document in the list; downloads it and gets the same bytes back; adds a
second version on the document's page; a web page renamed `.pdf` is refused with the input kept.
Then "Dossier afdrukken" gives a text PDF that names the requester on every page and lists the
document. No script is needed for any of it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.flows import expect, open_tab
from tests.browser.support import log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = b"Verslag van het huisbezoek, tweede versie.\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _open_an_open_case(page) -> str:
    log_in(page, "zvh.coordinator")
    row = page.locator("main table tbody tr").filter(has_not_text="Afgesloten").first
    reference = row.get_by_role("link").first.inner_text()
    row.get_by_role("link").first.click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Casus {reference}")
    return reference


def _fill_upload_form(page, title: str, name: str, content: bytes, mime: str) -> None:
    page.get_by_label("Bestand").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Soort document").select_option(label="Rapportage")
    page.get_by_role("group", name="Zichtbaar voor").get_by_label("Alle deelnemende organisaties").check()
    page.get_by_role("button", name="Document toevoegen").click()


def _downloaded(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_add_download_and_version_a_document(page):
    _open_an_open_case(page)
    open_tab(page, "Documenten")
    expect()(page).to_have_url(re.compile(r"/cases/\d+/documents$"))
    expect()(page.get_by_label("Bestand")).to_have_count(0)  # the form opens on demand

    page.get_by_role("link", name="Document toevoegen").click()
    expect()(page).to_have_url(re.compile(r"/documents\?form=document"))
    title = "Schoolverzuimrapportage browser"
    _fill_upload_form(page, title, "rapportage.pdf", PDF, "application/pdf")

    expect()(page.get_by_role("status").filter(has_text="Document toegevoegd.")).to_be_visible()
    row = page.locator("main table tbody tr").filter(has_text=title)
    expect()(row).to_be_visible()
    expect()(row).to_contain_text("gedeeld")
    assert _downloaded(page, row.get_by_role("link", name=re.compile("^Downloaden"))) == PDF

    row.get_by_role("link", name=title, exact=True).click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.get_by_role("link", name="Nieuwe versie").click()
    second = {"name": "rapportage-v2.txt", "mimeType": "text/plain", "buffer": TEXT}
    page.get_by_label("Bestand").set_input_files(second)
    page.get_by_role("button", name="Versie toevoegen").click()
    expect()(page.get_by_role("status").filter(has_text="Nieuwe versie 2 toegevoegd.")).to_be_visible()
    versions = page.get_by_role("table").filter(has_text="Bestandsnaam").locator("tbody tr")
    expect()(versions).to_have_count(2)
    assert _downloaded(page, page.get_by_role("link", name="Nieuwste versie downloaden")) == TEXT


def test_a_web_page_renamed_pdf_is_refused_and_the_input_kept(page):
    _open_an_open_case(page)
    open_tab(page, "Documenten")
    page.get_by_role("link", name="Document toevoegen").click()
    title = "Geen echte pdf"
    _fill_upload_form(page, title, "brief.pdf", HTML, "application/pdf")
    expect()(page.get_by_text("HTML, SVG en XML worden niet geaccepteerd.").first).to_be_visible()
    expect()(page.get_by_label("Titel")).to_have_value(title)
    expect()(page.locator("main table tbody tr").filter(has_text=title)).to_have_count(0)


def test_print_the_case_file(page):
    reference = _open_an_open_case(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Dossier afdrukken").click()
    download = info.value
    assert download.suggested_filename == f"dossier-{reference}.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    pages = [p.extract_text() for p in reader.pages]
    assert reference in pages[0]
    for number, text in enumerate(pages, start=1):
        assert "Vertrouwelijk — opgevraagd door" in text, number
        assert f"pagina {number} van {len(pages)}" in text, number
    assert "Documenten" in " ".join(pages)
