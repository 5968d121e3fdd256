"""Keyboard use: the skip link, a visible focus on everything reached by Tab, forms usable without a mouse."""

from __future__ import annotations

import re

import pytest

from tests.browser.support import DEMO_PASSWORD, assert_focus_visible, focused, log_in, tab_to

pytestmark = pytest.mark.browser


def _expect():
    from playwright.sync_api import expect

    return expect


def test_skip_link_is_first_visible_on_focus_and_moves_to_the_content(page):
    expect = _expect()
    log_in(page, "zvh.coordinator")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")

    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), focused(page)


def test_login_by_keyboard_only(page):
    expect = _expect()
    page.goto("/login")
    tab_to(page, "#username")
    page.keyboard.type("zvh.coordinator")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Inloggen")).to_be_focused()
    assert_focus_visible(page)

    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")


def test_login_errors_are_summarised_focused_and_linked_to_their_fields(page):
    expect = _expect()
    page.goto("/login")
    tab_to(page, "button[type=submit]:text('Inloggen')")
    page.keyboard.press("Enter")

    summary = page.locator(".cb-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Fout: Inloggen · Casebook")
    expect(summary.get_by_role("heading")).to_have_text("Controleer de invoer")
    for field_id, label in (("username", "Gebruikersnaam"), ("password", "Wachtwoord")):
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = field.get_attribute("aria-describedby")
        expect(page.locator(f"#{described_by}")).to_contain_text("Dit veld is vereist.")
        expect(field).to_have_accessible_description("Fout: Dit veld is vereist.")
        expect(summary.get_by_role("link", name=f"{label}: Dit veld is vereist.")).to_have_attribute(
            "href", f"#{field_id}"
        )
    tab_to(page, ".cb-error-summary a[href='#password']")
    page.keyboard.press("Enter")
    expect(page.locator("#password")).to_be_focused()


def test_case_list_filter_and_case_link_by_keyboard(page):
    expect = _expect()
    log_in(page, "zvh.coordinator")
    tab_to(page, "#type")
    page.keyboard.press("ArrowDown")  # a closed <select> changes its value with the arrow keys
    tab_to(page, "button[type=submit]:text('Filter')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"type=\w+"))
    first_case = page.locator("table tbody a").first
    reference = first_case.inner_text()
    tab_to(page, "table tbody a >> nth=0")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Casus {reference}")


def test_note_form_by_keyboard(page):
    """Write a note on a case with the keyboard only: the Journaal tab, the button that opens the
    form, the form (a <form> in <main> with a <textarea> and a submit button)."""
    expect = _expect()
    log_in(page, "zvh.coordinator")
    page.locator("table tbody tr").filter(has_not_text="Afgesloten").first.locator("a").first.click()
    expect(page.locator("nav.cb-tabs")).to_be_visible()  # the case's dossier
    tab_to(page, "nav.cb-tabs a[href$='/journal']")
    page.keyboard.press("Enter")
    expect(page.locator("nav.cb-tabs a[aria-current='page']")).to_have_text("Journaal")
    expect(page.locator("main a.cb-open-form[href*='form=note']")).to_have_count(1)  # the coordinator writes notes
    tab_to(page, "main a.cb-open-form[href*='form=note']", max_presses=300)
    page.keyboard.press("Enter")
    expect(page.locator("main form textarea#body")).to_be_visible()  # the form, opened on its page
    text = "Gesprek gevoerd met de moeder; afspraak over school gemaakt."
    tab_to(page, "main form textarea#body", max_presses=300)
    page.keyboard.type(text)
    tab_to(page, "main form:has(textarea#body) button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".cb-note__body", has_text=text)).to_be_visible()
