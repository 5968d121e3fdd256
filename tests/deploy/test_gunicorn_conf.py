"""deploy/gunicorn.conf.py: run as gunicorn runs it, with a stand-in WSGI app."""

from __future__ import annotations

import http.client
import os
import runpy
from pathlib import Path

import pytest

from tests.deploy.servers import start_gunicorn, stop

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
    process, port = start_gunicorn(tmp_path, CASEBOOK_TRUSTED_PROXIES=trusted_proxies)
    try:
        status, body = _get(port, "/scheme?name=Jansen&bsn=999990019", {"X-Forwarded-Proto": "https"})
        assert (status, body) == (200, scheme)
    finally:
        stop(process)
    line = (tmp_path / "gunicorn-access.log").read_text()
    assert '"GET /scheme HTTP/1.1" 200' in line and "rid=req-test-1" in line
    assert "Jansen" not in line and "999990019" not in line and "?" not in line
