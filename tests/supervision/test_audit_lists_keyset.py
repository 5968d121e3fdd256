"""The audit log, a user's history and a case's "who accessed" page by keyset on (occurred_at, id), newest
first, with a capped total; in the queries and on the supervisor screens.

Events are recorded at one frozen moment on purpose, so only the id keeps each on exactly one page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from casebook import audit, pagination
from casebook.audit.models import AuditEvent
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.pagination import InvalidCursor, PageRequest
from casebook.supervision import queries as trail
from casebook.supervision.queries import AuditFilters
from tests.factories import login_as, make_case, make_org, make_user
from tests.helpers import audit_events

FROZEN = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(monkeypatch):
    zvh, police = make_org("zvh-k", name="ZVH"), make_org("politie-k", name="Politie")
    gemeente = make_org("gemeente-k", kind=OrganisationKind.MUNICIPALITY, name="Gemeente")
    worker = make_user("zvh.worker.k", org=zvh)
    police_worker = make_user("politie.worker.k", org=police)
    case, police_case = make_case(lead=zvh), make_case(lead=police)
    with monkeypatch.context() as frozen:
        frozen.setattr(audit, "utcnow", lambda: FROZEN)
        for _ in range(5):
            audit.record(worker, "case.view", case)
            audit.record(police_worker, "case.view", police_case)
        for _ in range(3):
            audit.record(worker, "case.list")
    db.session.commit()  # events reach the trail when their transaction commits
    return {
        "worker": worker,
        "police_worker": police_worker,
        "case": case,
        "supervisor": make_user("zvh.sup.k", org=zvh, roles=["supervisor"]),
        "gemeente_supervisor": make_user("gemeente.sup.k", org=gemeente, roles=["supervisor"]),
    }


def newest_first(*conditions) -> list[int]:
    query = select(AuditEvent.id).where(*conditions).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    return list(db.session.scalars(query))


def walk(read, per_page: int) -> list:
    """Follow ``next_cursor`` from the first page; ``read(PageRequest) -> Page``."""
    pages = [read(PageRequest(per_page=per_page))]
    while pages[-1].next_cursor:
        pages.append(read(PageRequest(per_page=per_page, after=pages[-1].next_cursor)))
        assert len(pages) < 20
    return pages


def event_ids(pages) -> list[int]:
    return [e.id for p in pages for e in p.items]


# -- the queries ---------------------------------------------------------------------------------


def test_the_log_shows_every_event_once_across_pages_despite_equal_times(world):
    filters = AuditFilters(username="zvh.worker.k")
    pages = walk(lambda page: trail.search(world["supervisor"], filters, page).page, per_page=3)
    assert event_ids(pages) == newest_first(AuditEvent.actor_user_id == world["worker"].id)
    assert [len(p.items) for p in pages] == [3, 3, 2] and {p.total for p in pages} == {8}


def test_the_filters_hold_on_every_page(world):
    filters = AuditFilters(action="case.view")
    pages = walk(lambda page: trail.search(world["gemeente_supervisor"], filters, page).page, per_page=4)
    assert event_ids(pages) == newest_first(AuditEvent.action == "case.view")
    assert len(event_ids(pages)) == 10


def test_a_cursor_from_a_wider_trail_shows_a_supervisor_only_their_own_scope(world):
    """The municipality sees every organisation; the ZVH supervisor, given its cursor, still sees only ZVH's."""
    wide = trail.search(world["gemeente_supervisor"], AuditFilters(action="case.view"), PageRequest(per_page=2))
    narrow = trail.search(
        world["supervisor"], AuditFilters(action="case.view"), PageRequest(per_page=50, after=wide.page.next_cursor)
    )
    actors = {e.actor_username for e in narrow.page.items}
    assert actors == {"zvh.worker.k"} and narrow.page.total == 5


def test_user_and_case_history_page_without_gaps_or_repeats(world):
    supervisor, worker, case = world["supervisor"], world["worker"], world["case"]
    user_pages = walk(lambda page: trail.user_history(supervisor, worker.id, page)[1].page, per_page=3)
    assert event_ids(user_pages) == newest_first(AuditEvent.actor_user_id == worker.id)
    # reading a case's trail adds to it: the events of the walk itself come after its first page
    on_the_case = newest_first(AuditEvent.case_id == case.id)
    case_pages = walk(lambda page: trail.case_history(supervisor, case.id, page)[2].page, per_page=2)
    assert event_ids(case_pages) == on_the_case
    events = audit_events("audit.case.view", actor_user_id=supervisor.id)
    assert [e.details for e in events] == [{"page": "first", "per_page": 2}] + [{"page": "next", "per_page": 2}] * 2


def test_an_invalid_cursor_is_refused_before_the_trail_is_read(world):
    supervisor = world["supervisor"]
    before = len(audit_events(actor_user_id=supervisor.id))
    with pytest.raises(InvalidCursor):
        trail.search(supervisor, AuditFilters(), PageRequest(after="nonsense"))
    with pytest.raises(InvalidCursor):
        trail.user_history(supervisor, world["worker"].id, PageRequest(before="nonsense"))
    with pytest.raises(InvalidCursor):
        trail.case_history(supervisor, world["case"].id, PageRequest(after="a", before="b"))
    assert len(audit_events(actor_user_id=supervisor.id)) == before


def test_the_total_is_capped_unless_asked_exact(world, monkeypatch):
    monkeypatch.setattr(pagination, "TOTAL_CAP", 4)
    supervisor = world["supervisor"]
    capped = trail.search(supervisor, AuditFilters(username="zvh.worker.k"), PageRequest(per_page=2)).page
    assert (capped.total, capped.total_is_exact) == (4, False)
    exact = trail.search(
        supervisor, AuditFilters(username="zvh.worker.k"), PageRequest(per_page=2, exact_total=True)
    ).page
    assert (exact.total, exact.total_is_exact) == (8, True)
    assert audit_events("audit.list", actor_user_id=supervisor.id)[-1].details == {
        "filters": {"username": "zvh.worker.k"},
        "page": "first",
        "per_page": 2,
        "total": "exact",
    }


# -- the screens ---------------------------------------------------------------------------------


def _links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="utrecht-pagination[^"]*"[^>]*>(.*?)</nav>', html, re.DOTALL)
    found: dict[str, str] = {}
    for tag in re.findall(r"<a [^>]*>[^<]*</a>", nav.group(1) if nav else ""):
        href = re.search(r'href="([^"]+)"', tag).group(1).replace("&amp;", "&")
        rel = re.search(r'rel="(\w+)"', tag)
        found[rel.group(1) if rel else "first"] = href
    return found


def _seqs(html: str) -> list[int]:
    """The events' chain positions, in the order the events table shows them."""
    html = html.split("cb-audit-table", 1)[-1] if "cb-audit-table" in html else ""
    return [
        int(s)
        for s in re.findall(r'<td class="utrecht-table__cell">(\d+)</td>\s*<td class="utrecht-table__cell">', html)
    ]


def _follow(client, url: str) -> list[str]:
    pages = [client.get(url).get_data(as_text=True)]
    while "next" in _links(pages[-1]):
        pages.append(client.get(_links(pages[-1])["next"]).get_data(as_text=True))
        assert len(pages) < 20
    return pages


def _seq_of(ids: list[int]) -> list[int]:
    from casebook.db import db

    by_id = dict(db.session.execute(select(AuditEvent.id, AuditEvent.seq).where(AuditEvent.id.in_(ids))).all())
    return [by_id[i] for i in ids]


@pytest.mark.parametrize("screen", ["log", "user", "case"])
def test_each_audit_screen_pages_forward_to_the_end_and_back(client, app, world, monkeypatch, screen):
    monkeypatch.setitem(app.config, "AUDIT_PAGE_SIZE", 3)
    worker, case = world["worker"], world["case"]
    url, expected = {
        "log": (f"/audit/?user={worker.username}", newest_first(AuditEvent.actor_user_id == worker.id)),
        "user": (f"/audit/users/{worker.id}", newest_first(AuditEvent.actor_user_id == worker.id)),
        "case": (f"/audit/cases/{case.id}", newest_first(AuditEvent.case_id == case.id)),
    }[screen]
    login_as(client, world["supervisor"])
    pages = _follow(client, url)
    assert [s for html in pages for s in _seqs(html)] == _seq_of(expected)
    assert len(pages) > 1 and all("utrecht-pagination__relative-link--next" in html for html in pages[:-1])
    if screen == "log":
        assert all(f"user={worker.username}" in link for html in pages for link in _links(html).values())
    back = client.get(_links(pages[1])["prev"]).get_data(as_text=True)
    assert _seqs(back) == _seqs(pages[0])


@pytest.mark.parametrize(
    "path", ["/audit/?after=nonsense", "/audit/users/{user}?before=x", "/audit/cases/{case}?after=a&before=b"]
)
def test_an_invalid_cursor_on_an_audit_screen_shows_the_first_page_with_a_notice(client, world, path):
    login_as(client, world["supervisor"])
    response = client.get(path.format(user=world["worker"].id, case=world["case"].id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Deze paginalink is niet geldig; u ziet de eerste pagina." in html and _seqs(html)


def test_a_capped_count_on_the_log_says_more_than_with_a_link_that_counts(client, world, monkeypatch):
    monkeypatch.setattr(pagination, "TOTAL_CAP", 4)
    login_as(client, world["supervisor"])
    html = client.get("/audit/?user=zvh.worker.k").get_data(as_text=True)
    assert "meer dan 4 gebeurtenissen" in html
    link = re.search(r'href="([^"]+)">tel alles</a>', html).group(1).replace("&amp;", "&")
    assert "user=zvh.worker.k" in link and "total=exact" in link
    assert "8 gebeurtenissen" in client.get(link).get_data(as_text=True)


def test_the_export_link_carries_the_filters_but_no_cursor_or_count(client, app, world, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_PAGE_SIZE", 3)
    login_as(client, world["supervisor"])
    first = client.get("/audit/?user=zvh.worker.k&total=exact").get_data(as_text=True)
    second = client.get(_links(first)["next"]).get_data(as_text=True)
    export = re.search(r'href="(/audit/export\.csv[^"]*)"', second).group(1).replace("&amp;", "&")
    assert export == "/audit/export.csv?user=zvh.worker.k"
