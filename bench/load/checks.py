"""What a run must leave behind, checked against the database and the records of what the clients saw.

- **No server errors**: no response of 500 or above — except, in the fault run, 503 (a clean
  "temporarily unavailable" page or problem document) while a fault lasts; a 500 never.
- **Nothing acknowledged is lost**: every note, intervention and referral a client saw acknowledged
  (a 303 with the new id) is in the database, every acknowledged acceptance left its referral
  accepted. Without faults the new rows are exactly the acknowledged ones (counted); with faults a
  write whose answer was lost (a killed worker, a cut connection) may have committed, so there may be
  more rows than acknowledgements, never more than attempts.
- **No change without its event, no half-written handoff**: every new note, intervention and referral
  has its audit event (``note.add``, ``intervention.add``, ``handoff.send``), every accepted referral
  its ``handoff.accept`` event, a decider, a time and the receiver among the case's participants.
- **The audit chain verifies**: ``casebook audit verify --full``.
- **No rate-limit false positives**: no 429 for these legitimate users.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import psycopg

from bench.load.environment import libpq

TABLES = {"note": ("note", "note.add"), "intervention": ("intervention", "intervention.add")}
ACKNOWLEDGED = (302, 303)


def baseline(url: str) -> dict[str, int]:
    """The highest id of each written table before the run: what is above it is the run's."""
    with psycopg.connect(libpq(url)) as connection:
        return {
            table: connection.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
            for table in ("note", "intervention", "handoff")
        }


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))]


def request_stats(requests: list[list[Any]], seconds: float) -> dict[str, Any]:
    """Per request type: count, throughput, p50/p95/p99 (ms), statuses; and the totals."""
    by_name: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    for _at, name, status, detail, ms in requests:
        by_name[name].append(ms)
        statuses[name][str(status) if status else detail or "no response"] += 1
    out: dict[str, Any] = {}
    for name in sorted(by_name):
        values = sorted(by_name[name])
        out[name] = {
            "requests": len(values),
            "per_second": round(len(values) / seconds, 2),
            "p50_ms": round(percentile(values, 0.50), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
            "statuses": dict(statuses[name]),
        }
    every = sorted(ms for *_rest, ms in requests)
    total = Counter()
    for counts in statuses.values():
        total.update(counts)
    return {
        "per_type": out,
        "total": {
            "requests": len(every),
            "per_second": round(len(every) / seconds, 2) if seconds else None,
            "p50_ms": percentile(every, 0.5) and round(percentile(every, 0.5), 1),
            "p95_ms": percentile(every, 0.95) and round(percentile(every, 0.95), 1),
            "p99_ms": percentile(every, 0.99) and round(percentile(every, 0.99), 1),
            "statuses": dict(total),
        },
    }


def _ids(writes: list[dict], kind: str) -> tuple[set[int], int]:
    """The acknowledged ids of ``kind`` and the number of attempts without an acknowledgement."""
    acked = {w["id"] for w in writes if w["kind"] == kind and w["status"] in ACKNOWLEDGED and w["id"]}
    unanswered = sum(1 for w in writes if w["kind"] == kind and w["status"] not in ACKNOWLEDGED)
    return acked, unanswered


def database(url: str, base: dict[str, int], writes: list[dict], *, exact: bool) -> dict[str, Any]:
    """Acknowledged writes against rows, events and handoff states; ``problems`` lists each violation."""
    problems: list[str] = []
    report: dict[str, Any] = {}
    with psycopg.connect(libpq(url)) as connection:

        def ids(sql: str, *params: Any) -> set[int]:
            return {row[0] for row in connection.execute(sql, params)}

        for kind, (table, action) in TABLES.items():
            acked, unanswered = _ids(writes, kind)
            rows = ids(f'SELECT id FROM "{table}" WHERE id > %s', base[table])
            eventless = ids(
                f'SELECT t.id FROM "{table}" t WHERE t.id > %s AND NOT EXISTS (SELECT 1 FROM audit_event a '
                "WHERE a.action = %s AND a.object_type = %s AND a.object_id = t.id::text)",
                base[table], action, table,
            )  # fmt: skip
            _judge(problems, kind, acked, unanswered, rows, eventless, exact)
            report[kind] = {"acknowledged": len(acked), "unacknowledged_attempts": unanswered, "rows": len(rows)}

        sent, unanswered = _ids(writes, "handoff_sent")
        rows = ids("SELECT id FROM handoff WHERE id > %s", base["handoff"])
        eventless = ids(
            "SELECT h.id FROM handoff h WHERE h.id > %s AND NOT EXISTS (SELECT 1 FROM audit_event a "
            "WHERE a.action = 'handoff.send' AND a.object_type = 'handoff' AND a.object_id = h.id::text)",
            base["handoff"],
        )
        _judge(problems, "handoff_sent", sent, unanswered, rows, eventless, exact)
        accepted_acked, accept_unanswered = _ids(writes, "handoff_accepted")
        accepted = ids("SELECT id FROM handoff WHERE status = 'accepted' AND id > %s", base["handoff"])
        half = ids(
            "SELECT h.id FROM handoff h WHERE h.id > %s AND h.status = 'accepted' AND ("
            " h.decided_by_id IS NULL OR h.decided_at IS NULL"
            " OR NOT EXISTS (SELECT 1 FROM audit_event a WHERE a.action = 'handoff.accept'"
            "   AND a.object_type = 'handoff' AND a.object_id = h.id::text)"
            " OR NOT EXISTS (SELECT 1 FROM case_participant p WHERE p.case_id = h.case_id"
            "   AND p.organisation_id = h.receiver_organisation_id AND p.ended_at IS NULL))",
            base["handoff"],
        )
        other_states = ids(
            "SELECT id FROM handoff WHERE id > %s AND status NOT IN ('pending', 'accepted')", base["handoff"]
        )
        if accepted_acked - accepted:
            problems.append(
                f"acknowledged acceptances not accepted in the database: {sorted(accepted_acked - accepted)[:10]}"
            )
        if half:
            problems.append(f"accepted referrals without decider, event or participant: {sorted(half)[:10]}")
        if other_states:
            problems.append(f"referrals of the run in an unexpected state: {sorted(other_states)[:10]}")
        if exact and len(accepted) != len(accepted_acked):
            problems.append(f"accepted referrals: {len(accepted)} in the database, {len(accepted_acked)} acknowledged")
        report["handoff_sent"] = {"acknowledged": len(sent), "unacknowledged_attempts": unanswered, "rows": len(rows)}
        report["handoff_accepted"] = {
            "acknowledged": len(accepted_acked),
            "unacknowledged_attempts": accept_unanswered,
            "conflicts_409": sum(1 for w in writes if w["kind"] == "handoff_accepted" and w["status"] == 409),
            "rows_accepted": len(accepted),
        }
    report["problems"] = problems
    return report


def _judge(
    problems: list[str], kind: str, acked: set[int], unanswered: int, rows: set[int], eventless: set[int], exact: bool
) -> None:
    lost = acked - rows
    if lost:
        problems.append(f"{kind}: {len(lost)} acknowledged but not in the database: {sorted(lost)[:10]}")
    if eventless:
        problems.append(f"{kind}: {len(eventless)} rows without their audit event: {sorted(eventless)[:10]}")
    extra = len(rows) - len(acked)
    if exact and extra != 0:
        problems.append(f"{kind}: {len(rows)} rows, {len(acked)} acknowledged")
    elif extra > unanswered:
        problems.append(f"{kind}: {extra} rows beyond the acknowledged, only {unanswered} unanswered attempts")


def responses(requests: list[list[Any]], *, allow_503: bool) -> list[str]:
    """Violations among the responses: any 5xx (503 allowed during faults), any 429."""
    problems = []
    statuses = Counter(status for _at, _name, status, _detail, _ms in requests)
    server = {s: n for s, n in statuses.items() if s >= 500 and not (allow_503 and s == 503)}
    if server:
        problems.append(f"server errors: {server}")
    if statuses.get(429):
        problems.append(f"{statuses[429]} responses 429 to legitimate users (rate-limit false positives)")
    return problems
