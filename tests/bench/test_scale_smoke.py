"""`casebook bench scale` end to end at a tiny size, so the benchmark cannot rot unnoticed.

Seeds 50 cases into a throwaway PostgreSQL database, serves the app and the floor under gunicorn,
drives every endpoint briefly with 1 and 16 users, and checks the JSON: every endpoint with numbers,
only 200s, a seeded audit chain that verifies, and the database dropped afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench.scale.capture import endpoints

pytestmark = pytest.mark.postgres


def test_bench_scale_runs_and_reports_every_endpoint(postgres_admin_url, tmp_path):
    output = tmp_path / "bench-scale.json"
    # A process of its own, as an operator runs it: the suite's session fixture binds the
    # process-wide session to the test database, which the seeder's app must not inherit.
    command = [sys.executable, "-m", "casebook", "bench", "scale", "--admin-url", postgres_admin_url]
    command += ["--cases", "50", "--duration", "0.5", "--warmup", "0", "--verify-audit", "--output", str(output)]
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    document = json.loads(output.read_text())

    seed = document["seed"]
    assert seed["counts"]["case"] == 50
    assert seed["counts"]["note"] >= 50  # the bench case alone has 50
    assert seed["counts"]["audit_event"] == 500
    assert seed["chain_verified"].startswith("audit chain ok")
    assert seed["seconds"]["total"] > 0

    expected = {endpoint.name for endpoint in endpoints(seed["fixtures"])}
    assert set(document["endpoints"]) == expected
    for name, entry in document["endpoints"].items():
        for side in ("app", "floor"):
            for users in ("1", "16"):
                stats = entry[side][users]
                assert stats["requests"] > 0, (name, side, users)
                assert stats["throughput"] > 0
                assert stats["p50_ms"] is not None and stats["p95_ms"] >= stats["p50_ms"]
                assert set(stats["statuses"]) == {"200"}, (name, side, users, stats["statuses"])
        assert entry["ratio_to_floor"]["1"] > 0
        assert entry["scaling_16_vs_1"]["app"] > 0
        assert entry["floor_statements"] > 0

    admin = create_engine(postgres_admin_url)
    with admin.connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": seed["name"]}
        ).scalar()
    admin.dispose()
    assert left == 0
