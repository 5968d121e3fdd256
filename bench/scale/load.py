"""The load generator: N threads, each with a keep-alive ``http.client`` connection, for a fixed time.

Gunicorn's sync workers close the connection after each response; ``http.client`` then reconnects
on the next request, which is what a browser behind a load balancer would cost too. The generator
runs on the same two cores as the servers; at a few hundred requests per second and more it takes
a share of them, which lowers the floor more than the app (said in the README).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.scale.capture import csrf_token


@dataclass
class Session:
    """Cookies of one logged-in user (taken from the real login form)."""

    cookies: dict[str, str]

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def _remember(cookies: dict[str, str], response: http.client.HTTPResponse) -> None:
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()


def fetch(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        cookies: dict[str, str] = {}
        _remember(cookies, response)
        return response.status, response.read().decode("utf-8", "replace"), cookies
    finally:
        connection.close()


def login(port: int, username: str, password: str) -> Session:
    """Log in through the login form; the session cookie comes back.

    :raises RuntimeError: the form did not redirect (wrong password, MFA required, lockout).
    """
    status, html, cookies = fetch(port, "GET", "/login", {})
    form = urlencode({"username": username, "password": password, "csrf_token": csrf_token(html)})
    headers = {"Cookie": Session(cookies).header(), "Content-Type": "application/x-www-form-urlencoded"}
    status, _html, more = fetch(port, "POST", "/login", headers, form)
    if status not in (302, 303):
        raise RuntimeError(f"login of {username} answered {status}")
    cookies.update(more)
    return Session(cookies)


def form_token(port: int, session: Session, path: str) -> str:
    """The CSRF token of the form on ``path`` for this session (cookies updated if the page sets any)."""
    status, html, more = fetch(port, "GET", path, {"Cookie": session.header()})
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    session.cookies.update(more)
    return csrf_token(html)


@dataclass
class Stats:
    requests: int
    seconds: float
    throughput: float  # requests per second
    p50_ms: float | None
    p95_ms: float | None
    statuses: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "throughput": round(self.throughput, 1),
            "p50_ms": None if self.p50_ms is None else round(self.p50_ms, 1),
            "p95_ms": None if self.p95_ms is None else round(self.p95_ms, 1),
            "statuses": self.statuses,
        }


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))]


def drive(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: str | None,
    *,
    concurrency: int,
    duration: float,
    warmup: float = 0.0,
) -> Stats:
    """Requests from ``concurrency`` threads for ``warmup`` + ``duration`` seconds.

    Counted: the requests started inside the measuring window, each to its end (a slow request
    that outlasts the window still counts, so short runs are not empty); throughput is their
    number over the time from the window's start to the last of them finishing.
    """
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    statuses: list[Counter] = [Counter() for _ in range(concurrency)]
    last_finish = [0.0] * concurrency
    barrier = threading.Barrier(concurrency + 1)
    window: dict[str, float] = {}

    def user(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        begin, end = window["begin"], window["end"]
        mine, counts = latencies[number], statuses[number]
        while True:
            started = time.perf_counter()
            if started >= end:
                break
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = str(response.status)
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                connection.close()
            finished = time.perf_counter()
            if started >= begin:
                mine.append(finished - started)
                counts[status] += 1
                last_finish[number] = finished
        connection.close()

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["begin"] = now + warmup
    window["end"] = now + warmup + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    values = sorted(v for per_user in latencies for v in per_user)
    total = Counter()
    for counts in statuses:
        total.update(counts)
    elapsed = max(max(last_finish) - window["begin"], duration) if values else duration
    return Stats(
        requests=len(values),
        seconds=elapsed,
        throughput=len(values) / elapsed,
        p50_ms=None if not values else _percentile(values, 0.50) * 1000,
        p95_ms=None if not values else _percentile(values, 0.95) * 1000,
        statuses=dict(total),
    )
