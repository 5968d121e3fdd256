"""The destruction-list screens cost a fixed number of statements, however long the list.

Counted as in ``tests/scale/test_statement_budget.py`` (its helpers): a list of one case and one of
six, each with its person, after both approvals (so the approvers are shown too).
"""

from __future__ import annotations

import pytest

from casebook.retention import plan
from tests.factories import login_as, make_person
from tests.retention.support import AS_OF, approved, closed_case, privacy_officer
from tests.scale.test_statement_budget import PARTS, get, within_budget

LIST_PAGE_BUDGET = 15


def _list_of(cases: int) -> int:
    for _ in range(cases):
        closed_case(subjects=[make_person("Kok")])
    return approved(plan.draw_up(AS_OF)).id


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("page", ["detail", "index"])
def test_the_list_pages_have_a_fixed_budget(client, part, page):
    login_as(client, privacy_officer())
    small_id = _list_of(1)
    small, _ = get(client, f"/retention/{small_id}" if page == "detail" else "/retention")
    large_id = _list_of(6)
    large, _ = get(client, f"/retention/{large_id}" if page == "detail" else "/retention")
    within_budget(small, large, LIST_PAGE_BUDGET, f"destruction list {page}", part)
