"""A run killed with SIGKILL halfway: the rerun finishes the list, no item is half-destroyed, the
audit chain verifies, and nothing destroyed is left in the raw database file or the storage directory.

Every step is a process of its own on a database file of its own (committed for real, unlike the
other tests' rolled-back transactions), so the kill is a real ``kill -9``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_KEYRING_JSON

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    environment.update(
        PYTHONPATH=str(ROOT),
        CASEBOOK_DATABASE_URL=f"sqlite:///{tmp_path / 'casebook.sqlite3'}",
        CASEBOOK_MASTER_KEYS=TEST_KEYRING_JSON,
        CASEBOOK_INSTANCE_PATH=str(tmp_path / "instance"),
        CASEBOOK_DOCUMENT_DIR=str(tmp_path / "documents"),
        CASEBOOK_SECRET_KEY="kill-test-secret-key",
    )
    return environment


def step(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.retention.killable", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def casebook(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "casebook", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def _consistent(state: dict) -> None:
    """Each item is either fully destroyed or untouched."""
    for item in state["items"]:
        assert item["intact"] is (item["status"] == "listed"), item


def test_a_killed_run_is_finished_by_the_next_and_leaves_nothing_behind(env, tmp_path):
    seeded = step(env, "seed")
    assert seeded.returncode == 0, seeded.stderr
    world = json.loads(seeded.stdout.strip().splitlines()[-1])
    documents = tmp_path / "documents"
    assert all(any(documents.rglob(key.split("/")[-1])) for key in world["blobs"])

    # killed after the first document's transaction committed, before its files were removed
    killed = step(env, "kill-at-blobs")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    state = json.loads(step(env, "state").stdout)
    _consistent(state)
    assert [i["status"] for i in state["items"]].count("destroyed") == 1
    assert any(i["pending"] for i in state["items"])  # the files it still owes

    # killed in the middle of an item: its work was written but never committed
    killed = step(env, "kill-mid-item")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    state = json.loads(step(env, "state").stdout)
    _consistent(state)
    assert [i["status"] for i in state["items"]].count("destroyed") == 1  # the killed item rolled back

    finished = casebook(env, "retention", "run")
    assert finished.returncode == 0, finished.stderr + finished.stdout
    state = json.loads(step(env, "state").stdout)
    assert {i["status"] for i in state["items"]} == {"destroyed"}
    assert not any(i["intact"] or i["pending"] for i in state["items"])
    again = casebook(env, "retention", "run")
    assert again.returncode == 0 and "0 destroyed" in again.stdout

    verified = casebook(env, "audit", "verify", "--full")
    assert verified.returncode == 0, verified.stderr + verified.stdout

    # nothing of what was destroyed is left: not in the storage directory, not in the database file
    assert not [key for key in world["blobs"] if any(documents.rglob(key.split("/")[-1]))]
    raw = (tmp_path / "casebook.sqlite3").read_bytes()
    for wrapped in world["wrapped"]:
        assert bytes.fromhex(wrapped) not in raw
    assert world["index_values"] and not [value for value in world["index_values"] if value.encode() in raw]

    # the case that stays, and the person in it, are intact
    readable = json.loads(step(env, "readable", str(world["case_b"]), str(world["smit"])).stdout)
    assert readable == {"note": "Smit blijft in beeld", "person": "Smit"}

    certificate = casebook(env, "retention", "certificate", str(world["list_id"]), "-o", str(tmp_path / "v.pdf"))
    assert certificate.returncode == 0, certificate.stderr
    assert (tmp_path / "v.pdf").read_bytes().startswith(b"%PDF-")
