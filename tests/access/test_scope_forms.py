"""The two forms of ``case_scope`` (``ScopeForm``) are one definition of who is in scope: for every
role and relation of the authorisation matrix, at both levels, both select exactly the same cases —
also with the case list's filters joined in, and for the capped count as the case list takes it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.access import Action, scope
from casebook.access.scope import ScopeForm, case_scope, count_form
from casebook.cases import services as cases
from casebook.cases.models import Case, CaseType
from casebook.db import db
from casebook.pagination import PageRequest
from tests.access.test_matrix import LEVELS, RELATIONS, ROLES, build_cell, expected
from tests.factories import make_case, make_user


def _selected(user, form: ScopeForm, *, join_type: bool = False) -> set[int]:
    query = select(Case.id).where(case_scope(user, form=form))
    if join_type:  # a caller's join of case_type must not be taken for the break-the-glass source's
        query = query.join(Case.case_type).where(CaseType.restricted.is_(False))
    return set(db.session.scalars(query))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_both_forms_select_the_same_cases(role, relation, level):
    user, case = build_cell(role, relation, level)
    _, unrelated = build_cell(role, "other_org", "within_max")  # another case, out of everyone's reach
    allowed = expected(role, relation, level, Action.LIST_CASES)
    for join_type in (False, True):
        by_exists = _selected(user, ScopeForm.EXISTS, join_type=join_type)
        by_in = _selected(user, ScopeForm.IN, join_type=join_type)
        assert by_exists == by_in == ({case.id} if allowed else set())
    assert unrelated.id not in by_exists


def test_the_count_form_follows_the_organisations_size(monkeypatch):
    user, _case = build_cell("caseworker", "lead", "within_max")
    assert count_form(user) is ScopeForm.IN  # one participation: a small organisation
    make_case(lead=user.organisation, type="matrix")
    monkeypatch.setattr(scope, "SMALL_REACH", 1)
    assert count_form(user) is ScopeForm.EXISTS  # two participations, above the (lowered) mark
    assert count_form(make_user(org=user.organisation, roles=["admin"])) is ScopeForm.EXISTS  # no case role


@pytest.mark.parametrize("relation", ("lead", "named_user", "break_glass", "former"))
def test_the_case_list_counts_what_it_lists_in_either_form(relation, monkeypatch):
    user, case = build_cell("coordinator", relation, "within_max")
    for form in ScopeForm:
        monkeypatch.setattr(cases, "count_form", lambda _user, form=form: form)
        page = cases.list_for(user, cases.CaseFilters(), PageRequest(per_page=100))
        listed = {c.id for c in page.items}
        assert page.total == len(listed) == (0 if relation == "former" else 1)
        assert (case.id in listed) is (relation != "former")
