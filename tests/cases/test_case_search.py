"""Finding cases: references in any spelling, family names through the blind index (particles
folded), only within the policy's scope; sorting with keyset pages; "mine"; open/closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.auth.models import Role
from casebook.cases import search
from casebook.cases import services as cases
from casebook.cases.search import SearchKind, SearchRefused, canonical_reference
from casebook.cases.services import CaseFilters
from casebook.cases.sorting import SORT_COLUMNS, CaseSort, UnknownSort
from casebook.db import db, utcnow
from casebook.pagination import InvalidCursor, PageRequest
from tests.factories import make_case, make_district, make_org, make_person, make_user
from tests.helpers import last_event

ALL = CaseFilters(state="all")


@pytest.mark.parametrize(
    "typed", ["pga-2026-49", "PGA-2026-00049", "2026-00049", "2026-49", " PGA 2026 49 ", "pga-2026/049"]
)
def test_every_spelling_of_a_reference_is_canonical(typed):
    assert canonical_reference(typed) == ("PGA-2026-00049", True)


@pytest.mark.parametrize("typed", ["PGA-2026", "2026", "pga-2026-"])
def test_a_year_alone_is_a_prefix(typed):
    assert canonical_reference(typed) == ("PGA-2026-", False)


@pytest.mark.parametrize("typed", ["Jansen", "49", "PGA-2026-123456", "PGA-2026-0", "%", "2026-49-1"])
def test_other_terms_are_no_reference(typed):
    assert canonical_reference(typed) is None


@pytest.mark.parametrize(
    "typed", ["%", "_", "\\", "'\"", "   ", "J", "x" * 101, "123456782", "1234 56 782", "12345678"]
)
def test_bad_terms_are_refused_with_a_message(typed):
    with pytest.raises(SearchRefused) as refused:
        search.parse(typed)
    assert typed.strip() not in str(refused.value.message) or not typed.strip()


def test_a_bsn_is_refused_as_a_bsn():
    with pytest.raises(SearchRefused) as refused:
        search.parse("123.456.782")
    assert refused.value.bsn


@pytest.fixture
def team():
    org = make_org()
    return org, make_user(org=org, roles=[Role.CASEWORKER])


def _refs(page) -> list[str]:
    return [case.reference for case in page.items]


def test_search_by_reference_finds_exactly_that_case_or_a_years_cases(team):
    org, user = team
    first, second = make_case(lead=org), make_case(lead=org)
    number = int(first.reference.rsplit("-", 1)[1])
    year = first.reference.split("-")[1]
    found = cases.list_for(user, ALL, search=search.parse(f"{year}-{number}"))
    assert _refs(found) == [first.reference]
    assert sorted(_refs(cases.list_for(user, ALL, search=search.parse(f"pga-{year}")))) == sorted(
        [first.reference, second.reference]
    )
    assert last_event("case.list").details["search"] == "reference"


def test_search_by_family_name_folds_particles_and_finds_parts(team):
    org, user = team
    el_khatib = make_case(lead=org, subjects=[make_person("El Khatib")])
    de_vries = make_case(lead=org, subjects=[make_person("de Vries")])
    double = make_case(lead=org, subjects=[make_person("Jansen-de Vries")])
    make_case(lead=org, subjects=[make_person("Khatibi")])

    def found(term: str) -> set[str]:
        return set(_refs(cases.list_for(user, ALL, search=search.parse(term))))

    assert found("Khatib") == {el_khatib.reference}
    assert found("al-khatib") == {el_khatib.reference}
    assert found("Vries") == {de_vries.reference, double.reference}
    assert found("Jansen") == {double.reference}
    event = last_event("case.list")
    assert event.details["search"] == "name" and "Jansen" not in str(event.details).title()


def test_the_search_only_narrows_the_scope_a_hidden_persons_case_is_never_found(team):
    _org, user = team
    hidden = make_case(lead=make_org(), subjects=[make_person("El Khatib")])  # another organisation's
    assert cases.list_for(user, ALL, search=search.parse("Khatib")).total == 0
    assert cases.list_for(user, ALL, search=search.parse(hidden.reference)).total == 0


def test_a_supervisor_may_not_search_by_name_but_by_reference(team):
    org, _user = team
    case = make_case(lead=org, subjects=[make_person("El Khatib")])
    supervisor = make_user(org=org, roles=[Role.SUPERVISOR])
    with pytest.raises(SearchRefused):
        cases.list_for(supervisor, ALL, search=search.parse("Khatib"))
    assert _refs(cases.list_for(supervisor, ALL, search=search.parse(case.reference))) == [case.reference]


def test_closed_cases_are_hidden_unless_asked_and_mine_is_the_one_definition(team):
    org, user = team
    open_case, closed, mine = make_case(lead=org), make_case(lead=org), make_case(lead=org)
    closed.closed_at = utcnow()
    mine.process_coordinator_id = user.id
    db.session.flush()
    assert set(_refs(cases.list_for(user, CaseFilters(state="open")))) == {open_case.reference, mine.reference}
    assert _refs(cases.list_for(user, CaseFilters(state="closed"))) == [closed.reference]
    assert len(cases.list_for(user, ALL).items) == 3
    assert _refs(cases.list_for(user, CaseFilters(state="all", mine=True))) == [mine.reference]
    assert last_event("case.list").details["filters"]["mine"] == "yes"


def test_sort_parses_known_columns_only():
    assert str(CaseSort.parse("-opened_at")) == "-opened_at"
    assert CaseSort.parse(None) == CaseSort()
    for bad in ("name", "-", "--reference", "reference;drop", "x" * 40):
        with pytest.raises(UnknownSort):
            CaseSort.parse(bad)
        assert CaseSort.parse_or_default(bad) == CaseSort()


@pytest.mark.parametrize("column", SORT_COLUMNS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_pages_through_every_case_once(team, column, descending):
    org, user = team
    districts = [make_district(f"sort-wijk-{i}") for i in range(3)]
    for i in range(7):
        case = make_case(lead=org, district=districts[i % 3] if i % 4 else None)
        case.next_evaluation_on = date(2027, 1, 1) + timedelta(days=i % 3) if i % 2 else None
    db.session.flush()
    sort = CaseSort(column, descending)
    seen, page = [], cases.list_for(user, ALL, PageRequest(per_page=3), sort=sort)
    seen += page.items
    while page.next_cursor:
        page = cases.list_for(user, ALL, PageRequest(per_page=3, after=page.next_cursor), sort=sort)
        seen += page.items
    assert len(seen) == len({c.id for c in seen}) == 7
    back = cases.list_for(user, ALL, PageRequest(per_page=3, before=page.prev_cursor), sort=sort)
    assert back.items and all(c in seen for c in back.items)
    if column == "reference":
        refs = [c.reference for c in seen]
        assert refs == sorted(refs, reverse=descending)


def test_a_cursor_is_bound_to_its_sort(team):
    org, user = team
    for _ in range(3):
        make_case(lead=org)
    page = cases.list_for(user, ALL, PageRequest(per_page=1), sort=CaseSort("reference", False))
    with pytest.raises(InvalidCursor):
        cases.list_for(user, ALL, PageRequest(per_page=1, after=page.next_cursor), sort=CaseSort("reference", True))
    assert last_event("case.list").details["sort"] == "reference"


def test_search_kinds_are_tokens_for_the_audit():
    assert {str(kind) for kind in SearchKind} == {"reference", "name"}
