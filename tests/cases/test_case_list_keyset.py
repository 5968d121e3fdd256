"""The case list pages by keyset on (opened_at, id), newest first, with a capped total: the service and the screen.

Cases share opening times on purpose (several per timestamp), so only the id tiebreaker keeps
every case on exactly one page.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from casebook import pagination
from casebook.cases import services as cases
from casebook.cases.models import Case
from casebook.cases.services import CaseFilters
from casebook.db import db
from casebook.pagination import InvalidCursor, Page, PageRequest
from tests.factories import login_as, make_case, make_district, make_org, make_user
from tests.helpers import audit_events

BASE = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def west():
    return make_org("wijkteam-west", name="Sociaal wijkteam West")


def tied_cases(lead, count: int, *, times: int = 3, start: int = 0, **values) -> list[Case]:
    """``count`` cases opened at only ``times`` distinct moments."""
    made = []
    for i in range(count):
        case = make_case(lead=lead, **values)
        case.opened_at = BASE - timedelta(hours=(start + i) % times)
        made.append(case)
    db.session.flush()
    return made


def newest_first(made: list[Case]) -> list[int]:
    return [c.id for c in sorted(made, key=lambda c: (c.opened_at, c.id), reverse=True)]


def walk(user, filters: CaseFilters, per_page: int) -> list[Page[Case]]:
    pages = [cases.list_for(user, filters, PageRequest(per_page=per_page))]
    while pages[-1].next_cursor:
        pages.append(cases.list_for(user, filters, PageRequest(per_page=per_page, after=pages[-1].next_cursor)))
        assert len(pages) < 20
    return pages


def ids(page: Page[Case]) -> list[int]:
    return [c.id for c in page.items]


# -- the service ---------------------------------------------------------------------------------


def test_every_case_is_on_exactly_one_page_despite_equal_opening_times(west):
    made = tied_cases(west, 11)
    user = make_user(org=west)
    pages = walk(user, CaseFilters(), per_page=4)
    assert [len(p.items) for p in pages] == [4, 4, 3]
    assert [i for p in pages for i in ids(p)] == newest_first(made)
    assert [p.position for p in pages] == ["first", "next", "next"]
    assert pages[0].prev_cursor is None and all(p.prev_cursor for p in pages[1:])
    assert all((p.total, p.total_is_exact) == (11, True) for p in pages)


def test_backward_pages_are_the_forward_pages_in_reverse(west):
    tied_cases(west, 11)
    user = make_user(org=west)
    forward = walk(user, CaseFilters(), per_page=4)
    back = [forward[-1]]
    while back[-1].prev_cursor:
        back.append(cases.list_for(user, CaseFilters(), PageRequest(per_page=4, before=back[-1].prev_cursor)))
    assert [ids(p) for p in back] == [ids(p) for p in reversed(forward)]
    assert back[-1].is_first and back[-1].next_cursor == forward[0].next_cursor


def test_going_back_to_the_top_shows_a_full_first_page_when_cases_were_opened_meanwhile(west):
    made = tied_cases(west, 6, times=6)
    user = make_user(org=west)
    first = cases.list_for(user, CaseFilters(), PageRequest(per_page=4))
    second = cases.list_for(user, CaseFilters(), PageRequest(per_page=4, after=first.next_cursor))
    newer = tied_cases(west, 2, times=1, start=-1)  # opened an hour after the newest
    back = cases.list_for(user, CaseFilters(), PageRequest(per_page=4, before=second.prev_cursor))
    assert ids(back) == ids(first) and back.position == "previous" and back.prev_cursor
    top = cases.list_for(user, CaseFilters(), PageRequest(per_page=4, before=back.prev_cursor))
    assert top.is_first and top.prev_cursor is None
    assert ids(top) == newest_first(made + newer)[:4]


def test_filters_hold_on_every_page(west):
    wielwijk = make_district("wielwijk")
    wanted = tied_cases(west, 7, district=wielwijk)
    tied_cases(west, 5, district=make_district("crabbehof"))
    pages = walk(make_user(org=west), CaseFilters(district="wielwijk"), per_page=3)
    assert [i for p in pages for i in ids(p)] == newest_first(wanted)
    assert {p.total for p in pages} == {7}


def test_a_cursor_from_one_users_list_shows_another_user_only_their_own_cases(west):
    noord = make_org("wijkteam-noord")
    tied_cases(west, 6)
    theirs = tied_cases(noord, 6)
    west_first = cases.list_for(make_user(org=west), CaseFilters(), PageRequest(per_page=3))
    borrowed_cursor = PageRequest(per_page=10, after=west_first.next_cursor)
    borrowed = cases.list_for(make_user(org=noord), CaseFilters(), borrowed_cursor)
    cut = west_first.items[-1]
    expected = newest_first([c for c in theirs if (c.opened_at, c.id) < (cut.opened_at, cut.id)])
    assert ids(borrowed) == expected and set(ids(borrowed)) <= {c.id for c in theirs}
    assert borrowed.total == 6


@pytest.mark.parametrize(
    "asked",
    [
        PageRequest(after="nonsense"),
        PageRequest(before="AAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        PageRequest(after="x", before="y"),
    ],
    ids=["garbage", "bad-mac", "both"],
)
def test_an_invalid_cursor_is_refused_before_anything_is_read_or_audited(west, asked):
    make_case(lead=west)
    user = make_user(org=west)
    with pytest.raises(InvalidCursor):
        cases.list_for(user, CaseFilters(), asked)
    assert audit_events("case.list", actor_user_id=user.id) == []


def test_both_cursors_of_a_real_page_together_are_refused(west):
    tied_cases(west, 5)
    user = make_user(org=west)
    first = cases.list_for(user, CaseFilters(), PageRequest(per_page=2))
    second = cases.list_for(user, CaseFilters(), PageRequest(per_page=2, after=first.next_cursor))
    with pytest.raises(InvalidCursor):
        cases.list_for(user, CaseFilters(), PageRequest(after=second.next_cursor, before=second.prev_cursor))


def test_the_total_is_capped_unless_asked_exact(west, monkeypatch):
    monkeypatch.setattr(pagination, "TOTAL_CAP", 3)
    tied_cases(west, 3)
    user = make_user(org=west)
    at_cap = cases.list_for(user, CaseFilters(), PageRequest(per_page=2))
    assert (at_cap.total, at_cap.total_is_exact) == (3, True)
    tied_cases(west, 2)
    capped = cases.list_for(user, CaseFilters(), PageRequest(per_page=2))
    assert (capped.total, capped.total_is_exact) == (3, False)
    exact = cases.list_for(user, CaseFilters(), PageRequest(per_page=2, exact_total=True))
    assert (exact.total, exact.total_is_exact, len(exact.items)) == (5, True, 2)
    assert audit_events("case.list", actor_user_id=user.id)[-1].details["total"] == "exact"


def test_the_list_audits_its_position_and_never_the_cursor(west):
    tied_cases(west, 5)
    user = make_user(org=west)
    cases.list_for(user, CaseFilters(district="wielwijk"), PageRequest(per_page=2))  # a district that does not exist
    first = cases.list_for(user, CaseFilters(), PageRequest(per_page=2))
    second = cases.list_for(user, CaseFilters(), PageRequest(per_page=2, after=first.next_cursor))
    cases.list_for(user, CaseFilters(), PageRequest(per_page=2, before=second.prev_cursor))
    events = audit_events("case.list", actor_user_id=user.id)
    assert [e.details for e in events] == [
        {"filters": {"district": "(unknown)"}, "page": "first", "per_page": 2},
        {"filters": {}, "page": "first", "per_page": 2},
        {"filters": {}, "page": "next", "per_page": 2},
        {"filters": {}, "page": "previous", "per_page": 2},
    ]
    stored = json.dumps([e.details for e in events])
    assert first.next_cursor not in stored and second.prev_cursor not in stored


# -- the screen ----------------------------------------------------------------------------------


def _links(html: str) -> dict[str, str]:
    """rel → href of the pagination links, and "first" for the link to the first page."""
    nav = re.search(r'<nav class="utrecht-pagination[^"]*"[^>]*>(.*?)</nav>', html, re.DOTALL)
    found: dict[str, str] = {}
    if nav:
        for tag in re.findall(r"<a [^>]*>[^<]*</a>", nav.group(1)):
            href = re.search(r'href="([^"]+)"', tag).group(1).replace("&amp;", "&")
            rel = re.search(r'rel="(\w+)"', tag)
            found[rel.group(1) if rel else "first"] = href
    return found


def _references(html: str) -> list[str]:
    return re.findall(r'href="/cases/\d+">(PGA-\d{4}-\d{5})</a>', html)


def test_the_screen_pages_forward_and_back_keeping_the_filters(client, app, west, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    wielwijk = make_district("wielwijk")
    wanted = tied_cases(west, 7, district=wielwijk)
    tied_cases(west, 2, district=make_district("crabbehof"))
    expected = [db.session.get(Case, i).reference for i in newest_first(wanted)]
    login_as(client, make_user(org=west))
    pages = [client.get("/cases?district=wielwijk").get_data(as_text=True)]
    while "next" in _links(pages[-1]):
        link = _links(pages[-1])["next"]
        assert "district=wielwijk" in link and "after=" in link
        pages.append(client.get(link).get_data(as_text=True))
        assert len(pages) < 10
    assert [r for html in pages for r in _references(html)] == expected
    assert all("7 casussen" in html for html in pages)
    second = _links(pages[1])
    assert second["first"] == "/cases?district=wielwijk"
    assert _references(client.get(second["prev"]).get_data(as_text=True)) == _references(pages[0])
    assert "prev" not in _links(pages[0]) and "first" not in _links(pages[0])


def test_the_pagination_controls_are_pagination_links_not_buttons(client, app, west, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    tied_cases(west, 5)
    login_as(client, make_user(org=west))
    first = client.get("/cases").get_data(as_text=True)
    second = client.get(_links(first)["next"]).get_data(as_text=True)
    nav = re.search(r'<nav class="utrecht-pagination.*?</nav>', second, re.DOTALL).group(0)
    assert 'aria-label="Paginering"' in nav and "utrecht-button" not in nav
    assert nav.count("utrecht-pagination__relative-link") >= 3
    assert "utrecht-pagination__relative-link--prev" in nav and "utrecht-pagination__relative-link--next" in nav
    for label in ("Eerste pagina", "Vorige", "Volgende"):
        assert label in nav


@pytest.mark.parametrize("query", ["after=nonsense", "before=AAAA", "after=x&before=y", "after=" + "A" * 700])
def test_an_invalid_cursor_shows_the_first_page_with_a_notice(client, app, west, monkeypatch, query):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    made = tied_cases(west, 3)
    user = make_user(org=west)
    login_as(client, user)
    response = client.get(f"/cases?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Deze paginalink is niet geldig; u ziet de eerste pagina." in html
    assert _references(html) == [db.session.get(Case, i).reference for i in newest_first(made)[:2]]
    assert audit_events("case.list", actor_user_id=user.id)[-1].details["page"] == "first"


def test_a_valid_page_has_no_notice(client, west):
    make_case(lead=west)
    login_as(client, make_user(org=west))
    assert "paginalink" not in client.get("/cases").get_data(as_text=True)


def test_a_capped_total_says_more_than_and_counts_everything_on_request(client, app, west, monkeypatch):
    monkeypatch.setattr(pagination, "TOTAL_CAP", 3)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    tied_cases(west, 5)
    login_as(client, make_user(org=west))
    html = client.get("/cases").get_data(as_text=True)
    assert "meer dan 3 casussen" in html
    count_all = re.search(r'<a class="utrecht-link" href="([^"]+)">tel alles</a>', html).group(1).replace("&amp;", "&")
    assert "total=exact" in count_all
    counted = client.get(count_all).get_data(as_text=True)
    assert "5 casussen" in counted and "tel alles" not in counted
    assert "total=exact" in _links(counted)["next"]  # the count stays exact on the following pages
    second = client.get(_links(counted)["next"]).get_data(as_text=True)
    assert "5 casussen" in second


def test_counting_everything_keeps_the_page_the_reader_is_on(client, app, west, monkeypatch):
    monkeypatch.setattr(pagination, "TOTAL_CAP", 3)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    tied_cases(west, 6)
    login_as(client, make_user(org=west))
    second = client.get(_links(client.get("/cases").get_data(as_text=True))["next"]).get_data(as_text=True)
    count_all = re.search(r'href="([^"]+)">tel alles</a>', second).group(1).replace("&amp;", "&")
    assert _references(client.get(count_all).get_data(as_text=True)) == _references(second)
