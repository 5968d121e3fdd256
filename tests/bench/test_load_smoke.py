"""`python -m bench.load load` end to end at a tiny size, so the load test cannot rot unnoticed.

Two locust users for 15 s against gunicorn (two workers), a throwaway PostgreSQL database and a
redis-server of its own; the report's invariants: requests of every kind answered, no 5xx, no 429,
every acknowledged write in the database (exactly as many rows as acknowledgements), each with its
audit event, and ``casebook audit verify --full`` accepting the chain.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not TEST_DATABASE_URL or make_url(TEST_DATABASE_URL).get_backend_name() != "postgresql",
        reason="runs in the suite's PostgreSQL run: set CASEBOOK_TEST_DATABASE_URL to a PostgreSQL database",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (apt install)"),
]


def test_a_short_load_run_keeps_every_acknowledged_write_and_answers_no_5xx(postgres_admin_url, tmp_path):
    for module in ("locust", "redis"):  # looked up, not imported: locust patches the process (gevent)
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"needs {module}: pip install -e '.[redis,load]'")
    output = tmp_path / "load.json"
    command = [
        sys.executable, "-m", "bench.load", "load", "--users", "2", "--duration", "15", "--cases", "10",
        "--admin-url", postgres_admin_url, "--output", str(output),
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(output.read_text())

    assert report["problems"] == []
    total = report["requests"]["total"]
    assert total["requests"] > 10 and total["p50_ms"] > 0 and total["p99_ms"] >= total["p50_ms"]
    statuses = {int(s) for s in total["statuses"] if s.isdigit()}
    assert statuses and max(statuses) < 500 and 429 not in statuses
    assert set(total["statuses"]) <= {"200", "302", "303", "409"}, total["statuses"]  # no 4xx but lost races
    assert "POST /login" in report["requests"]["per_type"] and "GET /cases" in report["requests"]["per_type"]
    for kind in ("note", "intervention", "handoff_sent"):
        assert report["writes"][kind]["rows"] == report["writes"][kind]["acknowledged"]
    assert report["audit_verify_full"]["exit_code"] == 0
    assert report["audit_verify_full"]["output"][0].startswith("audit chain ok")
