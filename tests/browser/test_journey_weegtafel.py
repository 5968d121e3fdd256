"""Journey: at the weegtafel the procesregisseur sees that a person on a signal is known from an
earlier case, assigns the signal to herself and finds it with the "Aan mij toegewezen" filter, asks
the police for information (the working-day clock stands still: "wacht op informatie"), and the
police caseworker answers from the inbox without seeing the signal; the answer shows on the signal.
"""

from __future__ import annotations

import pytest

from tests.browser.flows import choose, expect, main_menu
from tests.browser.support import log_in

pytestmark = pytest.mark.browser


def test_weegtafel_bekend_assign_filter_question_and_answer(page, browser, live_server):
    log_in(page, "zvh.coordinator", next_path="/")
    main_menu(page).get_by_role("link", name="Meldingen").click()
    rows = page.get_by_role("row").filter(has_text="open casus").filter(has_not_text="wacht op informatie")
    expect()(rows.first).to_be_visible()
    row = rows.first
    expect()(row).to_contain_text("Bekend")
    reference = row.get_by_role("link").first.inner_text()
    row.get_by_role("link", name=reference).click()
    expect()(page.get_by_role("heading", name=f"Melding {reference}")).to_be_visible()
    expect()(page.locator("#persons")).to_contain_text("open casus")

    work = page.locator("#work")
    choose(work.get_by_label("Toegewezen aan"), "Sanne de Wit")
    work.get_by_role("button", name="Toewijzen").click()
    expect()(page.get_by_role("status").filter(has_text="Toewijzing opgeslagen.")).to_be_visible()

    main_menu(page).get_by_role("link", name="Meldingen").click()
    page.get_by_label("Aan mij toegewezen").check()
    page.get_by_role("button", name="Filter").click()
    expect()(page.get_by_role("link", name=reference)).to_be_visible()
    for row_text in page.get_by_role("row").all_inner_texts()[1:]:
        assert "Sanne de Wit" in row_text, row_text
    page.get_by_role("link", name=reference).click()

    work = page.locator("#work")
    choose(work.get_by_label("Partnerorganisatie"), "Politie")
    question = "Is er een lopend onderzoek naar deze betrokkene? (journey)"
    work.get_by_label("Vraag").fill(question)
    work.get_by_role("button", name="Vraag versturen").click()
    expect()(page.get_by_role("status").filter(has_text="de werkdagenklok staat stil")).to_be_visible()
    expect()(page.locator("#work")).to_contain_text("wacht op informatie")

    police = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        partner = police.new_page()
        log_in(partner, "politie.caseworker", next_path="/")
        main_menu(partner).get_by_role("link", name="Informatievragen").click()
        expect()(partner.get_by_role("heading", name="Informatievragen aan uw organisatie")).to_be_visible()
        expect()(partner.locator("main")).not_to_contain_text(reference)  # the question, not the signal
        partner.get_by_role("row").filter(has_text="open").first.get_by_role("link").click()
        expect()(partner.locator("dl.cb-meta")).to_contain_text(question)
        expect()(partner.locator("main")).not_to_contain_text(reference)
        partner.get_by_label("Antwoord").fill("Nee, geen lopend onderzoek bekend. (journey)")
        partner.get_by_role("button", name="Antwoord versturen").click()
        expect()(partner.get_by_role("status").filter(has_text="Antwoord verstuurd.")).to_be_visible()
    finally:
        police.close()

    page.reload()
    expect()(page.locator("#work")).to_contain_text("Nee, geen lopend onderzoek bekend. (journey)")
    expect()(page.locator("#work dl.cb-meta")).not_to_contain_text("wacht op informatie")
