"""Journey: the privacy officer and a municipal supervisor approve the demo's destruction list — four
eyes, two people — after taking a case under legal hold off it."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import expect
from tests.browser.support import log_in

pytestmark = pytest.mark.browser


def test_two_people_approve_a_destruction_list(page, browser, live_server):
    log_in(page, "gemeente.privacy", next_path="/")
    page.get_by_role("link", name="Vernietiging", exact=True).click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Vernietigingslijsten")
    page.locator("#destruction-lists").get_by_role("link").first.click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Vernietigingslijst \d+"))
    expect()(page.locator("#list-status")).to_have_text("ter goedkeuring")
    items = page.locator("#destruction-items tbody tr")
    expect()(items.filter(has_text="radicalisation").first).to_be_visible()

    # a case under legal hold comes off the list, with its reason
    held = items.filter(has_text="housing_nuisance").filter(has=page.get_by_role("button")).first
    reference = held.locator("td").first.inner_text()
    held.get_by_label("Reden").select_option("legal_hold")
    held.get_by_role("button", name="Van de lijst halen").click()
    expect()(page.get_by_role("main")).to_contain_text(f"{reference} is van de lijst gehaald.")
    row = items.filter(has_text=reference).first
    expect()(row).to_contain_text("uitgezonderd")
    expect()(row).to_contain_text("Juridische blokkade")

    page.get_by_role("button", name="Lijst goedkeuren").click()
    expect()(page.get_by_role("main")).to_contain_text("Goedkeuring vastgelegd.")
    expect()(page.locator("#list-status")).to_have_text("ter goedkeuring")
    expect()(page.get_by_role("button", name="Lijst goedkeuren")).to_have_count(0)  # not twice
    list_url = page.url

    context = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        supervisor = context.new_page()
        log_in(supervisor, "gemeente.supervisor", next_path="/")
        supervisor.goto(list_url)
        expect()(supervisor.get_by_role("main")).to_contain_text("Ingrid Mulder")
        supervisor.get_by_role("button", name="Lijst goedkeuren").click()
        expect()(supervisor.locator("#list-status")).to_have_text("goedgekeurd, wacht op vernietiging")
        expect()(supervisor.get_by_role("button", name="Van de lijst halen")).to_have_count(0)
    finally:
        context.close()
