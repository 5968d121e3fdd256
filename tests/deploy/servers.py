"""Start gunicorn with deploy/gunicorn.conf.py and the stand-in app, for the deployment tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"server on port {port} did not start: {log.read_text() if log.exists() else ''}")


def start_gunicorn(tmp_path: Path, **env: str) -> tuple[subprocess.Popen, int]:
    """gunicorn with the production configuration, one worker, the stand-in app; logs in ``tmp_path``."""
    port = free_port()
    environment = {
        **os.environ,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "gunicorn-access.log"),
        "GUNICORN_ERROR_LOG": str(tmp_path / "gunicorn-error.log"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our config, a fixed stand-in app
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "tests.deploy.wsgi_echo:app"],
        env=environment,
        cwd=ROOT,
    )
    wait_for_port(port, process, tmp_path / "gunicorn-error.log")
    return process, port


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
