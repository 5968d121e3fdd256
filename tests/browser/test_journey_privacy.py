"""Journey: the privacy officer keeps the register (a new version of an activity) and looks a data
subject up in the processing log, without ever seeing case content."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import expect
from tests.browser.support import log_in

pytestmark = pytest.mark.browser


def test_privacy_officer_revises_the_register_and_consults_the_log(page):
    log_in(page, "gemeente.privacy", next_path="/")
    nav = page.get_by_role("navigation").first
    expect()(nav.get_by_role("link", name="Verwerkingsregister")).to_be_visible()

    nav.get_by_role("link", name="Verwerkingsregister").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Verwerkingsregister")
    page.get_by_role("link", name="pga-reporting").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Sturingsinformatie")
    page.get_by_role("link", name="Wijzigen (nieuwe versie)").click()
    page.get_by_label("Bewaartermijn verwerkingslog (dagen)").fill("400")
    page.get_by_role("button", name="Nieuwe versie opslaan").click()
    expect()(page.get_by_role("main")).to_contain_text("Versie 2")
    expect()(page.locator("table tbody tr")).to_have_count(2)

    page.goto("/privacy/processing-log")
    expect()(page.get_by_role("heading", level=1)).to_have_text("Verwerkingslog")
    expect()(page.get_by_role("table").first).to_contain_text("Casusregie en procesregie")
    page.get_by_label("BSN").fill("123456789")
    page.get_by_role("button", name="Tonen").click()
    expect()(page.get_by_role("main")).to_contain_text(re.compile("elfproef"))
    expect()(page.get_by_label("BSN")).to_have_value("123456789")
    page.get_by_label("BSN").fill("100000009")
    page.get_by_role("button", name="Tonen").click()
    expect()(page.locator("#subject-lines")).to_be_visible()
