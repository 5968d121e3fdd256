"""Journey: prepare a casusoverleg, put a case on it from the case page, record attendance and print
the verslag — then an invited partner who may not see the case finds neither it on the meeting page
nor in their copy of the verslag.

The procesregisseur plans a meeting for today with time, location, chair, minute-taker, the police
invited and a wijkagent by name; opens a new case (through the weegtafel, ZVH only) and agendeert it
from its Overzicht; records who was present; downloads the verslag. The wijkagent sees the meeting
(the police are invited) but not the case. No script is needed for any of it.
"""

from __future__ import annotations

import io
import re
import secrets
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.flows import choose, expect, open_case_through_the_weegtafel
from tests.browser.support import log_in

pytestmark = pytest.mark.browser

LOCATION = "Stadskantoor, zaal IJssel"


def _verslag(page) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name="Verslag afdrukken").click()
    reader = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_prepare_a_meeting_agendeer_a_case_record_attendance_and_print_the_verslag(page):
    log_in(page, "zvh.coordinator")
    reference, _family = open_case_through_the_weegtafel(page, "Overleg")
    case_url = page.url.split("#")[0].split("?")[0]

    title = f"Casusoverleg {secrets.token_hex(3)}"
    page.goto(page.url.split("/cases")[0] + "/meetings")
    page.get_by_role("link", name="Overleg plannen").click()
    page.get_by_label("Naam van het overleg").fill(title)
    page.get_by_label("Datum").fill(date.today().isoformat())
    page.get_by_label("Begintijd").fill("09:30")
    page.get_by_label("Eindtijd").fill("11:00")
    page.get_by_label("Locatie").fill(LOCATION)
    page.get_by_role("group", name="Uitgenodigde organisaties").get_by_label("Politie basisteam Dordrecht").check()
    choose(page.get_by_label("Voorzitter"), "Sanne de Wit")
    choose(page.get_by_label("Notulist"), "Mehmet Yilmaz")
    page.get_by_role("group", name="Uitgenodigde personen").get_by_label(re.compile("Wijkagent Ruud Smits")).check()
    page.get_by_role("button", name="Plannen").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text(title)
    details = page.locator("#details")
    for shown in ("09:30–11:00", LOCATION, "Sanne de Wit", "Mehmet Yilmaz", "Wijkagent Ruud Smits"):
        expect()(details).to_contain_text(shown)
    meeting_url = page.url

    page.goto(case_url)  # agenderen from the case's Overzicht
    block = page.locator("#summary-meetings")
    choose(block.get_by_label("Overleg"), title)
    block.get_by_role("button", name="Agenderen").click()
    expect()(page.get_by_role("status").filter(has_text="Geagendeerd voor")).to_be_visible()
    expect()(page.locator("#summary-meetings")).to_contain_text(title)

    page.goto(meeting_url)
    agenda_item = page.locator(".cb-note").filter(has_text=reference)
    expect()(agenda_item).to_contain_text("Fase")
    attendance = page.get_by_role("group", name="Aanwezige personen")
    attendance.get_by_label(re.compile("Sanne de Wit")).check()
    attendance.get_by_label(re.compile("Wijkagent Ruud Smits")).check()
    page.get_by_role("button", name="Aanwezigheid vastleggen").click()
    expect()(page.get_by_role("status").filter(has_text="Aanwezigheid vastgelegd.")).to_be_visible()
    expect()(page.locator("#details")).to_contain_text("Wijkagent Ruud Smits (Politie basisteam Dordrecht) — aanwezig")
    chair_copy = _verslag(page)
    assert reference in chair_copy and LOCATION in chair_copy and "aanwezig" in chair_copy

    page.context.clear_cookies()
    log_in(page, "politie.caseworker")
    page.goto(meeting_url)
    expect()(page.get_by_role("heading", level=1)).to_contain_text(title)  # invited: sees the meeting
    expect()(page.get_by_text("Geen agendapunten die u kunt inzien.")).to_be_visible()
    expect()(page.locator("main")).not_to_contain_text(reference)
    police_copy = _verslag(page)
    assert LOCATION in police_copy and reference not in police_copy
