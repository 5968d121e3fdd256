"""Journeys: a procesregisseur forms a household of three from the screens; a police officer at the
door finds a case by the person's BSN and breaks the glass."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import choose, expect, main_menu, open_case_through_the_weegtafel
from tests.browser.support import log_in

pytestmark = pytest.mark.browser

GLASS_BSN = "111222333"  # Linda Koster's, in the demo (casebook.households.demo)
REASON = "Melding aan de deur: geluidsoverlast en zorgen om het kind, context nodig."


def _register_family_member(page, case_path: str, given_names: str, family_name: str, birth_date: str) -> None:
    page.goto(f"{case_path}/persons/new")
    expect()(page.get_by_role("heading", level=1)).to_contain_text("Persoon toevoegen aan casus")
    page.get_by_label("Achternaam").fill(family_name)
    page.get_by_label("Voornamen").fill(given_names)
    page.get_by_label("Geboortedatum").fill(birth_date)
    page.get_by_label("Rol").select_option(label="gezinslid")
    page.get_by_role("button", name="Controleren en toevoegen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Persoon: {given_names} {family_name}")


def test_form_a_household_of_three_from_the_screens(page):
    log_in(page, "zvh.coordinator", next_path="/")
    reference, family_name = open_case_through_the_weegtafel(page, "Gezin")
    case_path = re.sub(r"^https?://[^/]+", "", page.url).split("#")[0].split("?")[0]
    case_path = re.match(r"^/cases/\d+", case_path).group(0)
    _register_family_member(page, case_path, "Lotte", family_name, "1990-02-03")
    _register_family_member(page, case_path, "Noor", family_name, "2015-07-21")

    page.goto(case_path)
    page.get_by_role("button", name="Huishouden vormen").click()
    expect()(page.get_by_role("status")).to_have_text("Huishouden gevormd. Voeg nu de leden toe.")
    heading = page.get_by_role("heading", level=1)
    expect()(heading).to_have_text(re.compile(r"^Huishouden HH-\d{5}$"))
    household = heading.inner_text().removeprefix("Huishouden ")

    form = page.locator("#form-member")
    for given, relation in (("Sam", "ouder"), ("Lotte", "partner"), ("Noor", "kind")):
        choose(form.get_by_label("Betrokkene"), f"{given} {family_name}")
        form.get_by_label("Relatie").select_option(label=relation)
        form.get_by_role("button", name="Lid toevoegen").click()
        expect()(page.get_by_role("status")).to_have_text("Lid toegevoegd aan het huishouden.")
        form = page.locator("#form-member")

    members = page.locator("table").filter(has=page.get_by_role("columnheader", name="Relatie")).locator("tbody tr")
    expect()(members).to_have_count(3)
    for given, relation in (("Sam", "ouder"), ("Lotte", "partner"), ("Noor", "kind")):
        row = members.filter(has_text=f"{given} {family_name}")
        expect()(row).to_contain_text(relation)
        expect()(row.get_by_role("link", name=f"{given} {family_name}")).to_be_visible()
        expect()(row).to_contain_text(reference)

    members.filter(has_text="Noor").get_by_role("link", name=f"Noor {family_name}").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Persoon: Noor {family_name}")
    page.get_by_role("link", name=f"Huishouden {household}").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(f"Huishouden {household}")

    page.goto(case_path)  # the case names its household now, and offers no second one
    expect()(page.get_by_role("link", name=household)).to_be_visible()
    expect()(page.get_by_role("button", name="Huishouden vormen")).to_have_count(0)


def test_break_the_glass_found_by_bsn(page):
    log_in(page, "politie.caseworker", next_path="/")
    main_menu(page).get_by_role("link", name="Noodtoegang").click()
    search = page.locator("#form-glass-person")
    search.get_by_label("BSN").fill("9999 999 90")  # a valid BSN nobody has
    search.get_by_role("button", name="Zoek op persoon").click()
    expect()(page.get_by_role("status")).to_contain_text("Niets gevonden")

    search = page.locator("#form-glass-person")
    search.get_by_label("BSN").fill(GLASS_BSN)
    search.get_by_role("button", name="Zoek op persoon").click()
    results = page.locator("#person-results + ul li")
    expect()(results).to_have_count(1)
    expect()(results).to_contain_text("Woonoverlast")
    reference = re.search(r"PGA-\d{4}-\d{5}", results.inner_text()).group(0)
    expect()(page.get_by_text("Linda")).to_have_count(0)  # nothing about the person is shown

    results.get_by_role("link", name="noodtoegang aanvragen").click()
    expect()(page.get_by_role("heading", level=2, name=re.compile(reference))).to_be_visible()
    page.get_by_label("Reden").fill(REASON)
    page.get_by_role("button", name="Open met noodtoegang").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text(f"Casus {reference}")
    expect()(page.get_by_role("status").filter(has_text="Noodtoegang geregistreerd")).to_be_visible()
