"""Steps that several journeys share, done through the screens as a user does them.

Each journey that needs a case opens its own with ``open_case_through_the_weegtafel``, so no
journey depends on another or changes a demo case that other tests look at.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

CASE_TYPE = "woonoverlast"  # not restricted: every partner organisation may receive it


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def main_menu(page: Any) -> Any:
    """The header's navigation: its entries, not a link on the page that happens to share a word
    (My work lists actions whose text may say "meldingen")."""
    return page.get_by_role("navigation", name="Hoofdmenu")


def open_tab(page: Any, name: str) -> None:
    """On a case: follow the dossier's tab ``name`` ("Journaal", "Tijdlijn" …) and check it is current."""
    tabs = page.get_by_role("navigation", name="Onderdelen van de casus")
    tabs.get_by_role("link", name=name, exact=True).click()
    expect()(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")


def add_note(page: Any, text: str) -> None:
    """On a case: the Journaal tab, its "Notitie toevoegen" button, the form, the confirmation."""
    open_tab(page, "Journaal")
    page.get_by_role("link", name="Notitie toevoegen").click()
    journal = page.locator("#journal")
    journal.get_by_label("Notitie").fill(text)
    journal.get_by_role("group", name="Zichtbaar voor").get_by_label("Alle deelnemende organisaties").check()
    journal.get_by_role("button", name="Notitie toevoegen").click()
    expect()(page.get_by_role("status").filter(has_text="Notitie toegevoegd.")).to_be_visible()
    expect()(page.locator(".cb-note").filter(has_text=text)).to_be_visible()


def choose(select: Any, text: str) -> None:
    """Choose the first option of a <select> whose visible text contains ``text`` (case-insensitive)."""
    options = select.locator("option").all_inner_texts()
    matching = [option for option in options if text.lower() in option.lower()]
    assert matching, f"no option containing {text!r} in {options}"
    select.select_option(label=matching[0])


def unique_family_name(prefix: str) -> str:
    """A made-up family name no demo person has, so the persons step finds nobody by it."""
    return f"{prefix}{secrets.token_hex(3)}"


@dataclass(frozen=True)
class NewSignal:
    reference: str
    path: str


def register_signal(page: Any, description: str) -> NewSignal:
    """Fill in "Melding registreren" (the logged-in user's organisation is the source) and submit it."""
    main_menu(page).get_by_role("link", name="Meldingen").click()  # "Meldingen" (the weegtafel) or "Mijn meldingen"
    for name in ("Nieuwe melding registreren", "Nieuwe melding"):  # coordinators land on the weegtafel
        link = page.get_by_role("link", name=name, exact=True)
        if link.count():
            link.click()
            break
    expect()(page.get_by_role("heading", level=1)).to_have_text("Melding registreren")
    page.get_by_label("Kanaal").select_option(label="partner")
    choose(page.get_by_label("Casustype"), CASE_TYPE)
    page.get_by_label("Wijk").select_option(label="Crabbehof")
    page.get_by_label("Omschrijving van het signaal").fill(description)
    page.get_by_role("group", name="Is de betrokkene geïnformeerd?").get_by_label("ja").check()
    page.get_by_role("button", name="Registreren").click()
    flash = page.get_by_role("status").filter(has_text="geregistreerd")
    expect()(flash).to_have_text(re.compile(r"Melding MLD-\d{4}-\d{5} geregistreerd\. Voeg nu de betrokkenen toe\."))
    reference = re.search(r"MLD-\d{4}-\d{5}", flash.inner_text()).group(0)
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Melding {reference}")
    return NewSignal(reference=reference, path=page.url.split("#")[0])


def add_new_person(page: Any, given_names: str, family_name: str, birth_date: str) -> None:
    """The persons step: search by family name and birth date, find nobody, record the person and link them."""
    search = page.get_by_role("search", name="Persoon zoeken")
    search.get_by_label("Achternaam").fill(family_name)
    search.get_by_label("Geboortedatum").fill(birth_date)
    search.get_by_role("button", name="Zoeken").click()
    expect()(page.get_by_text("Niemand gevonden.")).to_be_visible()
    new_person = page.locator("form", has=page.get_by_role("heading", name="Nieuwe persoon vastleggen"))
    expect()(new_person.get_by_label("Achternaam")).to_have_value(family_name)  # carried over from the search
    expect()(new_person.get_by_label("Geboortedatum")).to_have_value(birth_date)
    new_person.get_by_label("Voornamen").fill(given_names)
    new_person.get_by_label("Rol").select_option(label="betrokkene")
    new_person.get_by_role("button", name="Vastleggen en koppelen").click()
    expect()(page.get_by_role("status").filter(has_text="vastgelegd")).to_have_text(
        "Nieuwe persoon vastgelegd en gekoppeld."
    )
    persons = page.locator("#persons")
    expect()(persons.get_by_role("listitem").filter(has_text=family_name)).to_contain_text(
        f"{given_names} {family_name}"
    )


def triage_into_case(page: Any, signal: NewSignal, reason: str, *, lead: str, coordinator: str) -> str:
    """At the weegtafel: open the signal from the queue, answer criteria a–d, decide "casus openen".

    Returns the new case's reference; the page is then the case page.
    """
    main_menu(page).get_by_role("link", name="Meldingen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Weegtafel: meldingen om te wegen")
    page.get_by_role("link", name=signal.reference).click()
    expect()(page.get_by_role("heading", name="Wegen")).to_be_visible()
    answers = {"a. ": "ja", "b. ": "ja", "c. ": "ja", "d. ": "nee"}
    for criterion, answer in answers.items():
        page.get_by_role("group", name=re.compile("^" + re.escape(criterion))).get_by_label(answer, exact=True).check()
    page.get_by_role("group", name="Besluit").get_by_label("casus openen").check()
    page.get_by_label("Onderbouwing").fill(reason)
    page.get_by_label("Regiehouder (bij casus openen)").select_option(label=lead)
    choose(page.get_by_label("Procesregisseur (bij casus openen)"), coordinator)
    page.get_by_role("button", name="Besluit vastleggen").click()
    flash = page.get_by_role("status").filter(has_text="geopend")
    expect()(flash).to_have_text(re.compile(r"Casus PGA-\d{4}-\d{5} geopend\."))
    reference = re.search(r"PGA-\d{4}-\d{5}", flash.inner_text()).group(0)
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Casus {reference}")
    return reference


def open_case_through_the_weegtafel(page: Any, family_name_prefix: str) -> tuple[str, str]:
    """As the logged-in ZVH procesregisseur: register a signal with a new person and triage it into a case.

    Returns (case reference, family name of its subject); the page is then the case page.
    """
    family_name = unique_family_name(family_name_prefix)
    signal = register_signal(page, "Buren melden al maanden overlast en zorgen over de bewoner.")
    add_new_person(page, "Sam", family_name, "1988-04-12")
    reference = triage_into_case(
        page,
        signal,
        "Meerdere leefgebieden, drang en zorg nodig.",
        lead="Zorg- en Veiligheidshuis Zuid-Holland Zuid",
        coordinator="Sanne de Wit",
    )
    return reference, family_name


def totp_code(secret: str, *, steps_back: int = 0) -> str:
    """The authenticator app's code for the secret shown for manual entry (spaces allowed).

    ``steps_back=1`` gives the previous 30-second code, which the server still accepts (one step of
    drift): enrolling with it leaves the current code unused for the next login, so no test waits.
    """
    import time

    import pyotp

    return pyotp.TOTP(secret.replace(" ", "")).at(time.time() - 30 * steps_back)


def enrol_totp(page: Any) -> str:
    """On "Tweede factor instellen": start, read the secret for manual entry, confirm with a code.

    Returns the secret; the page is then "Uw herstelcodes".
    """
    expect()(page.get_by_role("heading", level=1)).to_have_text("Tweede factor instellen")
    page.get_by_role("button", name="Begin met instellen").click()
    expect()(page.get_by_role("figure", name="QR-code voor uw authenticator-app")).to_be_visible()
    secret = page.locator("code.cb-secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret), secret
    page.get_by_role("textbox", name="Code").fill(totp_code(secret, steps_back=1))
    page.get_by_role("button", name="Bevestigen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    return secret


def log_in_with_code(page: Any, username: str, password: str, secret: str) -> None:
    """Password, then the second step with the current code from the app."""
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Tweede stap: code")
    page.get_by_role("textbox", name="Code").fill(totp_code(secret))
    page.get_by_role("button", name="Bevestigen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Mijn werk")
