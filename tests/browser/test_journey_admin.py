"""Journey: the functioneel beheerder creates a user (with a one-time activation link) and sees the
account in the user list; the new user activates it, must link an authenticator app (a new account
is never MFA-exempt) and then works in Casebook."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.browser.flows import enrol_totp, expect, log_in_with_code
from tests.browser.support import log_in

pytestmark = pytest.mark.browser


def test_admin_creates_a_user_who_activates_the_account(page, browser, live_server):
    username = f"jeugd.{secrets.token_hex(3)}"
    display_name = "Noor Bakker"
    log_in(page, "admin", next_path="/")
    page.get_by_role("link", name="Beheer").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Gebruikers")
    page.get_by_role("link", name=re.compile("Nieuwe gebruiker")).click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Nieuwe gebruiker")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Naam", exact=True).fill(display_name)
    page.get_by_label("Organisatie").select_option(label="Jongerenwerk Dordrecht")
    page.get_by_role("group", name="Rollen").get_by_label("casusregisseur", exact=True).check()
    page.get_by_label("Eenmalige activeringslink (aanbevolen)").check()
    page.get_by_role("button", name="Aanmaken").click()

    expect()(page.get_by_role("heading", level=1)).to_have_text("Gebruiker aangemaakt")
    expect()(page.get_by_role("main")).to_contain_text(f"Account {username} ({display_name}) is aangemaakt.")
    activation_url = page.locator("code.cb-secret").inner_text()
    assert re.match(re.escape(live_server.url) + r"/activate/\S+$", activation_url), activation_url

    page.get_by_role("link", name="Beheer").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=username, exact=True))
    expect()(row).to_contain_text(display_name)
    expect()(row).to_contain_text("Jongerenwerk Dordrecht")
    expect()(row).to_contain_text("actief")

    context = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        newcomer = context.new_page()
        newcomer.goto(activation_url)
        expect()(newcomer.get_by_role("heading", level=1)).to_have_text("Account activeren")
        password = "Blauwe-Reiger-Merwede-" + secrets.token_hex(4)
        newcomer.get_by_label("Nieuw wachtwoord").fill(password)
        newcomer.get_by_label("Herhaal het nieuwe wachtwoord").fill(password)
        newcomer.get_by_role("button", name="Wachtwoord instellen").click()
        expect()(newcomer.get_by_role("status")).to_have_text("Uw wachtwoord is ingesteld. Log nu in.")

        newcomer.get_by_label("Gebruikersnaam").fill(username)
        newcomer.get_by_label("Wachtwoord").fill(password)
        newcomer.get_by_role("button", name="Inloggen").click()
        secret = enrol_totp(newcomer)  # required before anything else
        newcomer.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
        expect()(newcomer.get_by_role("banner")).to_contain_text(display_name)
        newcomer.get_by_role("button", name="Uitloggen").click()
        expect()(newcomer.get_by_role("status")).to_have_text("U bent uitgelogd.")
        log_in_with_code(newcomer, username, password, secret)
    finally:
        context.close()
