"""Journey: open a case from the list, go to its Journaal tab, open the note form with its button,
write a note and see the confirmation and the note — the dossier's tabs and forms on demand, no
script needed."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import expect
from tests.browser.support import log_in

pytestmark = pytest.mark.browser


def test_add_a_note_from_the_journal_tab(page):
    log_in(page, "zvh.coordinator")
    # an open case: a closed one takes no notes (and offers no button for them)
    first_row = page.locator("main table tbody tr").filter(has_not_text="Afgesloten").first
    reference = first_row.get_by_role("link").first.inner_text()
    first_row.get_by_role("link").first.click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Casus {reference}")

    tabs = page.get_by_role("navigation", name="Onderdelen van de casus")
    expect()(tabs.get_by_role("link", name="Overzicht")).to_have_attribute("aria-current", "page")
    tabs.get_by_role("link", name="Journaal").click()
    expect()(page).to_have_url(re.compile(r"/cases/\d+/journal$"))
    expect()(tabs.get_by_role("link", name="Journaal")).to_have_attribute("aria-current", "page")
    expect()(page).to_have_title(f"Casus {reference} · Journaal · Casebook")
    expect()(page.get_by_label("Notitie")).to_have_count(0)  # the form opens on demand

    page.get_by_role("link", name="Notitie toevoegen").click()
    expect()(page).to_have_url(re.compile(r"/journal\?form=note"))
    note = "Telefonisch contact met de moeder; huisbezoek volgende week gepland."
    page.get_by_label("Notitie").fill(note)
    page.get_by_role("group", name="Zichtbaar voor").get_by_label("Alle deelnemende organisaties").check()
    page.get_by_role("button", name="Notitie toevoegen").click()

    expect()(page.get_by_role("status").filter(has_text="Notitie toegevoegd.")).to_be_visible()
    expect()(page).to_have_url(re.compile(r"/cases/\d+/journal#note-\d+$"))
    entry = page.locator(".cb-note").filter(has_text=note)
    expect()(entry).to_be_visible()
    expect()(entry).to_contain_text("gedeeld")
    expect()(page.get_by_label("Notitie")).to_have_count(0)  # closed again after saving
