"""Journey: find a case by part of a subject's family name ("Khatib" finds "El Khatib"), with the
term kept out of the address bar, then sort the result and save the selection as a filter."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import expect
from tests.browser.support import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_find_a_case_by_a_particle_free_family_name(page):
    log_in(page, "zvh.coordinator", next_path="/cases")
    search = page.get_by_role("search", name="Zoek casussen")
    search.get_by_label("Zoek op kenmerk of achternaam").fill("Khatib")
    search.get_by_role("button", name="Zoeken", exact=True).click()

    expect()(page.get_by_text("U zoekt op achternaam.")).to_be_visible()
    assert "khatib" not in page.url.casefold(), "the term never becomes part of the address"
    rows = page.locator("main table tbody tr")
    expect()(rows.first).to_contain_text("El Khatib")
    names = rows.locator("td:nth-child(5)").all_inner_texts()
    assert names and all("El Khatib" in name for name in names), names
    assert_accessible(page, "case list searched")

    # sorting keeps the search (from the session), never putting it in the URL
    page.get_by_role("link", name=re.compile("^Kenmerk")).click()
    expect()(page).to_have_url(re.compile(r"sort=reference"))
    expect()(rows.first).to_contain_text("El Khatib")
    references = rows.locator("td:nth-child(1)").all_inner_texts()
    assert references == sorted(references)
    assert "khatib" not in page.url.casefold()

    # open the case found
    reference = references[0]
    page.get_by_role("link", name=reference).click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text(reference)

    # a BSN in the box is refused, pointing to the person search, and not shown back
    page.goto("/cases")
    page.get_by_label("Zoek op kenmerk of achternaam").fill("999990019")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect()(page.locator(".utrecht-form-field__error-message")).to_contain_text("Personen zoeken")
    expect()(page.get_by_label("Zoek op kenmerk of achternaam")).to_have_value("")


def test_save_a_selection_and_apply_it_again(page):
    log_in(page, "zvh.coordinator", next_path="/cases")
    page.get_by_label("Status").select_option("all")
    page.get_by_label("Alleen mijn casussen").check()
    page.get_by_role("button", name="Filter", exact=True).click()
    expect()(page).to_have_url(re.compile(r"mine=y"))
    page.get_by_text("Deze selectie bewaren").click()
    page.get_by_label("Naam van het filter").fill("Al mijn casussen")
    page.get_by_role("button", name="Opslaan", exact=True).click()

    page.get_by_role("link", name="Mijn opgeslagen filters").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Opgeslagen filters")
    assert_accessible(page, "saved filters")
    page.get_by_role("link", name="Al mijn casussen").click()
    expect()(page).to_have_url(re.compile(r"status=all"))
    expect()(page.get_by_label("Alleen mijn casussen")).to_be_checked()

    # the same name again: the form says so, the name kept
    page.get_by_text("Deze selectie bewaren").click()
    page.get_by_label("Naam van het filter").fill("Al mijn casussen")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect()(page.locator(".utrecht-form-field__error-message")).to_contain_text("al een filter met deze naam")
    expect()(page.get_by_label("Naam van het filter")).to_have_value("Al mijn casussen")
    assert_accessible(page, "case list with a refused save")
