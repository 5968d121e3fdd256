"""deploy/gunicorn.conf.py: run as gunicorn runs it, with a stand-in WSGI app."""

from __future__ import annotations

import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "gunicorn.conf.py"


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in ("WEB_CONCURRENCY", "CASEBOOK_TRUSTED_PROXIES", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_settings_are_valid_for_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    from gunicorn.config import Config

    config = Config()
    settings = load(monkeypatch)
    for name, value in settings.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's own validation
    assert config.preload_app is False
    assert config.timeout > config.graceful_timeout > 0
    assert config.max_requests > 0 and 0 < config.max_requests_jitter < config.max_requests
    assert config.forwarded_allow_ips == []  # CASEBOOK_TRUSTED_PROXIES unset: nobody's headers count


def test_workers_follow_the_cpus_unless_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load(monkeypatch)["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert load(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_access_log_format_never_holds_the_query_string_or_referer(monkeypatch: pytest.MonkeyPatch) -> None:
    log_format = load(monkeypatch)["access_log_format"]
    assert "%(U)s" in log_format
    for atom in ("%(r)s", "%(q)s", "%(f)s", "{referer}i", "{query_string}e"):
        assert atom not in log_format


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(tmp_path: Path, trusted_proxies: str) -> tuple[subprocess.Popen, int, Path]:
    port = _free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "GUNICORN_ERROR_LOG": str(tmp_path / "error.log"),
        "CASEBOOK_TRUSTED_PROXIES": trusted_proxies,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our config, a fixed stand-in app
        [sys.executable, "-m", "gunicorn", "-c", str(CONF), "tests.deploy.wsgi_echo:app"],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port, access_log
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"gunicorn did not start: {(tmp_path / 'error.log').read_text()}")


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


@pytest.mark.parametrize(("trusted_proxies", "scheme"), [("0", "http"), ("1", "https")])
def test_gunicorn_logs_the_path_only_and_trusts_the_proxy_as_the_app_does(
    tmp_path: Path, trusted_proxies: str, scheme: str
) -> None:
    process, port, access_log = _serve(tmp_path, trusted_proxies)
    try:
        status, body = _get(port, "/persons?name=Jansen&bsn=999990019", {"X-Forwarded-Proto": "https"})
        assert (status, body) == (200, scheme)
    finally:
        process.terminate()
        process.wait(timeout=30)
    line = access_log.read_text()
    assert '"GET /persons HTTP/1.1" 200' in line and "rid=req-test-1" in line
    assert "Jansen" not in line and "999990019" not in line and "?" not in line
