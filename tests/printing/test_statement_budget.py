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
