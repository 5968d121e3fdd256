"""Journey: after a transfer to the wijkteam (which has no teamleider), the closing West proposed
waits for the ZVH's supervisor — the fallback — who finds it under My work, sees who decides, and
approves it; the closed case ends every participation and plans no evaluation."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import expect, open_tab
from tests.browser.support import choose_language, log_in

pytestmark = pytest.mark.browser

RECEIVER = "Sociaal wijkteam Dordrecht-West"


def test_the_fallback_supervisor_approves_a_closure_after_a_transfer(page, browser, live_server):
    log_in(page, "zvh.supervisor", next_path="/work/closures")
    links = page.locator("table.utrecht-table a.utrecht-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    transferred = None
    for href in hrefs:
        page.goto(href)
        if f"Regiehouder{RECEIVER}" in page.locator("dl.cb-meta").first.inner_text().replace("\n", ""):
            transferred = href
            break
    assert transferred, "the demo has a transferred case awaiting the fallback supervisor"
    expect()(page.locator("#closure-approver")).to_contain_text(
        "beoordeeld door een teamleider van Zorg- en Veiligheidshuis"
    )
    page.get_by_role("link", name="Voorstel tot afsluiten beoordelen").click()
    page.get_by_label("Goedkeuren en afsluiten").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect()(page.get_by_role("status")).to_have_text("Casus afgesloten.")

    # West, which led it, still sees the closed case: every participation ended, no evaluation planned
    west = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        lead = west.new_page()
        log_in(lead, "wijkteam-west.coordinator", next_path="/")
        choose_language(lead, "nl")
        lead.goto(transferred)
        expect()(lead.locator("main")).to_contain_text(re.compile(r"Volgende evaluatie\s*niet gepland"))
        open_tab(lead, "Tijdlijn")
        timeline = lead.locator("#timeline")
        expect()(timeline).to_contain_text(f"{RECEIVER} neemt niet meer deel: de casus is afgesloten")
        expect()(timeline).to_contain_text("heeft de overdracht geaccepteerd en is nu regiehouder")
    finally:
        west.close()
