"""Journeys of My work: (a) a police officer registers a melding, the ZVH weighs it, and the officer
finds the outcome under Mijn meldingen; (b) a casusregisseur (named case manager, not procesregisseur)
finds their case under Mijn casussen and opens it."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import expect, main_menu, register_signal
from tests.browser.support import log_in

pytestmark = pytest.mark.browser

ADVICE = "Geen casus: bespreek het met het jongerenwerk in de wijk en meld opnieuw bij herhaling."


def test_a_police_officer_hears_the_outcome_of_their_melding(page, browser, live_server):
    log_in(page, "politie.caseworker", next_path="/")
    expect()(main_menu(page).get_by_role("link", name="Mijn meldingen")).to_be_visible()
    signal = register_signal(page, "Groepje jongeren hangt elke avond bij de speeltuin, buren voelen zich onveilig.")
    expect()(page).to_have_url(re.compile(r"/signals/\d+"))

    coordinator = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        weegtafel = coordinator.new_page()
        log_in(weegtafel, "zvh.coordinator", next_path="/signals")
        weegtafel.get_by_role("link", name=signal.reference).click()
        for criterion in ("a. ", "b. ", "c. ", "d. "):
            group = weegtafel.get_by_role("group", name=re.compile("^" + re.escape(criterion)))
            group.get_by_label("nee", exact=True).check()
        weegtafel.get_by_role("group", name="Besluit").get_by_label("advies").check()
        weegtafel.get_by_label("Onderbouwing").fill(ADVICE)
        weegtafel.get_by_role("button", name="Besluit vastleggen").click()
        expect()(weegtafel.get_by_role("status").filter(has_text="gewogen")).to_contain_text(signal.reference)
    finally:
        coordinator.close()

    page.goto("/")
    main_menu(page).get_by_role("link", name="Mijn meldingen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Mijn meldingen")
    expect()(page.get_by_role("link", name="Nieuwe melding", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=signal.reference))
    expect()(row).to_contain_text("Gewogen")
    expect()(row).to_contain_text("advies")
    expect()(row).to_contain_text("Sanne de Wit (Zorg- en Veiligheidshuis")
    row.get_by_role("link", name=signal.reference).click()
    facts = page.locator("dl.cb-meta")
    expect()(facts).to_contain_text("Groepje jongeren hangt elke avond")  # what they typed
    expect()(facts).to_contain_text(ADVICE)  # the answer to the melder
    expect()(page.get_by_role("link", name="Mijn meldingen").last).to_be_visible()


def test_a_casusregisseur_finds_their_case_on_my_work(page):
    log_in(page, "zvh.caseworker", next_path="/")
    tile = page.locator("section#my_cases")
    expect()(tile.get_by_role("heading")).to_contain_text("Mijn casussen")
    expect()(tile.get_by_role("heading")).not_to_contain_text("(0)")
    first = tile.get_by_role("link", name=re.compile(r"^PGA-\d{4}-\d{5}")).first
    reference = re.search(r"PGA-\d{4}-\d{5}", first.inner_text()).group(0)
    expect()(tile.get_by_role("link", name="Alles bekijken")).to_have_attribute("href", "/cases?mine=1")
    first.click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text(f"Casus {reference}")
