"""The API's lists page by keyset: `next` (and `prev`) links with an opaque cursor, `total` capped with
`total_is_exact`, and a 400 `invalid-cursor` problem for a cursor the list did not issue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from casebook import pagination
from casebook.cases.models import Case
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from tests.api.support import assert_problem, make_world
from tests.factories import bearer, make_api_token, make_case, make_note, make_org, make_signal, make_user
from tests.helpers import audit_events

BASE = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def world():
    return make_world()


def tied_cases(lead, count: int) -> list[Case]:
    made = []
    for i in range(count):
        case = make_case(lead=lead)
        case.opened_at = BASE - timedelta(hours=i % 3)
        made.append(case)
    db.session.flush()
    return made


def follow(client, url: str, headers) -> list[dict]:
    pages = [client.get(url, headers=headers)]
    assert pages[-1].status_code == 200, pages[-1].json
    while pages[-1].json["next"]:
        pages.append(client.get(pages[-1].json["next"], headers=headers))
        assert pages[-1].status_code == 200, pages[-1].json
        assert len(pages) < 20
    return [p.json for p in pages]


def test_next_is_followed_to_the_end_and_prev_leads_back(client, world):
    lead = world.user("coordinator").organisation
    made = [*tied_cases(lead, 7), world.case]
    headers = world.headers("coordinator")
    pages = follow(client, "/api/v1/cases?per_page=3&type=youth", headers)
    expected = [c.id for c in sorted(made, key=lambda c: (c.opened_at, c.id), reverse=True)]
    assert [item["id"] for p in pages for item in p["items"]] == expected
    assert [(p["total"], p["total_is_exact"], p["per_page"]) for p in pages] == [(8, True, 3)] * 3
    assert pages[0]["prev"] is None and all(p["prev"] for p in pages[1:])
    query = parse_qs(urlsplit(pages[0]["next"]).query)
    assert set(query) == {"after", "per_page", "type"} and query["type"] == ["youth"]
    back = client.get(pages[2]["prev"], headers=headers).json
    assert back["items"] == pages[1]["items"] and parse_qs(urlsplit(pages[2]["prev"]).query)["type"] == ["youth"]
    assert [e.details["page"] for e in audit_events("case.list", actor_user_id=world.user_ids["coordinator"])] == [
        "first",
        "next",
        "next",
        "previous",
    ]


def test_a_cursor_from_another_users_list_shows_only_the_callers_cases(client, world):
    tied_cases(world.user("coordinator").organisation, 5)
    police = world.user("outsider")
    theirs = tied_cases(police.organisation, 4)
    first = client.get("/api/v1/cases?per_page=2", headers=world.headers("coordinator")).json
    borrowed = client.get(first["next"], headers=world.headers("outsider")).json
    assert {item["id"] for item in borrowed["items"]} <= {c.id for c in theirs} and borrowed["total"] == 4


def test_the_total_is_capped_and_exact_on_request(client, world, monkeypatch):
    monkeypatch.setattr(pagination, "TOTAL_CAP", 3)
    tied_cases(world.user("coordinator").organisation, 4)
    headers = world.headers("coordinator")
    capped = client.get("/api/v1/cases?per_page=2", headers=headers).json
    assert (capped["total"], capped["total_is_exact"]) == (3, False)
    assert "total" not in parse_qs(urlsplit(capped["next"]).query)
    exact = client.get("/api/v1/cases?per_page=2&total=exact", headers=headers).json
    assert (exact["total"], exact["total_is_exact"]) == (5, True)
    assert parse_qs(urlsplit(exact["next"]).query)["total"] == ["exact"]
    assert client.get(exact["next"], headers=headers).json["total"] == 5


# -- every list ----------------------------------------------------------------------------------


def _lists(world) -> list[tuple[str, str]]:
    """(path, user) of every list operation, with a user who may read it."""
    case = world.case_id
    return [
        ("/api/v1/cases", "coordinator"),
        ("/api/v1/audit", "supervisor"),
        ("/api/v1/signals", "coordinator"),
        (f"/api/v1/cases/{case}/notes", "worker"),
        (f"/api/v1/cases/{case}/interventions", "worker"),
    ]


@pytest.mark.parametrize("index", range(5), ids=["cases", "audit", "signals", "notes", "interventions"])
@pytest.mark.parametrize(
    "cursor",
    ["after=nonsense", "before=" + "A" * 40, "after=x&before=y", "after=" + "A" * 600, "after=%C3%A9"],
    ids=["garbage", "unsigned", "both", "too-long", "not-ascii"],
)
def test_a_cursor_the_list_did_not_issue_is_a_400_problem(client, world, index, cursor):
    path, user = _lists(world)[index]
    body = assert_problem(client.get(f"{path}?{cursor}", headers=world.headers(user)), 400, "invalid-cursor")
    assert "cursor" in body["detail"] and "nonsense" not in body["detail"]


def test_a_cursor_of_one_list_is_refused_by_another(client, world):
    tied_cases(world.user("coordinator").organisation, 3)
    cursor = client.get("/api/v1/cases?per_page=1", headers=world.headers("coordinator")).json["next"]
    after = parse_qs(urlsplit(cursor).query)["after"][0]
    response = client.get(f"/api/v1/cases/{world.case_id}/notes?after={after}", headers=world.headers("worker"))
    assert_problem(response, 400, "invalid-cursor")


def test_every_list_operation_documents_its_cursor_parameters_and_the_400(client, world):
    document = client.get("/api/v1/openapi.json", headers=world.headers("coordinator")).json
    lists = {
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "after" for p in operation["parameters"])
    }
    assert lists == {
        ("/api/v1/cases", "get"),
        ("/api/v1/audit", "get"),
        ("/api/v1/signals", "get"),
        ("/api/v1/cases/{case_id}/notes", "get"),
        ("/api/v1/cases/{case_id}/interventions", "get"),
    }
    for path, method in lists:
        operation = document["paths"][path][method]
        assert "400" in operation["responses"], path
        names = {p["name"] for p in operation["parameters"]}
        assert {"after", "before", "per_page", "total"} <= names and "page" not in names, path
    page = document["components"]["schemas"]["CasePage"]
    assert {"total", "total_is_exact", "next", "prev"} <= set(page["required"]) and "page" not in page["properties"]
    assert "more than 1,000" in page["properties"]["total"]["description"]
    assert "invalid-cursor" in document["info"]["description"]


def test_the_audit_log_pages_newest_first(client, world):
    tied_cases(world.user("coordinator").organisation, 2)
    for _ in range(2):
        client.get("/api/v1/cases", headers=world.headers("coordinator"))
    pages = follow(client, "/api/v1/audit?per_page=2&actor=zvh.coordinator", world.headers("supervisor"))
    listed = [(item["seq"]) for p in pages for item in p["items"]]
    events = sorted(
        audit_events(actor_user_id=world.user_ids["coordinator"]), key=lambda e: (e.occurred_at, e.id), reverse=True
    )
    assert listed == [e.seq for e in events] and len(listed) >= 3
    assert all(item["actor"] == "zvh.coordinator" for p in pages for item in p["items"])


def test_the_notes_page_through_the_journal_without_reading_it_whole(client, world):
    for i in range(5):
        make_note(world.case, world.user("worker"), body=f"Notitie {i}")
    pages = follow(client, f"/api/v1/cases/{world.case_id}/notes?per_page=2", world.headers("worker"))
    assert [n["body"] for p in pages for n in p["items"]] == [f"Notitie {i}" for i in (4, 3, 2, 1, 0)]
    details = [e.details for e in audit_events("note.list", case_id=world.case_id)]
    assert details == [
        {"count": 2, "via": "api", "page": "first", "per_page": 2},
        {"count": 2, "via": "api", "page": "next", "per_page": 2},
        {"count": 1, "via": "api", "page": "next", "per_page": 2},
    ]


def test_the_interventions_page_and_keep_the_balance_over_all(client, world):
    path = f"/api/v1/cases/{world.case_id}/interventions"
    today = date.today()
    for days in (0, 0, 1, 1, 2):
        payload = {
            "kind": "gesprek",
            "occurred_on": (today - timedelta(days=days)).isoformat(),
            "organisation": "wijkteam-west",
        }
        assert client.post(path, headers=world.headers("west_worker"), json=payload).status_code == 201
    pages = follow(client, f"{path}?per_page=2", world.headers("worker"))
    listed = [(item["occurred_on"], item["id"]) for p in pages for item in p["items"]]
    assert listed == sorted(listed, reverse=True) and len(set(listed)) == 5
    assert all(p["balance"] == {"prevention": 5, "care": 0, "enforcement": 0} and p["total"] == 5 for p in pages)


def test_the_signal_queue_pages_oldest_first(client, world):
    worker = world.user("worker")
    made = []
    for i in range(5):
        made.append(make_signal(worker, received_at=BASE + timedelta(hours=i // 2)))
    pages = follow(client, "/api/v1/signals?per_page=2", world.headers("coordinator"))
    assert [s["id"] for p in pages for s in p["items"]] == [
        s.id for s in sorted(made, key=lambda s: (s.received_at, s.id))
    ]
    assert [e.details for e in audit_events("signal.list")][-1] == {"untriaged": 5, "page": "next", "per_page": 2}


def test_the_old_page_parameter_is_refused_not_ignored(client, world):
    body = assert_problem(client.get("/api/v1/cases?page=2", headers=world.headers("coordinator")), 422)
    assert [e["field"] for e in body["errors"]] == ["page"]


def test_a_supervisor_sees_no_more_events_with_a_cursor_from_a_wider_trail(client, world):
    gemeente = make_org("gemeente-x", kind=OrganisationKind.MUNICIPALITY, name="Gemeente")
    wide = make_user("gemeente.sup.x", org=gemeente, roles=["supervisor"])
    tied_cases(world.user("outsider").organisation, 2)
    for name in ("coordinator", "outsider"):
        client.get("/api/v1/cases", headers=world.headers(name))
    first = client.get("/api/v1/audit?per_page=1", headers=bearer(make_api_token(wide))).json
    narrow = client.get(first["next"], headers=world.headers("supervisor")).json
    organisations = {item["actor_organisation"] for item in narrow["items"]}
    assert organisations <= {"zvh", None} and "politie" not in organisations
    assert "politie" in {e.actor_organisation for e in audit_events()}  # the wide trail had them
