"""Journey: the account menu under the user's name works with the keyboard alone, and a fresh form
shows no field as invalid until the server refused it (computed style, not markup)."""

from __future__ import annotations

import pytest

from tests.browser.flows import expect
from tests.browser.support import log_in

pytestmark = pytest.mark.browser

# For every required control: its border colour as shown, and as it would be shown marked invalid.
BORDERS = """() => [...document.querySelectorAll('input[required], textarea[required], select[required]')].map(el => {
  const shown = getComputedStyle(el).borderColor;
  el.setAttribute('aria-invalid', 'true');
  const invalid = getComputedStyle(el).borderColor;
  el.removeAttribute('aria-invalid');
  return {id: el.id, shown, invalid, marked: el.getAttribute('aria-invalid')};
})"""


def test_the_account_menu_opens_and_is_followed_with_the_keyboard(page):
    log_in(page, "wijkteam-noord.caseworker", next_path="/")
    menu = page.get_by_role("navigation", name="Accountmenu")
    expect()(menu).to_be_hidden()
    expect()(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn sessies")).to_have_count(0)
    page.locator("summary.cb-account__summary").focus()
    page.keyboard.press("Enter")
    expect()(menu).to_be_visible()
    page.keyboard.press("Tab")
    expect()(menu.get_by_role("link", name="Mijn sessies")).to_be_focused()
    page.keyboard.press("Enter")
    expect()(page.get_by_role("heading", level=1)).to_have_text("Mijn sessies")
    expect()(menu).to_be_visible()  # open on an account page, the current one marked
    expect()(menu.get_by_role("link", name="Mijn sessies")).to_have_attribute("aria-current", "page")


def test_required_fields_are_not_red_before_an_attempt(page):
    log_in(page, "wijkteam-noord.caseworker", next_path="/account/password")
    fresh = page.evaluate(BORDERS)
    assert fresh, "the password form has required fields"
    assert all(field["shown"] != field["invalid"] for field in fresh), fresh
    page.get_by_role("button", name="Wijzigen", exact=True).click()  # empty: the server refuses it
    first = page.locator("[aria-invalid=true]").first
    expect()(first).to_be_visible()
    field_id, refused = first.evaluate("el => [el.id, getComputedStyle(el).borderColor]")
    assert refused == next(field["invalid"] for field in fresh if field["id"] == field_id)
