"""Journey: a caseworker registers a signal with its person; the procesregisseur triages it at the
weegtafel into a new case and lands on the case page."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import (
    add_new_person,
    expect,
    main_menu,
    open_tab,
    register_signal,
    triage_into_case,
    unique_family_name,
)
from tests.browser.support import log_in

pytestmark = pytest.mark.browser


def test_register_a_signal_and_triage_it_into_a_case(page, browser, live_server):
    family_name = unique_family_name("Melder")
    log_in(page, "zvh.caseworker", next_path="/")
    signal = register_signal(
        page, "Signaal van de woningcorporatie: vervuilde woning, schulden, zorgen om de kinderen."
    )
    expect()(page.locator("dl.cb-meta")).to_contain_text("Geregistreerd door")
    expect()(page.get_by_text("Nog geen betrokkenen gekoppeld.")).to_be_visible()

    add_new_person(page, "Robin", family_name, "1979-02-03")

    expect()(page.get_by_role("heading", name="Wegen")).to_have_count(0)  # a caseworker does not triage

    coordinator = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        weegtafel = coordinator.new_page()
        log_in(weegtafel, "zvh.coordinator", next_path="/")
        main_menu(weegtafel).get_by_role("link", name="Meldingen").click()
        row = weegtafel.get_by_role("row").filter(has=weegtafel.get_by_role("link", name=signal.reference))
        expect()(row).to_contain_text("Woonoverlast")
        expect()(row).to_contain_text("Crabbehof")
        reference = triage_into_case(
            weegtafel,
            signal,
            "Voldoet aan a, b en c: meerdere leefgebieden, zorg en drang nodig, impact op het gezin.",
            lead="Zorg- en Veiligheidshuis Zuid-Holland Zuid",
            coordinator="Sanne de Wit",
        )

        facts = weegtafel.locator("dl.cb-meta").first
        expect()(facts).to_contain_text("Woonoverlast")
        expect()(facts).to_contain_text("Crabbehof")
        expect()(facts).to_contain_text(re.compile(r"Procesregisseur\s*Sanne de Wit"))
        expect()(weegtafel.get_by_role("link", name=f"Robin {family_name}")).to_be_visible()
        open_tab(weegtafel, "Tijdlijn")
        expect()(weegtafel.locator("#timeline")).to_contain_text(signal.reference)

        # The signal left the queue and records the decision.
        main_menu(weegtafel).get_by_role("link", name="Meldingen").click()
        expect()(weegtafel.get_by_role("link", name=signal.reference)).to_have_count(0)
        weegtafel.goto(signal.path)
        expect()(weegtafel.locator("dl.cb-meta")).to_contain_text(f"casus openen: {reference}")
        expect()(weegtafel.locator("dl.cb-meta")).to_contain_text("a ja, b ja, c ja, d nee")
    finally:
        coordinator.close()
