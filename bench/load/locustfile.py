"""The simulated users (locust): each takes one account of the plan and logs in with its own session.

The mix, per user, with think time between requests: case lists and case pages most, then case
searches, person searches by BSN (POST), notes written and interventions recorded in cases the
account may write in, referrals sent (coordinators; each (case, receiver) pair of the plan once) and
incoming referrals accepted (coordinators of the receiving organisation), audit searches
(supervisors), and now and then a fresh login (a new session; it goes through the per-account
lockout and the per-address limit, both in Redis).

Writes are sent without following the redirect: a 303 with the new object's id in its Location is
an acknowledged write. What every request saw (time, type, status) and every write (kind, status,
id) is written to ``LOAD_RECORD`` when the run stops, for the checks in ``bench.load.checks``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from datetime import date

from locust import HttpUser, between, events, task

PLAN = json.load(open(os.environ["LOAD_PLAN"]))  # noqa: SIM115 - read once at import
RECORD_PATH = os.environ["LOAD_RECORD"]
_accounts = itertools.cycle(PLAN["users"])
FIRST_HANDOFF = int(os.environ.get("LOAD_FIRST_HANDOFF", "0"))  # the demo's own handoffs are left alone
_lock = threading.Lock()
# (time, name, status or 0, error class or the content type of a 5xx, milliseconds)
requests_seen: list[tuple[float, str, int, str, float]] = []
writes: list[dict] = []
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
HANDOFF_LINK = re.compile(r'href="/handoffs/(\d+)"')
CASE_LINK = re.compile(r'href="/cases/(\d+)"')
NEW_ID = {
    "note": re.compile(r"#note-(\d+)"),
    "intervention": re.compile(r"#intervention-(\d+)"),
    "handoff_sent": re.compile(r"/handoffs/(\d+)"),
}


@events.request.add_listener
def _seen(request_type, name, response_time, response_length, response=None, exception=None, **_kw):
    status = getattr(response, "status_code", 0) or 0
    detail = type(exception).__name__ if exception is not None and not status else ""
    if status >= 500:
        detail = (response.headers.get("Content-Type") or "").split(";")[0]
    with _lock:
        requests_seen.append((round(time.time(), 3), name, status, detail, round(response_time, 1)))


@events.quitting.add_listener
def _save(environment, **_kw):
    with open(RECORD_PATH, "w") as f:
        json.dump({"requests": requests_seen, "writes": writes}, f)


def _token(html: str) -> str | None:
    match = CSRF.search(html)
    return (match.group(1) or match.group(2)) if match else None


class CaseWorker(HttpUser):
    wait_time = between(float(os.environ.get("LOAD_WAIT_MIN", "0.5")), float(os.environ.get("LOAD_WAIT_MAX", "2.5")))

    def on_start(self) -> None:
        with _lock:
            self.account = next(_accounts)
        self.role = self.account["role"]
        self.pairs = list(self.account["handoffs"])
        random.shuffle(self.pairs)
        self.csrf: str | None = None
        self.login()

    # -- helpers ---------------------------------------------------------------------------------

    def login(self) -> bool:
        self.client.cookies.clear()
        self.csrf = None
        page = self.client.get("/login", name="GET /login")
        token = _token(page.text) if page.status_code == 200 else None
        if token is None:
            return False
        form = {"username": self.account["username"], "password": PLAN["password"], "csrf_token": token}
        with self.client.post("/login", data=form, name="POST /login", allow_redirects=False, catch_response=True) as r:
            if r.status_code in (302, 303):
                r.success()
            else:
                r.failure(f"login answered {r.status_code}")
                return False
        home = self.client.get("/cases", name="GET /cases")
        self.csrf = _token(home.text) if home.status_code == 200 else None
        return self.csrf is not None

    def ready(self) -> bool:
        return self.csrf is not None or self.login()

    def write(self, kind: str, path: str, form: dict, name: str, **facts) -> None:
        if not self.ready():
            return
        entry = {"kind": kind, "user": self.account["username"], "status": 0, "id": None, **facts}
        try:
            with self.client.post(
                path, data={**form, "csrf_token": self.csrf}, name=name, allow_redirects=False, catch_response=True
            ) as r:
                entry["status"] = r.status_code
                location = r.headers.get("Location", "")
                pattern = NEW_ID.get(kind)
                if r.status_code in (302, 303):
                    found = pattern.search(location) if pattern else None
                    entry["id"] = int(found.group(1)) if found else facts.get("handoff")
                    if "/login" in location:
                        entry["status"] = -r.status_code  # the session ended: not an acknowledged write
                        r.failure("session ended")
                        self.csrf = None
                    else:
                        r.success()
                elif r.status_code == 409 and kind == "handoff_accepted":
                    r.success()  # a colleague of the same organisation accepted it first: a conflict, not a fault
                elif r.status_code == 0:
                    r.failure("no response")
        finally:
            with _lock:
                writes.append(entry)

    # -- the mix ---------------------------------------------------------------------------------

    @task(10)
    def case_list(self) -> None:
        if self.ready():
            self.client.get("/cases", name="GET /cases")

    @task(10)
    def case_page(self) -> None:
        cases = self.account["note_cases"] or [c for c, _o in self.account["intervention_cases"]]
        if not cases:
            return self.case_list()
        if self.ready():
            self.client.get(f"/cases/{random.choice(cases)}", name="GET /cases/[id]")
        return None

    @task(3)
    def case_search(self) -> None:
        if self.ready():
            self.client.get("/cases", params={"q": random.choice(self.account["names"])}, name="GET /cases?q=")

    @task(3)
    def person_search(self) -> None:
        if not self.account["bsns"] or self.role == "supervisor":
            return self.case_search()
        if self.ready():
            form = {"bsn": random.choice(self.account["bsns"]), "csrf_token": self.csrf}
            self.client.post("/persons", data=form, name="POST /persons (BSN)")
        return None

    @task(4)
    def write_note(self) -> None:
        if not self.account["note_cases"]:
            return self.audit_search()
        case = random.choice(self.account["note_cases"])
        body = f"Gesprek gevoerd op {date.today():%d-%m-%Y}; afspraken vastgelegd. ({random.randint(1, 10**9)})"
        self.write("note", f"/cases/{case}/notes", {"body": body, "visibility": "shared"}, "POST /cases/[id]/notes")
        return None

    @task(2)
    def record_intervention(self) -> None:
        if not self.account["intervention_cases"]:
            return self.audit_search()
        case, organisation = random.choice(self.account["intervention_cases"])
        form = {
            "kind": str(random.choice(PLAN["intervention_kinds"])),
            "occurred_on": date.today().isoformat(),
            "organisation": str(organisation),
            "outcome": "Huisbezoek afgelegd; vervolgafspraak gemaakt.",
        }
        self.write("intervention", f"/cases/{case}/interventions", form, "POST /cases/[id]/interventions")
        return None

    @task(2)
    def send_referral(self) -> None:
        if self.role != "coordinator" or not self.pairs:
            return self.case_page()
        case, receiver = self.pairs.pop()
        form = {
            "kind": "referral",
            "receiver": str(receiver),
            "receiver_involvement": "contributor",
            "summary": "Graag uw inzet bij deze casus; zie de afspraken in het plan.",
            "legal_basis": PLAN["legal_basis"],
            "person_informed": "yes",
            "plan_action": "",
        }
        self.write(
            "handoff_sent", f"/cases/{case}/handoffs/new", form, "POST /cases/[id]/handoffs/new",
            case=case, receiver=receiver,
        )  # fmt: skip
        return None

    @task(3)
    def accept_referral(self) -> None:
        if self.role != "coordinator":
            return self.case_list()
        if not self.ready():
            return None
        inbox = self.client.get("/handoffs", name="GET /handoffs")
        if inbox.status_code != 200:
            return None
        # the incoming section only: the notices above it link to referrals this organisation sent
        incoming = inbox.text.split('id="outgoing-title"')[0].split('id="incoming-title"')[-1]
        pending = sorted({int(h) for h in HANDOFF_LINK.findall(incoming) if int(h) >= FIRST_HANDOFF})
        if pending:
            handoff = random.choice(pending)
            self.write(
                "handoff_accepted", f"/handoffs/{handoff}/accept", {"process_coordinator": ""},
                "POST /handoffs/[id]/accept", handoff=handoff,
            )  # fmt: skip
        return None

    @task(2)
    def audit_search(self) -> None:
        if self.role != "supervisor":
            return self.case_search()
        if self.ready():
            if random.random() < 0.5:
                subject = random.choice(PLAN["users"])["username"]
                self.client.get("/audit/", params={"user": subject}, name="GET /audit/?user=")
            else:
                self.client.get("/audit/", params={"action": "note.add"}, name="GET /audit/?action=")
        return None

    @task(1)
    def fresh_login(self) -> None:
        self.login()
