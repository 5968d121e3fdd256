"""Journey: steer the plan of a case. Add two goals and an action, edit the action and move it to
the other goal (its history shows the old text and the move), then record an evaluation whose next
date appears on the plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.flows import choose, expect, open_case_through_the_weegtafel, open_tab
from tests.browser.support import DUTCH_MONTHS, log_in

pytestmark = pytest.mark.browser


def _add_goal(page, domain: str, text: str) -> None:
    page.get_by_role("link", name="Doel toevoegen").click()
    plan = page.locator("#plan")
    plan.get_by_label("Leefgebied").select_option(label=domain)
    plan.get_by_label("Doel", exact=True).fill(text)
    plan.get_by_role("button", name="Doel toevoegen").click()
    expect()(page.get_by_role("status")).to_have_text("Doel toegevoegd.")


def test_edit_and_move_an_action_and_record_an_evaluation(page):
    log_in(page, "zvh.coordinator", next_path="/")
    open_case_through_the_weegtafel(page, "Sturing")
    open_tab(page, "Plan")
    housing, finances = "Een vaste woonplek binnen twee maanden.", "Schulden in beeld met een regeling."
    _add_goal(page, "wonen", housing)
    _add_goal(page, "financiën en schulden", finances)

    page.locator("#plan .cb-goal").filter(has_text=housing).get_by_role("link", name="Actie toevoegen").click()
    page.get_by_label("Actie").fill("Aanmelden bij de woningcorporatie.")
    choose(page.get_by_label("Eigenaar (organisatie)"), "Zorg- en Veiligheidshuis")
    page.get_by_label("Streefdatum").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Actie opslaan").click()
    expect()(page.get_by_role("status")).to_have_text("Actie toegevoegd.")

    # Edit the action: a sharper description and a later date
    page.get_by_role("link", name="Actie wijzigen of verplaatsen").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text("Actie wijzigen")
    page.get_by_label("Actie").fill("Aanmelden bij de woningcorporatie, samen met de betrokkene.")
    page.get_by_label("Streefdatum").fill((date.today() + timedelta(days=45)).isoformat())
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect()(page.get_by_role("status")).to_have_text("Actie gewijzigd.")

    # Move it to the finances goal
    page.get_by_role("link", name="Actie wijzigen of verplaatsen").click()
    choose(page.get_by_label("Naar doel"), "financiën en schulden")
    page.get_by_role("button", name="Verplaats actie").click()
    expect()(page.get_by_role("status")).to_have_text("Actie verplaatst.")
    finances_block = page.locator("#plan .cb-goal").filter(has_text=finances)
    expect()(finances_block).to_contain_text("samen met de betrokkene")
    history = finances_block.locator("details.cb-history")
    history.locator("summary").click()
    expect()(history).to_contain_text("Aanmelden bij de woningcorporatie.")  # the old text, kept
    expect()(history).to_contain_text("verplaatst: wonen → financiën en schulden")

    # Record an evaluation
    page.get_by_role("link", name="Evaluatie vastleggen").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text("Evaluatie vastleggen")
    page.get_by_label("Datum van de evaluatie").fill(date.today().isoformat())
    for goal in page.locator(".cb-evaluation-goal").all():
        goal.get_by_label("Voortgang").select_option(label="enige voortgang")
    page.locator(".cb-evaluation-goal").first.get_by_label("Toelichting").fill("Intake gepland.")
    page.get_by_label("Besluit").select_option(label="plan bijstellen")
    next_on = date.today() + timedelta(days=42)
    page.get_by_label("Volgende evaluatie").fill(next_on.isoformat())
    page.get_by_role("button", name="Evaluatie vastleggen").click()

    expect()(page.get_by_role("status")).to_have_text("Evaluatie vastgelegd.")
    evaluation = page.locator("#plan .cb-evaluation").first
    expect()(evaluation).to_contain_text("plan bijstellen")
    expect()(evaluation).to_contain_text("Intake gepland.")
    written = f"{next_on.day} {DUTCH_MONTHS[next_on.month - 1]} {next_on.year}"
    expect()(page.locator("#plan .cb-meta").first).to_contain_text(written)
