"""Journeys through the screens that exist, each asserting what the user sees.

The longer journeys (signal → triage → case, note/intervention/plan, handoff, audit log, admin
creates a user, MFA) are in their own ``test_journey_*.py`` modules; see tests/browser/conftest.py.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.support import choose_language, log_in

pytestmark = pytest.mark.browser


def _expect():
    from playwright.sync_api import expect

    return expect


def _count_shown(page) -> int:
    """The number in the "N casussen" / "N cases" line above the table."""
    return int(re.match(r"(\d+)", page.get_by_role("status").inner_text()).group(1))


def test_log_in_and_see_the_case_list(page):
    expect = _expect()
    page.goto("/cases")
    expect(page).to_have_url(re.compile(r"/login\?next=/cases"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Casebook")

    page.get_by_label("Gebruikersnaam").fill("zvh.coordinator")
    page.get_by_label("Wachtwoord").fill("browser-demo-password")
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Casussen")
    expect(page).to_have_title("Casussen · Casebook")
    header = page.get_by_role("banner")
    expect(header).to_contain_text("Zorg- en Veiligheidshuis")
    expect(header).to_contain_text("procesregisseur")
    expect(page.get_by_role("link", name="Casussen")).to_have_attribute("aria-current", "page")
    assert _count_shown(page) > 0
    rows = page.locator("table tbody tr")
    expect(rows.first.get_by_role("link")).to_have_text(re.compile(r"PGA-\d{4}-\d{5}"))
    # Dates in the Dutch long format.
    expect(rows.first).to_contain_text(
        re.compile(
            r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}"
        )
    )


def test_wrong_password_says_so_and_keeps_the_user_out(page):
    expect = _expect()
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill("zvh.coordinator")
    page.get_by_label("Wachtwoord").fill("not the password")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_have_text("Gebruikersnaam of wachtwoord onjuist.")
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("zvh.coordinator")
    expect(page.get_by_label("Wachtwoord")).to_have_value("")
    page.goto("/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Casebook")


def test_open_a_case_from_the_list_and_see_its_detail(page):
    expect = _expect()
    log_in(page, "zvh.coordinator")
    first_row = page.locator("table tbody tr").first
    reference = first_row.get_by_role("link").inner_text()
    case_type = first_row.locator("td").nth(1).inner_text()

    first_row.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Casus {reference}")
    expect(page).to_have_title(f"Casus {reference} · Casebook")
    facts = page.locator("dl.cb-meta").first
    expect(facts).to_contain_text(case_type)
    expect(facts).to_contain_text(re.compile(r"Geopend\s*\d{1,2} \w+ \d{4},? \d{2}:\d{2}"))
    tabs = page.get_by_role("navigation", name="Onderdelen van de casus")
    tabs.get_by_role("link", name="Betrokkenen & deelnemers").click()
    expect(page).to_have_title(f"Casus {reference} · Betrokkenen & deelnemers · Casebook")
    expect(page.get_by_role("heading", name="Betrokkenen", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Deelnemende organisaties")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("regiehouder")

    page.get_by_role("link", name="Alle casussen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casussen")


def test_filter_the_case_list(page):
    expect = _expect()
    log_in(page, "zvh.coordinator")
    total = _count_shown(page)
    type_select = page.get_by_label("Type")
    type_select.select_option(index=1)
    chosen = type_select.locator("option:checked").inner_text()

    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"type=\w+"))
    expect(page.get_by_label("Type")).to_have_value(re.compile(r"\w+"))  # the filter stays chosen
    shown = _count_shown(page)
    assert 0 < shown < total, f"filtering on {chosen!r} showed {shown} of {total} cases"
    types = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert types and set(types) == {chosen}


def test_log_out(page):
    expect = _expect()
    log_in(page, "zvh.coordinator")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("status")).to_have_text("U bent uitgelogd.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Casebook")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    page.goto("/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Casebook")


def test_language_choice_is_remembered_for_the_user(page, browser, live_server):
    """English chosen in the header stays English after logging out and in on another browser."""
    expect = _expect()
    user = "wijkteam-noord.caseworker"  # this test owns this user's language setting
    log_in(page, user)
    choose_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Casebook")  # anonymous: the default

    other = browser.new_context(base_url=live_server.url)
    try:
        fresh = other.new_page()
        log_in(fresh, user)
        expect(fresh.get_by_role("heading", level=1)).to_have_text("Cases")
        expect(fresh.get_by_role("columnheader", name="Reference")).to_be_visible()
        expect(fresh.locator("table tbody tr").first).to_contain_text(
            re.compile(
                r"(January|February|March|April|May|June|July|August|September|October|November|December)"
                r" \d{1,2}, \d{4}"
            )
        )
        choose_language(fresh, "nl")
        expect(fresh.get_by_role("heading", level=1)).to_have_text("Casussen")
    finally:
        other.close()
