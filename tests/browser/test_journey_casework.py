"""Journey: on a case, write a journal note, record an intervention and add a plan goal with an
action, each on its tab of the dossier through the form that its button opens; each shows with a
confirmation on its tab and on the timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.flows import add_note, choose, expect, open_case_through_the_weegtafel, open_tab
from tests.browser.support import DUTCH_MONTHS, log_in

pytestmark = pytest.mark.browser


def test_add_a_note_an_intervention_and_a_plan_action(page):
    log_in(page, "zvh.coordinator", next_path="/")
    reference, _family_name = open_case_through_the_weegtafel(page, "Casuswerk")
    case_url = page.url

    # Journaal
    note = "Huisbezoek afgelegd met het wijkteam; afspraak over schuldhulp gemaakt."
    add_note(page, note)
    entry = page.locator(".cb-note").filter(has_text=note)
    expect()(entry).to_contain_text("Sanne de Wit")
    expect()(entry).to_contain_text("gedeeld")

    # Interventie
    open_tab(page, "Interventies")
    page.get_by_role("link", name="Interventie vastleggen").click()
    interventions = page.locator("#interventions")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    kind = interventions.get_by_label("Soort interventie")
    choose(kind, "gesprek")
    kind_text = kind.locator("option:checked").inner_text().split(" (")[0]  # "Gesprek (preventie)"
    interventions.get_by_label("Datum").fill(yesterday)
    choose(interventions.get_by_label("Uitgevoerd door"), "Zorg- en Veiligheidshuis")
    interventions.get_by_label("Resultaat").fill("Bewoner werkt mee aan het plan.")
    interventions.get_by_role("button", name="Interventie vastleggen").click()
    expect()(page.get_by_role("status")).to_have_text("Interventie vastgelegd.")
    row = page.locator("#interventions table tbody tr").filter(has_text="Bewoner werkt mee aan het plan.")
    expect()(row).to_contain_text(kind_text)
    expect()(row).to_contain_text("Zorg- en Veiligheidshuis")

    # Plan van aanpak: a goal, then an action under it
    open_tab(page, "Plan")
    page.get_by_role("link", name="Doel toevoegen").click()
    plan = page.locator("#plan")
    plan.get_by_label("Leefgebied").select_option(label="financiën en schulden")
    goal = "Schulden in beeld en een betalingsregeling binnen drie maanden."
    plan.get_by_label("Doel", exact=True).fill(goal)
    plan.get_by_role("button", name="Doel toevoegen").click()
    expect()(page.get_by_role("status")).to_have_text("Doel toegevoegd.")
    expect()(page.locator("#plan .cb-goal").filter(has_text=goal)).to_be_visible()
    page.locator("#plan .cb-goal").filter(has_text=goal).get_by_role("link", name="Actie toevoegen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Actie toevoegen")
    action = "Aanmelden bij de gemeentelijke schuldhulpverlening."
    page.get_by_label("Actie").fill(action)
    choose(page.get_by_label("Eigenaar (organisatie)"), "Zorg- en Veiligheidshuis")  # the participants
    page.get_by_label("Streefdatum").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Actie opslaan").click()

    expect()(page.get_by_role("status")).to_have_text("Actie toegevoegd.")
    expect()(page.get_by_role("heading", level=1)).to_have_text(re.compile(reference))
    goal_block = page.locator("#plan .cb-goal").filter(has_text=goal)
    expect()(goal_block).to_contain_text(action)
    expect()(goal_block).to_contain_text("Zorg- en Veiligheidshuis")

    # Everything on the Overzicht and the timeline, after a fresh load
    page.goto(case_url)
    expect()(page.locator(".cb-summary").filter(has_text="Journaal")).to_contain_text("1 notitie")
    open_tab(page, "Tijdlijn")
    timeline = page.locator("#timeline")
    expect()(timeline).to_contain_text(note)
    day = date.fromisoformat(yesterday)
    written = f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"  # dates in text are written out
    expect()(timeline).to_contain_text(re.compile(r"Interventie: .*op " + re.escape(written)))
    expect()(timeline).to_contain_text("Doel toegevoegd: financiën en schulden")
    expect()(timeline).to_contain_text("Actie afgesproken voor Zorg- en Veiligheidshuis Zuid-Holland Zuid")
