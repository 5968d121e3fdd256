"""The project's own CLI against the bench database, as an operator runs it: ``casebook db upgrade``
before measuring a kept database, ``casebook audit verify --full`` over the seeded chain.

Each runs as a process of its own (this interpreter, ``-m casebook``) with the bench settings as
``CASEBOOK_*`` variables, exactly like the gunicorn servers, and is timed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def app_environment(settings: dict[str, Any]) -> dict[str, str]:
    """The bench settings as ``CASEBOOK_*`` variables (parsed as JSON when they look like JSON);
    the caller's own ``CASEBOOK_*`` variables are dropped, so nothing points at another database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    for name, value in settings.items():
        env[f"CASEBOOK_{name}"] = value if isinstance(value, str) else json.dumps(value)
    return env


@dataclass(frozen=True)
class CommandRun:
    command: str
    exit_code: int
    seconds: float
    output: str  # the last lines of stdout and stderr

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def casebook(settings: dict[str, Any], *arguments: str, timeout: float = 6 * 3600) -> CommandRun:
    """Run ``casebook ARGUMENTS`` against the bench database; never raises on a non-zero exit."""
    command = [sys.executable, "-m", "casebook", *arguments]
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, cwd=PROJECT_ROOT, env=app_environment(settings), capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
    lines = (result.stdout + result.stderr).strip().splitlines()
    return CommandRun("casebook " + " ".join(arguments), result.returncode, round(seconds, 1), "\n".join(lines[-5:]))


def verify_audit(settings: dict[str, Any]) -> CommandRun:
    """``casebook audit verify --full``: the whole chain walked by the CLI's own code."""
    return casebook(settings, "audit", "verify", "--full")


def refresh_reports(settings: dict[str, Any]) -> CommandRun:
    """``casebook reports refresh``: the report facts the history report pages count (timed)."""
    return casebook(settings, "reports", "refresh")


def upgrade(settings: dict[str, Any]) -> CommandRun:
    """``casebook db upgrade``: the migrations of this checkout (new indexes are built here)."""
    return casebook(settings, "db", "upgrade")
