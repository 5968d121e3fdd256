"""The runner: the app and the floor under gunicorn (2 workers each), driven in the same run.

For each endpoint and each concurrency the app is measured, then the floor, back to back, so
both see the same machine. The figures: throughput (requests completed per second of the
measuring window), p50 and p95 latency, the ratio app/floor of throughput, and the ratio of
throughput at the highest concurrency to that at one user (for the app and for the floor).
"""

from __future__ import annotations

import pickle
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.scale import capture as capture_module
from bench.scale import load
from bench.scale.commands import app_environment
from bench.scale.seed import SeedResult

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(servers: list[tuple[str, dict[str, str], Path]], workers: int = 2) -> Iterator[list[int]]:
    """Serve each ``(app_spec, env, log)`` on a free port, started together; yield the ports once all
    answer ``/healthz``; stop them at the end (this process's own children, by their pid).
    """
    started: list[tuple[subprocess.Popen, int, Path]] = []
    try:
        for app_spec, env, log_path in servers:
            port = free_port()
            command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
            command += ["--log-level", "warning", "--timeout", "120", app_spec]
            with log_path.open("ab") as log:
                process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
                    command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            started.append((process, port, log_path))
        for process, port, log_path in started:
            _wait_ready(port, process, log_path)
        yield [port for _process, port, _log in started]
    finally:
        for process, _port, _log in started:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is in flight any more
        for process, _port, _log in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(port: int, process: subprocess.Popen, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            if load.fetch(port, "GET", "/healthz", {})[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {log_path}")


def run(
    seeded: SeedResult,
    workdir: Path,
    *,
    duration: float,
    warmup: float,
    concurrencies: tuple[int, ...] = (1, 16),
    workers: int = 2,
    say: Any = print,
    patterns: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Capture each page's SQL, serve app and floor, drive both; return the results (see ``table``).

    ``patterns``: measure only the endpoints whose names match (``capture.selected``); all without."""
    say("capturing the SQL of each page from one request of the real app")
    captured = capture_module.capture(seeded.settings, seeded.password, seeded.api_token, seeded.fixtures, patterns)
    statements_path = workdir / "floor-statements.pickle"
    with statements_path.open("wb") as handle:
        pickle.dump({name: item["reads"] for name, item in captured.items()}, handle)
    env = app_environment(seeded.settings)
    floor_env = {**env, "BENCH_FLOOR_STATEMENTS": str(statements_path), "BENCH_FLOOR_DATABASE_URL": seeded.url}
    results: dict[str, Any] = {}
    with ExitStack() as stack:
        say(f"starting gunicorn ({workers} workers) for the app and for the floor")
        app_port, floor_port = stack.enter_context(
            gunicorn(
                [
                    ("wsgi:app", env, workdir / "gunicorn-app.log"),
                    ("bench.scale.floor:create_floor_app()", floor_env, workdir / "gunicorn-floor.log"),
                ],
                workers,
            )
        )
        sessions = {
            name: load.login(app_port, capture_module.session_user(seeded.fixtures, name), seeded.password)
            for name, _fixture, _default in capture_module.SESSIONS
        }
        for endpoint in capture_module.selected(seeded.fixtures, patterns):
            headers, body = _request_parts(endpoint, sessions, seeded.api_token, app_port)
            entry: dict[str, Any] = {
                "method": endpoint.method,
                "path": endpoint.path.split("?")[0],
                "as": endpoint.user,
                "statements": captured[endpoint.name]["statements"],
                "floor_statements": len(captured[endpoint.name]["reads"]),
                "app": {},
                "floor": {},
            }
            for users in concurrencies:
                app_stats = load.drive(
                    app_port, endpoint.method, endpoint.path, headers, body,
                    concurrency=users, duration=duration, warmup=warmup,
                )  # fmt: skip
                floor_stats = load.drive(
                    floor_port, endpoint.method, f"/{endpoint.name}", {}, body,
                    concurrency=users, duration=duration, warmup=warmup,
                )  # fmt: skip
                entry["app"][str(users)] = app_stats.as_dict()
                entry["floor"][str(users)] = floor_stats.as_dict()
                say(_line(endpoint.name, users, app_stats.as_dict(), floor_stats.as_dict()))
            _ratios(entry, concurrencies)
            results[endpoint.name] = entry
    return results


def _request_parts(
    endpoint: capture_module.Endpoint, sessions: dict[str, load.Session], api_token: str, port: int
) -> tuple[dict[str, str], str | None]:
    if endpoint.user == "api":
        return {"Authorization": f"Bearer {api_token}", "Accept": "application/json"}, None
    session = sessions[endpoint.user]
    body = None
    headers = {"Cookie": session.header()}
    if endpoint.method == "POST":
        token = load.form_token(port, session, endpoint.csrf_page or endpoint.path)
        body = urlencode({**endpoint.form, "csrf_token": token})
        headers = {"Cookie": session.header(), "Content-Type": "application/x-www-form-urlencoded"}
    return headers, body


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _ratios(entry: dict[str, Any], concurrencies: tuple[int, ...]) -> None:
    entry["ratio_to_floor"] = {
        str(c): _ratio(entry["app"][str(c)]["throughput"], entry["floor"][str(c)]["throughput"]) for c in concurrencies
    }
    low, high = str(min(concurrencies)), str(max(concurrencies))
    entry[f"scaling_{high}_vs_{low}"] = {
        side: _ratio(entry[side][high]["throughput"], entry[side][low]["throughput"]) for side in ("app", "floor")
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _line(name: str, users: int, app: dict, floor: dict) -> str:
    statuses = ",".join(f"{k}:{v}" for k, v in sorted(app["statuses"].items()))
    return (
        f"{name:<28} {users:>3}  {_fmt(app['throughput']):>8} {_fmt(app['p50_ms']):>8} {_fmt(app['p95_ms']):>8}  "
        f"{_fmt(floor['throughput']):>8} {_fmt(floor['p50_ms']):>8} {_fmt(floor['p95_ms']):>8}  "
        f"{_fmt(_ratio(app['throughput'], floor['throughput']), 2):>6}  {statuses}"
    )


HEADER = (
    f"{'endpoint':<28} {'usr':>3}  {'app r/s':>8} {'p50 ms':>8} {'p95 ms':>8}  "
    f"{'floor r/s':>8} {'p50 ms':>8} {'p95 ms':>8}  {'ratio':>6}  statuses (app)"
)


def table(results: dict[str, Any]) -> str:
    """The results as a fixed-width table, and the scaling of each endpoint."""
    lines = [HEADER, "-" * len(HEADER)]
    scaling = []
    for name, entry in results.items():
        for users, app in entry["app"].items():
            lines.append(_line(name, int(users), app, entry["floor"][users]))
        key = next(k for k in entry if k.startswith("scaling_"))
        scaling.append(
            f"{name:<28} {key.removeprefix('scaling_').replace('_', ' '):>9}: app {_fmt(entry[key]['app'], 2)}  "
            f"floor {_fmt(entry[key]['floor'], 2)}   ({entry['statements']} statements per request, "
            f"{entry['floor_statements']} replayed by the floor)"
        )
    return "\n".join([*lines, "", "throughput ratio, most users vs one user:", *scaling])
