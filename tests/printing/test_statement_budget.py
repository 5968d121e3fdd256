"""The printed case file costs a fixed number of statements, however large the case.

The same case as the case page's budget (``tests/scale/test_statement_budget.py``): a handful of
every kind of data, then fifty (notes, subjects, goals with actions, interventions, participants,
meetings, handoffs). Printing reads each kind once, through the services the case page uses; a
statement per note or goal would fail here.
"""

from __future__ import annotations

import pytest

from casebook.auth.models import Role
from tests.factories import login_as, make_user
from tests.scale.test_statement_budget import (  # noqa: F401 - fixtures: the case and its coordinator
    PARTS,
    case,
    coordinator,
    get,
    grow,
    lead,
    within_budget,
)

CASE_FILE_BUDGET = 30  # 20 today (PostgreSQL and SQLite); room for contributed sections


@pytest.mark.parametrize("part", PARTS)
def test_the_case_file_has_a_fixed_budget_whatever_the_size_of_the_case(client, case, coordinator, part):  # noqa: F811
    grow(case, coordinator, to=2)
    login_as(client, coordinator)
    small, response = get(client, f"/cases/{case.id}/dossier.pdf")
    assert response.mimetype == "application/pdf"
    grow(case, coordinator, to=50)
    large, _response = get(client, f"/cases/{case.id}/dossier.pdf")
    within_budget(small, large, CASE_FILE_BUDGET, "case file PDF", part)


@pytest.mark.parametrize("part", PARTS)
def test_a_supervisors_case_file_has_the_same_budget(client, case, coordinator, lead, part):  # noqa: F811
    grow(case, coordinator, to=2)
    supervisor = make_user(org=lead, roles=[Role.SUPERVISOR])
    login_as(client, supervisor)
    small, _response = get(client, f"/cases/{case.id}/dossier.pdf")
    grow(case, coordinator, to=50)
    large, _response = get(client, f"/cases/{case.id}/dossier.pdf")
    within_budget(small, large, CASE_FILE_BUDGET, "case file PDF (supervisor)", part)


def test_the_meeting_report_reads_its_deciders_in_one_statement(client, lead, coordinator):  # noqa: F811
    """Each decided item names who decided: one statement for all of them, not one per item."""
    from datetime import date

    from casebook.meetings import services as meetings
    from tests.factories import make_case, make_meeting

    def meeting_decided_by(count: int, held_on: date) -> int:
        meeting = make_meeting(coordinator, held_on)
        for _number in range(count):
            decider = make_user(org=lead, roles=[Role.COORDINATOR])
            on_agenda = make_case(lead=lead)
            item = meetings.add_to_agenda(meeting, by=coordinator, reference=on_agenda.reference)
            meetings.record_decision(item, by=decider, decision="Besloten.", expected_version=0, today=held_on)
        return meeting.id

    few, many = meeting_decided_by(2, date(2026, 11, 20)), meeting_decided_by(10, date(2026, 11, 27))
    login_as(client, coordinator)
    small, _response = get(client, f"/meetings/{few}/report.pdf")
    large, _response = get(client, f"/meetings/{many}/report.pdf")
    assert len(large.reads) == len(small.reads), f"{small.report()}\n---\n{large.report()}"
