"""ClamAV over clamd's INSTREAM: a real clamd for verdicts, a scripted one for the failure modes."""

from __future__ import annotations

import os
import socket
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from casebook.documents.errors import ScanUnavailable
from casebook.documents.scan import ClamdScanner, ScanVerdict, parse_reply, scanner_for
from tests.documents.clamd import SIGNATURE_NAME, Clamd, infected_payload


def scan(scanner: ClamdScanner, data: bytes, piece: int = 50_000) -> ScanVerdict:
    session = scanner.start()
    for start in range(0, len(data), piece):
        session.feed(data[start : start + piece])
    return session.finish()


def test_the_test_signature_is_found(clamd: Clamd) -> None:
    verdict = scan(ClamdScanner(clamd.socket_path, timeout=10), infected_payload(200_000))
    assert not verdict.clean
    assert verdict.signature is not None and verdict.signature.startswith(SIGNATURE_NAME)


def test_a_clean_file_passes(clamd: Clamd) -> None:
    assert scan(ClamdScanner(clamd.socket_path, timeout=10), os.urandom(300_000)) == ScanVerdict(clean=True)


def test_clamd_starts_quickly(own_clamd: Clamd) -> None:
    """One generated signature instead of the full database keeps the start short."""
    print(f"clamd started in {own_clamd.start_seconds:.3f} s")
    assert own_clamd.start_seconds < 10


def test_ping(clamd: Clamd) -> None:
    assert ClamdScanner(clamd.socket_path).ping()
    assert not ClamdScanner("/nonexistent/clamd.sock").ping()


def test_a_stopped_clamd_fails_closed(own_clamd: Clamd) -> None:
    scanner = ClamdScanner(own_clamd.socket_path, timeout=5)
    assert scan(scanner, b"clean").clean
    own_clamd.stop()
    with pytest.raises(ScanUnavailable):
        scan(scanner, b"clean")


def test_clamd_stopped_mid_stream_fails_closed(own_clamd: Clamd) -> None:
    session = ClamdScanner(own_clamd.socket_path, timeout=5).start()
    session.feed(b"first part")
    own_clamd.stop()
    with pytest.raises(ScanUnavailable):
        for _ in range(50):
            session.feed(os.urandom(64 * 1024))
        session.finish()


def test_no_socket_configured_means_no_scanner() -> None:
    assert scanner_for(Flask(__name__)) is None
    app = Flask(__name__)
    app.config.update(CLAMAV_SOCKET="tcp://127.0.0.1:3310", CLAMAV_TIMEOUT=5)
    scanner = scanner_for(app)
    assert scanner is not None and (scanner.address, scanner.timeout) == ("tcp://127.0.0.1:3310", 5.0)


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        (b"stream: OK", ScanVerdict(clean=True)),
        (b"stream: Eicar-Signature FOUND", ScanVerdict(clean=False, signature="Eicar-Signature")),
    ],
)
def test_replies_that_give_a_verdict(reply: bytes, verdict: ScanVerdict) -> None:
    assert parse_reply(reply) == verdict


@pytest.mark.parametrize(
    "reply", [b"INSTREAM size limit exceeded. ERROR", b"stream: Can't allocate memory ERROR", b"", b"stream: FOUND"]
)
def test_other_replies_fail_closed(reply: bytes) -> None:
    with pytest.raises(ScanUnavailable):
        parse_reply(reply)


def _serve_once(handler: Callable[[socket.socket], None]) -> Iterator[str]:
    """A scripted clamd on a unix socket: accepts one connection and runs ``handler`` on it."""
    directory = Path(tempfile.mkdtemp(prefix="casebook-fake-clamd-"))
    path = str(directory / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def run() -> None:
        connection, _ = server.accept()
        with connection:
            handler(connection)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield path
    server.close()
    thread.join(timeout=5)
    os.unlink(path)
    directory.rmdir()


def _read_instream(connection: socket.socket, limit: int | None = None) -> int:
    """Read ``zINSTREAM\\0`` and length-prefixed chunks; return the byte count (stops at ``limit``)."""
    assert connection.recv(10, socket.MSG_WAITALL) == b"zINSTREAM\x00"
    total = 0
    while True:
        (length,) = struct.unpack(">I", connection.recv(4, socket.MSG_WAITALL))
        if length == 0:
            return total
        total += len(connection.recv(length, socket.MSG_WAITALL))
        if limit is not None and total > limit:
            return total


@pytest.fixture
def fake_clamd(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _serve_once(request.param)


def _size_limit(connection: socket.socket) -> None:
    _read_instream(connection, limit=100_000)
    connection.sendall(b"INSTREAM size limit exceeded. ERROR\x00")


def _silent(connection: socket.socket) -> None:
    _read_instream(connection)
    connection.recv(1)  # no verdict; returns when the scanner gives up and closes


def _found(connection: socket.socket) -> None:
    _read_instream(connection)
    connection.sendall(b"stream: Scripted.Signature FOUND\x00")


@pytest.mark.parametrize("fake_clamd", [_size_limit], indirect=True)
def test_size_limit_exceeded_fails_closed(fake_clamd: str) -> None:
    with pytest.raises(ScanUnavailable):
        scan(ClamdScanner(fake_clamd, timeout=5), os.urandom(2_000_000))


@pytest.mark.parametrize("fake_clamd", [_silent], indirect=True)
def test_a_timeout_fails_closed(fake_clamd: str) -> None:
    with pytest.raises(ScanUnavailable):
        scan(ClamdScanner(fake_clamd, timeout=0.5), b"data")


@pytest.mark.parametrize("fake_clamd", [_found], indirect=True)
def test_the_protocol_frames_chunks_with_big_endian_lengths(fake_clamd: str) -> None:
    verdict = scan(ClamdScanner(fake_clamd, timeout=5), os.urandom(200_000), piece=70_001)
    assert verdict == ScanVerdict(clean=False, signature="Scripted.Signature")


def test_an_unreachable_tcp_clamd_fails_closed() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ScanUnavailable):
        ClamdScanner(f"tcp://127.0.0.1:{port}", timeout=2).start()
