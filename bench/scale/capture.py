"""The SQL each measured page runs, captured from one real request of the real app.

The request goes through ``create_app`` and the Flask test client (the real login form, the real
token), with a ``before_cursor_execute`` listener on the app's engine. The floor replays the
reading statements it captured, so the floor follows the app whenever a page's SQL changes.
Writes (audit events, session bookkeeping) and the chain's lock are not replayed: the floor
is what the page's reads cost on a bare Flask + SQLAlchemy stack, not a second writer on the chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass(frozen=True)
class Endpoint:
    """One measured page: who asks what."""

    name: str
    method: str
    path: str
    user: str  # a session of ``SESSIONS`` ("html", "supervisor", "municipality") or "api" (bearer token)
    form: dict[str, str] = field(default_factory=dict)  # POST fields besides the CSRF token
    csrf_page: str | None = None  # GET this page once for the form's CSRF token


# The report pages, each read by the gemeente's supervisor (the whole municipality) and by the ZVH's
# coordinator (the cases the ZVH coordinates); the default period (the last 12 months) except the
# yearly overview, which shows the seeded data's last year.
REPORT_PAGES = ("caseload", "throughput", "signals", "interventions", "results", "yearly")
REPORT_READERS = (("gemeente", "municipality"), ("zvh", "html"))
REPORT_YEAR = 2026
# Who logs in for which sessions: (session, fixture naming the user, default for a database kept
# before the fixture existed).
SESSIONS = (
    ("html", "html_user", None),
    ("supervisor", "supervisor", None),
    ("municipality", "municipality_user", "gemeente.supervisor"),
)


def session_user(fixtures: dict[str, Any], session: str) -> str:
    for name, fixture, default in SESSIONS:
        if name == session:
            return fixtures.get(fixture) or default
    raise KeyError(session)


def endpoints(fixtures: dict[str, Any]) -> list[Endpoint]:
    pages = [
        Endpoint("case_list_html", "GET", "/cases", "html"),
        Endpoint("case_list_api", "GET", "/api/v1/cases", "api"),
        Endpoint("case_page_50_notes", "GET", f"/cases/{fixtures['bench_case_id']}", "html"),
        Endpoint("audit_search_by_case", "GET", f"/audit/?case={fixtures['bench_case_reference']}", "supervisor"),
        Endpoint("audit_search_by_user", "GET", f"/audit/?user={fixtures['audit_subject']}", "supervisor"),
        Endpoint("person_search_bsn", "POST", "/persons", "html", {"bsn": fixtures["bsn"]}, csrf_page="/persons"),
    ]
    for report in REPORT_PAGES:
        query = f"?year={REPORT_YEAR}" if report == "yearly" else ""
        for reader, session in REPORT_READERS:
            pages.append(Endpoint(f"report_{report}_{reader}", "GET", f"/reports/{report}{query}", session))
    return pages


def selected(fixtures: dict[str, Any], patterns: tuple[str, ...] = ()) -> list[Endpoint]:
    """The endpoints whose name matches one of ``patterns`` (shell-style, e.g. ``report_*``); all without."""
    from fnmatch import fnmatchcase

    every = endpoints(fixtures)
    return [e for e in every if not patterns or any(fnmatchcase(e.name, p) for p in patterns)]


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1) or match.group(2)


def is_read(statement: str) -> bool:
    head = statement.lstrip().upper()
    return (
        head.startswith(("SELECT", "WITH"))
        and "PG_ADVISORY" not in head
        and " FOR UPDATE" not in head
        and "INSERT " not in head
        and "UPDATE " not in head
    )


def capture(
    settings: dict[str, Any], password: str, api_token: str, fixtures: dict[str, Any], patterns: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Per endpoint: the status of the captured request and the reading statements it ran, in order.

    :raises RuntimeError: a login failed or a page did not answer 200 (the benchmark would be meaningless).
    """
    from casebook import create_app
    from casebook.db import db

    app = create_app({**settings, "WTF_CSRF_ENABLED": True})
    clients = {}
    with app.app_context():
        engine = db.engine
    for role, _fixture, _default in SESSIONS:
        username = session_user(fixtures, role)
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        if response.status_code not in (302, 303):
            raise RuntimeError(f"login of {username} answered {response.status_code}")
        clients[role] = client
    clients["api"] = app.test_client()

    captured: list[tuple[str, Any]] = []
    recording = False

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if recording and not executemany:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    result: dict[str, Any] = {}
    try:
        for endpoint in selected(fixtures, patterns):
            client = clients[endpoint.user]
            token = csrf_token(client.get(endpoint.csrf_page).get_data(as_text=True)) if endpoint.csrf_page else ""
            for attempt in ("warm-up", "capture"):
                captured.clear()
                recording = attempt == "capture"
                response = request(client, endpoint, api_token, token)
                recording = False
                if response.status_code != 200:
                    raise RuntimeError(f"{endpoint.name} answered {response.status_code} ({attempt})")
            reads = [(s, p) for s, p in captured if is_read(s)]
            result[endpoint.name] = {"statements": len(captured), "reads": reads}
    finally:
        recording = False
        event.remove(engine, "before_cursor_execute", listener)
    return result


def request(client: Any, endpoint: Endpoint, api_token: str, token: str) -> Any:
    headers = {"Authorization": f"Bearer {api_token}"} if endpoint.user == "api" else {}
    if endpoint.method == "GET":
        return client.get(endpoint.path, headers=headers)
    return client.post(endpoint.path, data={**endpoint.form, "csrf_token": token}, headers=headers)
