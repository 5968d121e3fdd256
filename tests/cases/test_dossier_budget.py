"""The dossier's summary and flags cost the case page at most two statements, whatever the case holds.

Counted as in ``tests/scale/test_statement_budget.py`` (its fixtures and helpers): the page over a
case with a summary and flags, with and without the dossier's read.
"""

from __future__ import annotations

import pytest

from casebook.auth.models import Role
from casebook.cases import dossier, dossier_changes
from casebook.cases.models import Case
from casebook.db import db
from tests.factories import login_as, make_user
from tests.scale import test_statement_budget as budget
from tests.scale.test_statement_budget import CASE_PAGE_BUDGET, case_page, grow, within_budget

lead, coordinator, case = budget.lead, budget.coordinator, budget.case  # the budget test's fixtures

EXTRA_STATEMENTS = 2


def _with_dossier(page_case: Case, by) -> None:
    case, coordinator = db.session.get(Case, page_case.id), by
    edit = dossier_changes.SummaryEdit(problem_analysis="Schulden en overlast.", help_request="Hulp bij schulden.")
    dossier_changes.update_summary(case, edit, by=coordinator, expected_version=case.version)
    dossier_changes.set_flags(case, ["wapenbezit", "zorgmijder"], by=coordinator, expected_version=case.version)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SUPERVISOR])
def test_the_dossier_costs_the_case_page_at_most_two_statements(client, case, coordinator, lead, monkeypatch, role):
    grow(case, coordinator, to=3)
    _with_dossier(case, coordinator)
    viewer = coordinator if role is Role.COORDINATOR else make_user(org=lead, roles=[role])
    login_as(client, viewer)
    with_dossier, events = case_page(client, case)
    assert events["case.dossier.view"] == 1
    monkeypatch.setattr(dossier, "summary_flags_for", lambda user, case: None)
    without, _ = case_page(client, case)
    assert len(with_dossier.reads) - len(without.reads) <= EXTRA_STATEMENTS, with_dossier.report()
    within_budget(with_dossier, with_dossier, CASE_PAGE_BUDGET, "case page with its dossier", "total")
