"""Journey: the privacy officer answers "what do you hold about me and who saw it?" (AVG art. 15).

Ingrid Mulder (gemeente.privacy) sees the demo's pending inzage request on her list, registers a
new inzage request by BSN — the person of a demo case the ZVH, the police and a wijkteam opened —
sees the deadline a month after receipt, and downloads the export as JSON and as PDF: the person's
data, their case and every organisation that opened it.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.flows import expect
from tests.browser.support import log_in

pytestmark = pytest.mark.browser

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Run in the live server's environment: the BSN of the demo request's person (the demo chose them).
DEMO_BSN = """
from sqlalchemy import select
from casebook import create_app
from casebook.db import db
from casebook.subject_requests.models import SubjectRequest

app = create_app()
with app.app_context():
    print(db.session.scalar(select(SubjectRequest).order_by(SubjectRequest.id)).person.bsn)
"""


def _demo_bsn(env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", DEMO_BSN], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _downloaded(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_register_an_inzage_request_by_bsn_and_download_the_export(page, live_server):
    bsn = _demo_bsn(live_server.env)
    log_in(page, "gemeente.privacy", next_path="/subject-requests/")
    expect()(page.get_by_role("heading", level=1)).to_have_text("Verzoeken van betrokkenen")
    expect()(page.get_by_role("table").get_by_text("inzage (art. 15)").first).to_be_visible()  # the demo's

    page.get_by_role("link", name="Verzoek registreren").click()
    page.get_by_label("Soort verzoek").select_option(label="inzage (art. 15)")
    page.get_by_label("Ontvangen op").fill(date.today().isoformat())
    page.get_by_label("BSN").fill("123")  # not a BSN: the form says so and keeps the input
    page.get_by_role("button", name="Registreren").click()
    expect()(page.get_by_role("heading", name="Controleer de invoer")).to_be_visible()
    expect()(page.get_by_label("BSN")).to_have_value("123")

    page.get_by_label("BSN").fill(bsn)
    page.get_by_label("Omschrijving van het verzoek").fill("Telefonisch: wat weet u van mij en wie zag het?")
    page.get_by_role("button", name="Registreren").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text("Verzoek AVG-")
    expect()(page.get_by_test_id("deadline")).to_contain_text("nog ")

    body = json.loads(_downloaded(page, page.get_by_role("link", name="Download als JSON")))
    assert body["known"] is True and body["person"]["bsn"] == bsn
    assert body["cases"], "the demo person's case"
    recipients = {r["organisation"] for r in body["recipients"]}
    assert {"Politie basisteam Dordrecht", "Zorg- en Veiligheidshuis Zuid-Holland Zuid"} <= recipients
    assert body["processing_activities"] and all(a["legal_basis"] for a in body["processing_activities"])

    pdf = PdfReader(io.BytesIO(_downloaded(page, page.get_by_role("link", name="Download als PDF"))))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Inzage persoonsgegevens" in text and bsn in text and "Politie basisteam Dordrecht" in text
