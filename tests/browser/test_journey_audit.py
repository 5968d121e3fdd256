"""Journey: a supervisor finds what happened to a case in the audit log, filtered by its reference."""

from __future__ import annotations

import re

import pytest

from tests.browser.flows import add_note, expect, open_case_through_the_weegtafel
from tests.browser.support import log_in

pytestmark = pytest.mark.browser


def test_supervisor_finds_the_events_of_a_case_in_the_audit_log(page, browser, live_server):
    log_in(page, "zvh.coordinator", next_path="/")
    reference, _family_name = open_case_through_the_weegtafel(page, "Audit")
    add_note(page, "Telefonisch contact met de huisarts.")

    context = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    try:
        supervisor = context.new_page()
        log_in(supervisor, "zvh.supervisor", next_path="/")
        supervisor.get_by_role("link", name="Audit", exact=True).click()
        expect()(supervisor.get_by_role("heading", level=1)).to_have_text("Auditlog")
        filters = supervisor.get_by_role("search", name="Filter auditlog")
        filters.get_by_label("Casuskenmerk").fill(reference)
        filters.get_by_role("button", name="Filter").click()

        expect()(supervisor).to_have_url(re.compile(r"case=" + re.escape(reference)))
        expect()(supervisor.get_by_label("Casuskenmerk")).to_have_value(reference)
        rows = supervisor.locator("table tbody tr")
        expect()(rows.first).to_be_visible()
        expect()(supervisor.get_by_role("status")).to_have_text(re.compile(r"\d+ gebeurtenissen"))
        assert set(rows.locator("td:nth-child(5)").all_inner_texts()) == {reference}, "only this case's events"
        actions = rows.locator("td:nth-child(4)").all_inner_texts()
        for action in ("case.create", "signal.triage", "case.view", "note.add"):
            assert action in actions, f"{action} not in the audit log of {reference}: {actions}"
        note_added = rows.filter(has=supervisor.locator("code", has_text=re.compile(r"^note\.add$")))
        expect()(note_added).to_contain_text("zvh.coordinator · zvh")
        expect()(note_added).to_contain_text("toegestaan")
        expect()(rows).not_to_contain_text(["Telefonisch contact"])  # the audit log carries no case content

        supervisor.get_by_label("Handeling").fill("note.add")
        supervisor.get_by_role("button", name="Filter").click()
        expect()(supervisor.get_by_role("status")).to_have_text("1 gebeurtenis")
        expect()(rows).to_have_count(1)

        rows.first.get_by_role("link", name=reference).click()
        expect()(supervisor.get_by_role("heading", level=1)).to_contain_text(reference)
        expect()(supervisor.get_by_role("main")).to_contain_text("case.create")
    finally:
        context.close()
