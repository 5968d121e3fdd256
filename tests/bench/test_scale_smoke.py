"""`casebook bench scale` end to end at a tiny size, so the benchmark cannot rot unnoticed.

Seeds 50 cases into a throwaway PostgreSQL database, serves the app and the floor under gunicorn,
drives every endpoint briefly with 1 and 16 users, and checks the JSON: every endpoint with numbers,
only 200s, a seeded audit chain that ``casebook audit verify --full`` accepts, and the database
dropped afterwards. The second test keeps a seeded database and measures it in a later run
(``--measure-only``: migrations, the timed verify, the measurement; the database stays).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.scale.capture import endpoints
from tests.conftest import TEST_DATABASE_URL

# The bench makes PostgreSQL databases of its own whatever the suite runs on, so it runs once: in the
# PostgreSQL run of the suite (``CASEBOOK_TEST_DATABASE_URL``), not again in the SQLite one.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not TEST_DATABASE_URL or make_url(TEST_DATABASE_URL).get_backend_name() != "postgresql",
        reason="the bench runs in the suite's PostgreSQL run: set CASEBOOK_TEST_DATABASE_URL to a PostgreSQL database",
    ),
]


def _bench(admin_url: str, *arguments: str) -> subprocess.CompletedProcess:
    # A process of its own, as an operator runs it: the suite's session fixture binds the
    # process-wide session to the test database, which the seeder's app must not inherit.
    command = [sys.executable, "-m", "casebook", "bench", "scale", "--admin-url", admin_url, *arguments]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=240, check=False
    )


def _database_exists(admin_url: str, name: str) -> bool:
    admin = create_engine(admin_url)
    with admin.connect() as connection:
        found = connection.execute(text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name})
        count = found.scalar()
    admin.dispose()
    return count == 1


def _assert_endpoints(document: dict, users: tuple[str, ...]) -> None:
    expected = {endpoint.name for endpoint in endpoints(document["seed"]["fixtures"])}
    assert set(document["endpoints"]) == expected
    for name, entry in document["endpoints"].items():
        for side in ("app", "floor"):
            for count in users:
                stats = entry[side][count]
                assert stats["requests"] > 0, (name, side, count)
                assert stats["throughput"] > 0
                assert stats["p50_ms"] is not None and stats["p95_ms"] >= stats["p50_ms"]
                assert set(stats["statuses"]) == {"200"}, (name, side, count, stats["statuses"])
        assert entry["ratio_to_floor"]["1"] > 0
        assert entry["floor_statements"] > 0


def test_bench_scale_runs_and_reports_every_endpoint(postgres_admin_url, tmp_path):
    output = tmp_path / "bench-scale.json"
    result = _bench(
        postgres_admin_url, "--cases", "50", "--duration", "0.5", "--warmup", "0", "--verify-audit",
        "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    document = json.loads(output.read_text())

    seed = document["seed"]
    assert seed["counts"]["case"] == 50
    assert seed["counts"]["note"] >= 50  # the bench case alone has 50
    assert seed["counts"]["audit_event"] == 500
    assert seed["chain_verified"].startswith("audit chain ok")
    assert seed["seconds"]["total"] > 0

    assert seed["verify_seconds"] > 0
    assert seed["database_gb"] is not None
    assert set(seed["seconds"]) >= {"reference", "cases", "audit", "indexes", "vacuum"}

    _assert_endpoints(document, ("1", "16"))
    for entry in document["endpoints"].values():
        assert entry["scaling_16_vs_1"]["app"] > 0
    assert not _database_exists(postgres_admin_url, seed["name"])


def test_a_kept_database_is_measured_later_after_migrating(postgres_admin_url, tmp_path):
    name = f"casebook_bench_smoke_{uuid.uuid4().hex[:8]}"
    work = tmp_path / "work"
    try:
        seeded = _bench(
            postgres_admin_url, "--cases", "20", "--seed-only", "--keep", "--database", name,
            "--workdir", str(work), "--output", str(tmp_path / "seed.json"),
        )  # fmt: skip
        assert seeded.returncode == 0, seeded.stdout[-3000:] + seeded.stderr[-3000:]
        assert f"--measure-only --database {name}" in seeded.stdout
        assert (work / "keyring.json").stat().st_mode & 0o077 == 0

        output = tmp_path / "measured.json"
        measured = _bench(
            postgres_admin_url, "--measure-only", "--database", name, "--workdir", str(work), "--time-verify",
            "--users", "1", "--duration", "0.3", "--warmup", "0", "--output", str(output),
        )  # fmt: skip
        assert measured.returncode == 0, measured.stdout[-3000:] + measured.stderr[-3000:]
        document = json.loads(output.read_text())
        assert document["measure_only"] is True
        assert document["seed"]["name"] == name and document["seed"]["counts"]["case"] == 20
        before = document["before_measuring"]
        assert before["upgrade"]["command"] == "casebook db upgrade" and before["upgrade"]["exit_code"] == 0
        verified = before["audit_verify_full"]
        assert verified["exit_code"] == 0 and verified["output"].startswith("audit chain ok")
        assert verified["seconds"] > 0
        _assert_endpoints(document, ("1",))
        assert _database_exists(postgres_admin_url, name)  # measuring never drops the kept database
    finally:
        admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
