"""Journey: the ZVH procesregisseur transfers a case (regie) to the wijkteam and leaves it; the
wijkteam coordinator accepts it in another browser; from then on the case does not exist for ZVH."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import choose, expect, open_case_through_the_weegtafel, open_tab
from tests.browser.support import choose_language, log_in

pytestmark = pytest.mark.browser

RECEIVER = "Sociaal wijkteam Dordrecht-West"


def test_transfer_a_case_to_the_wijkteam_and_lose_access(page, browser, live_server):
    log_in(page, "zvh.coordinator", next_path="/")
    reference, _family_name = open_case_through_the_weegtafel(page, "Overdracht")
    case_url = page.url

    open_tab(page, "Overdrachten")
    page.get_by_role("link", name="Overdracht of verwijzing opstellen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Nieuwe overdracht · {reference}")
    page.get_by_role("group", name="Soort").get_by_label("Overdracht van regie").check()
    page.get_by_label("Ontvangende organisatie").select_option(label=RECEIVER)
    page.get_by_label("Uw organisatie na de overdracht").select_option(label="verlaat de casus")
    summary = "Overlast en schulden; het wijkteam neemt de regie over, ZVH sluit aan bij het overleg."
    page.get_by_label("Samenvatting voor de ontvanger").fill(summary)
    page.get_by_label("Grondslag").select_option(index=1)
    page.get_by_role("group", name="Is de betrokkene geïnformeerd?").get_by_label("Ja").check()
    page.get_by_role("button", name="Versturen").click()

    expect()(page.get_by_role("status")).to_have_text("Overdracht verstuurd.")
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Overdracht van regie · {reference}")
    facts = page.locator("dl.cb-meta")
    expect()(facts).to_contain_text(re.compile(r"Status\s*in afwachting", re.IGNORECASE))
    expect()(facts).to_contain_text(f"Aan{RECEIVER}")
    expect()(facts).to_contain_text("verlaat de casus")

    wijkteam = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        receiver = wijkteam.new_page()
        log_in(receiver, "wijkteam-west.coordinator", next_path="/")
        choose_language(receiver, "nl")  # the page checks leave this user on English
        receiver.get_by_role("link", name=re.compile("^Overdrachten")).click()
        incoming = receiver.get_by_role("region", name=re.compile("^Binnenkomend"))
        incoming.get_by_role("link", name=reference).click()
        expect()(receiver.get_by_role("heading", level=1)).to_have_text(f"Overdracht van regie · {reference}")
        expect()(receiver.get_by_text(summary)).to_be_visible()
        choose(receiver.get_by_label("Nieuwe procesregisseur"), "Fatima El Amrani")
        receiver.get_by_role("button", name="Accepteren").click()

        expect()(receiver.get_by_role("status")).to_have_text("Overdracht geaccepteerd.")
        expect()(receiver.get_by_role("heading", level=1)).to_have_text(f"Casus {reference}")
        case_facts = receiver.locator("dl.cb-meta").first
        expect()(case_facts).to_contain_text(f"Regiehouder{RECEIVER}")
        expect()(case_facts).to_contain_text("ProcesregisseurFatima El Amrani")
        open_tab(receiver, "Tijdlijn")
        expect()(receiver.locator("#timeline")).to_contain_text(f"{RECEIVER} heeft de overdracht geaccepteerd")
    finally:
        wijkteam.close()

    # The sender left the case: for ZVH it no longer exists.
    response = page.goto(case_url)
    assert response is not None and response.status == 404
    expect()(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")
    page.get_by_role("link", name="Casussen", exact=True).click()
    expect()(page.get_by_role("link", name=reference)).to_have_count(0)
