"""``python -m bench.load load|faults|soak``: build the stack, drive it with locust, check, report.

- ``load``: 50 users for 5 minutes (``--users``, ``--duration``); exit 1 when a check fails.
- ``faults``: the load while worker processes are killed (``kill -9``), PostgreSQL restarts and Redis
  is away for 30 s; how long each fault showed and what the clients saw; the same checks, with 503
  allowed while a fault lasts. Runs on a PostgreSQL cluster of its own (see ``environment``).
- ``soak``: 10 users for 30 minutes; RSS of each worker and the database connections at start and end.

The JSON report (``--output``) holds the figures, never a password or a personal value.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load import checks
from bench.load.environment import DEFAULT_ADMIN_URL, PROJECT_ROOT, Stack, build, rss_kib

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DEFAULTS = {"load": (50, 300), "faults": (50, 180), "soak": (10, 1800)}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _locust(stack: Stack, users: int, duration: int, record: Path, log: Path, first_handoff: int) -> subprocess.Popen:
    env = {
        **stack.gunicorn.env,
        "LOAD_PLAN": str(stack.plan_path),
        "LOAD_RECORD": str(record),
        "LOAD_FIRST_HANDOFF": str(first_handoff),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
        "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{duration}s", "--stop-timeout", "15",
        "--host", f"http://127.0.0.1:{stack.gunicorn.port}", "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def _faults(stack: Stack, duration: int, started: float) -> list[dict[str, Any]]:
    """The fault schedule, relative to the start of the load: two worker kills, a PostgreSQL restart,
    Redis away for 30 s. Each with its wall-clock start and end."""
    schedule = [
        (0.15, "kill -9 worker"),
        (0.27, "kill -9 worker"),
        (0.40, "restart PostgreSQL"),
        (0.55, "Redis away 30 s"),
    ]
    done = []
    for fraction, fault in schedule:
        time.sleep(max(0.0, started + fraction * duration - time.monotonic()))
        entry: dict[str, Any] = {"fault": fault, "start": time.time()}
        if fault.startswith("kill"):
            victim = stack.gunicorn.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            entry["pid"] = victim
        elif fault.startswith("restart"):
            entry["postgres_seconds"] = round(stack.postgres.restart(), 2)
        else:
            stack.redis.stop()
            time.sleep(30)
            stack.redis.start()
        entry["end"] = time.time()
        say(f"fault: {fault} ({entry['end'] - entry['start']:.1f} s)")
        done.append(entry)
    return done


def _recovery(faults: list[dict[str, Any]], requests: list[list[Any]], run_end: float) -> None:
    """Per fault: what the clients saw between its start and the next fault, and how long after the
    fault ended the last failure came (0: none after it ended)."""
    for index, fault in enumerate(faults):
        until = faults[index + 1]["start"] if index + 1 < len(faults) else run_end
        window = [r for r in requests if fault["start"] <= r[0] < until]
        failed = [r for r in window if r[2] == 0 or r[2] >= 500]
        seen: dict[str, int] = {}
        for _at, _name, status, detail, _ms in failed:
            key = str(status) if status else detail or "no response"
            seen[key] = seen.get(key, 0) + 1
        fault["failed_requests"] = seen
        fault["failed_by_type"] = sorted({r[1] for r in failed})
        fault["503_content_types"] = sorted({r[3] for r in failed if r[2] == 503})
        last = max((r[0] for r in failed), default=None)
        fault["seconds_from_start_to_last_failure"] = None if last is None else round(last - fault["start"], 2)
        fault["recovered_seconds_after_end"] = 0.0 if last is None else round(max(0.0, last - fault["end"]), 2)
        fault["start"] = time.strftime("%H:%M:%S", time.localtime(fault["start"]))
        fault["end"] = time.strftime("%H:%M:%S", time.localtime(fault["end"]))


def _sample(stack: Stack) -> dict[str, Any]:
    pids = stack.gunicorn.worker_pids()
    return {
        "at": time.strftime("%H:%M:%S"),
        "master_rss_kib": rss_kib(stack.gunicorn.process.pid),
        "workers_rss_kib": {str(pid): rss_kib(pid) for pid in pids},
        "db_connections": stack.connections(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _soak(stack: Stack, duration: int, started: float, locust: subprocess.Popen) -> dict[str, Any]:
    samples = []
    time.sleep(max(0.0, started + 60 - time.monotonic()))  # past ramp-up and the first imports
    while locust.poll() is None and time.monotonic() < started + duration - 5:
        samples.append(_sample(stack))
        say(f"soak sample: {samples[-1]}")
        time.sleep(min(120, max(1.0, started + duration - 5 - time.monotonic())))
    first, last = samples[0], samples[-1]
    workers = {}
    for pid, start_kib in first["workers_rss_kib"].items():
        end_kib = last["workers_rss_kib"].get(pid)
        workers[pid] = {
            "start_kib": start_kib,
            "end_kib": end_kib,
            "growth_kib": None if end_kib is None else end_kib - start_kib,
            "restarted": end_kib is None,
        }
    flat = all(
        w["end_kib"] is not None and w["growth_kib"] <= max(10 * 1024, 0.10 * w["start_kib"]) for w in workers.values()
    )
    return {
        "workers": workers,
        "memory_flat": flat,
        "memory_rule": "each worker grows by at most max(10 MiB, 10 %) between the first and the last sample",
        "db_connections": {
            "start": first["db_connections"],
            "end": last["db_connections"],
            "max": max(s["db_connections"] for s in samples),
        },
        "connections_flat": last["db_connections"] <= first["db_connections"] + 2,
        "samples": samples,
    }


def run(mode: str, options: argparse.Namespace) -> int:
    users = options.users or DEFAULTS[mode][0]
    duration = options.duration or DEFAULTS[mode][1]
    workdir = Path(options.workdir or tempfile.mkdtemp(prefix=f"casebook-{mode}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    load_start = [round(x, 2) for x in os.getloadavg()]
    say(f"{mode}: {users} users for {duration} s; work directory {workdir}; load average {load_start}")
    stack = build(workdir, admin_url=options.admin_url, own_postgres=(mode == "faults"), cases=options.cases, say=say)
    report: dict[str, Any] = {"mode": mode, "users": users, "duration_s": duration, "cases": options.cases}
    try:
        base = checks.baseline(stack.url)
        record = workdir / "record.json"
        started = time.monotonic()
        locust = _locust(stack, users, duration, record, workdir / "locust.log", base["handoff"] + 1)
        faults: list[dict[str, Any]] = []
        if mode == "faults":
            faults = _faults(stack, duration, started)
        elif mode == "soak":
            report["soak"] = _soak(stack, duration, started, locust)
        try:
            locust.wait(timeout=duration + 120)
        except subprocess.TimeoutExpired:
            locust.send_signal(signal.SIGINT)
            locust.wait(timeout=60)
        run_end = time.time()
        say("load finished; checking")
        recorded = json.loads(record.read_text())
        requests, writes = recorded["requests"], recorded["writes"]
        report["requests"] = checks.request_stats(requests, duration)
        problems = checks.responses(requests, allow_503=mode == "faults")
        if mode == "faults":
            _recovery(faults, requests, run_end)
            report["faults"] = faults
            healthy = stack.gunicorn.healthy()
            report["healthy_after"] = healthy
            five_hundreds = [r for r in requests if r[2] == 500]
            if five_hundreds:
                problems.append(f"{len(five_hundreds)} responses 500 during the faults")
        report["writes"] = checks.database(stack.url, base, writes, exact=mode != "faults")
        problems += report["writes"].pop("problems")
        verified = stack.casebook("audit", "verify", "--full")
        report["audit_verify_full"] = {
            "exit_code": verified.returncode,
            "output": [line for line in verified.stdout.splitlines() if "audit chain" in line][-1:],
        }
        if verified.returncode != 0:
            problems.append("casebook audit verify --full failed")
        report["seed_seconds"] = stack.seed_seconds
        report["load_average"] = {
            "start": load_start,
            "end": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
        }
        report["problems"] = problems
        if mode == "soak" and not (report["soak"]["memory_flat"] and report["soak"]["connections_flat"]):
            say("soak: memory or connections not flat (reported; not a failure of the run by itself)")
    finally:
        stack.close()
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(report, indent=2)
    if options.output:
        Path(options.output).parent.mkdir(parents=True, exist_ok=True)
        Path(options.output).write_text(text + "\n")
    _summary(report)
    say("OK: every check passed" if not report["problems"] else "FAILED: " + "; ".join(report["problems"]))
    return 0 if not report["problems"] else 1


def _summary(report: dict[str, Any]) -> None:
    total = report["requests"]["total"]
    print(f"\n{'request type':36} {'n':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}  statuses")
    for name, entry in report["requests"]["per_type"].items():
        print(
            f"{name:36} {entry['requests']:7} {entry['per_second']:7} {entry['p50_ms']:7} {entry['p95_ms']:7} "
            f"{entry['p99_ms']:7}  {entry['statuses']}"
        )
    print(f"{'total':36} {total['requests']:7} {total['per_second']:7} {total['p50_ms']:7} {total['p95_ms']:7} "
          f"{total['p99_ms']:7}  {total['statuses']}")  # fmt: skip
    print("writes:", json.dumps(report["writes"]))
    print("audit verify --full:", report["audit_verify_full"])
    for fault in report.get("faults", []):
        print("fault:", json.dumps(fault))
    if "soak" in report:
        soak = {k: v for k, v in report["soak"].items() if k != "samples"}
        print("soak:", json.dumps(soak))
    print("load average:", report["load_average"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=sorted(DEFAULTS))
    parser.add_argument("--users", type=int, help="simulated users (load/faults 50, soak 10)")
    parser.add_argument("--duration", type=int, help="seconds of load (load 300, faults 180, soak 1800)")
    parser.add_argument("--cases", type=int, default=300, help="cases opened besides the demo's (default 300)")
    parser.add_argument("--admin-url", default=os.environ.get("CASEBOOK_LOAD_ADMIN_URL", DEFAULT_ADMIN_URL))
    parser.add_argument("--output", help="write the JSON report here")
    parser.add_argument("--workdir", help="work directory (default: a new temporary one, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, record)")
    options = parser.parse_args(argv)
    return run(options.mode, options)


if __name__ == "__main__":
    sys.exit(main())
