"""A real clamd for the scanner tests: foreground, own config, own one-signature database.

No signature download and no system files: the database is a single ``.ndb`` body signature
for a marker the tests generate, so clamd starts in well under a second instead of the ~20 s
it takes to load the full ClamAV database. Skipped with a reason where clamd is not installed,
except with ``CI=true`` where a missing clamd fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)
IN_CI = os.environ.get("CI", "").lower() == "true"
SIGNATURE_NAME = "Casebook.Test.Signature"
# Never a real virus: an arbitrary marker that only our signature recognises.
INFECTED_MARKER = b"CASEBOOK-CLAMD-TEST-SIGNATURE-7f3a9c2e-do-not-keep"
START_TIMEOUT = 30.0


def infected_payload(size: int = 4096) -> bytes:
    """A harmless file that the test signature marks as infected."""
    filler = b"Gewone tekst zonder betekenis.\n" * (size // 31 + 1)
    return filler[: size // 2] + INFECTED_MARKER + filler[: size // 2]


@dataclass
class Clamd:
    """One running clamd; ``socket_path`` is where the scanner connects."""

    directory: Path
    process: subprocess.Popen[bytes] | None = None
    start_seconds: float = 0.0
    socket_path: str = field(init=False)

    def __post_init__(self) -> None:
        self.socket_path = str(self.directory / "clamd.sock")

    def write_config(self, stream_max_length: str = "100M") -> Path:
        database = self.directory / "db"
        database.mkdir(exist_ok=True)
        (database / "casebook.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{INFECTED_MARKER.hex()}\n")
        config = self.directory / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {self.socket_path}",
                    f"DatabaseDirectory {database}",
                    f"TemporaryDirectory {self.directory}",
                    f"StreamMaxLength {stream_max_length}",
                    "LogSyslog no",
                    f"LogFile {self.directory / 'clamd.log'}",
                    f"PidFile {self.directory / 'clamd.pid'}",
                    "Bytecode no",
                    "SelfCheck 0",
                    "ReadTimeout 10",
                    "",
                ]
            )
        )
        return config

    def start(self, stream_max_length: str = "100M") -> Clamd:
        """Start clamd in the foreground and wait until its socket answers PING."""
        assert CLAMD is not None
        config = self.write_config(stream_max_length)
        began = time.monotonic()
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary, our own config
            [CLAMD, f"--config-file={config}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_for_socket(began)
        self.start_seconds = time.monotonic() - began
        return self

    def _wait_for_socket(self, began: float) -> None:
        assert self.process is not None
        while time.monotonic() - began < START_TIMEOUT:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"clamd exited with {self.process.returncode}: {error.strip()}")
            if self.ping():
                return
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("clamd did not open its socket in time")

    def ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(1.0)
                connection.connect(self.socket_path)
                connection.sendall(b"zPING\x00")
                return connection.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None


def require_clamd() -> None:
    """Skip where clamd is absent; under ``CI=true`` its absence is a failure."""
    if CLAMD is None:
        if IN_CI:
            pytest.fail("clamd is not installed, and CI=true requires the ClamAV tests to run")
        pytest.skip("clamd is not installed (Debian: apt-get install clamav-daemon)")


@pytest.fixture(scope="session")
def clamd() -> Iterator[Clamd]:
    """A clamd for the whole session (started once; the tests only read from it)."""
    require_clamd()
    directory = Path(tempfile.mkdtemp(prefix="casebook-clamd-"))
    daemon = Clamd(directory).start()
    try:
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def own_clamd() -> Iterator[Clamd]:
    """A clamd of the test's own, for tests that stop it."""
    require_clamd()
    # A short path: a unix socket path is limited to ~108 bytes.
    directory = Path(tempfile.mkdtemp(prefix="casebook-clamd-"))
    daemon = Clamd(directory).start()
    try:
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(directory, ignore_errors=True)
