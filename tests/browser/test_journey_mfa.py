"""Journey: a demo user (exempt from MFA outside production, but free to enrol) links an
authenticator app on "Tweede factor", logs out, and from then on logs in with password and code.

This test owns the demo account ``jongerenwerk.caseworker``: no other browser test logs in with it,
because after this test it needs a code.
"""

from __future__ import annotations

import pytest

from tests.browser.flows import enrol_totp, expect, log_in_with_code, totp_code
from tests.browser.support import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

USER = "jongerenwerk.caseworker"


def test_enrol_totp_then_log_in_with_a_code(page):
    log_in(page, USER, next_path="/")
    page.locator("summary.cb-account__summary").click()  # the account menu under the user's name
    page.get_by_role("link", name="Mijn sessies").click()
    page.get_by_role("link", name="Wachtwoord en tweede factor").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Tweede factor")
    expect()(page.get_by_role("main")).to_contain_text("U heeft nog geen authenticator-app gekoppeld.")
    page.get_by_role("link", name="Tweede factor instellen").click()
    secret = enrol_totp(page)
    codes = page.locator("main li, main code").all_inner_texts()
    assert len([c for c in codes if len(c.replace("-", "").strip()) == 16]) >= 10, codes
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()

    page.wait_for_load_state()
    page.goto("/account/mfa")
    expect()(page.get_by_role("main")).to_contain_text("Uw authenticator-app is gekoppeld.")
    page.get_by_role("button", name="Uitloggen").click()
    expect()(page.get_by_role("status")).to_have_text("U bent uitgelogd.")

    # The password alone is no longer enough.
    page.get_by_label("Gebruikersnaam").fill(USER)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Tweede stap: code")
    page.get_by_role("textbox", name="Code").fill("000000" if totp_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Bevestigen").click()
    expect()(page.get_by_role("alert")).to_contain_text("De code is onjuist of al gebruikt.")
    page.wait_for_load_state()  # let the page finish loading before leaving it
    page.goto("/cases")
    expect()(page.get_by_role("heading", level=1)).to_have_text("Inloggen bij Casebook")

    log_in_with_code(page, USER, DEMO_PASSWORD, secret)
    expect()(page.get_by_role("banner")).to_contain_text("Jongerenwerk Dordrecht")
