"""Virus scanning with ClamAV, spoken to directly over clamd's socket (INSTREAM).

The upload streams through the scanner while it is encrypted and stored, so the plaintext
never has to be written anywhere for clamd to read it. The protocol: ``zINSTREAM\\0``, then
chunks each prefixed with a 4-byte big-endian length, then a zero length; clamd answers
``stream: OK``, ``stream: <signature> FOUND`` or ``... ERROR`` (for instance when the stream
exceeds its ``StreamMaxLength``). Anything but a clear OK or FOUND — a refused connection, a
timeout, an error line — raises ``ScanUnavailable``: we fail closed and keep nothing.
"""

from __future__ import annotations

import re
import socket
import struct
from dataclasses import dataclass
from typing import Protocol

from flask import Flask

from casebook.documents.errors import ScanUnavailable

# clamd's default StreamMaxLength is 25 MB; chunks are sent at most this size each.
MAX_CHUNK = 64 * 1024
MAX_REPLY = 4096
_FOUND = re.compile(r"stream: (\S.*) FOUND")


@dataclass(frozen=True)
class ScanVerdict:
    """The scanner's answer: clean, or the name of the signature it recognised."""

    clean: bool
    signature: str | None = None


class ScanSession(Protocol):
    """One file being scanned; ``finish`` returns the verdict or raises ``ScanUnavailable``."""

    def feed(self, data: bytes) -> None: ...

    def finish(self) -> ScanVerdict: ...


class Scanner(Protocol):
    def start(self) -> ScanSession: ...


class ClamdSession:
    """An open INSTREAM exchange; closes its socket on ``finish``, ``close`` or failure."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection: socket.socket | None = connection
        self._send(b"zINSTREAM\x00")

    def feed(self, data: bytes) -> None:
        view = memoryview(data)
        for start in range(0, len(view), MAX_CHUNK):
            piece = view[start : start + MAX_CHUNK]
            self._send(struct.pack(">I", len(piece)) + piece)

    def finish(self) -> ScanVerdict:
        self._send(b"\x00\x00\x00\x00")
        reply = self._reply()
        self.close()
        return parse_reply(reply)

    def close(self) -> None:
        """Drop the connection (an upload that failed before ``finish`` calls this)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _send(self, data: bytes) -> None:
        if self._connection is None:
            raise ScanUnavailable()
        try:
            self._connection.sendall(data)
        except OSError:
            # clamd closes the connection when it refuses the stream (size limit): no verdict.
            self._fail()

    def _reply(self) -> bytes:
        assert self._connection is not None
        received = bytearray()
        try:
            while b"\x00" not in received and len(received) < MAX_REPLY:
                piece = self._connection.recv(MAX_REPLY)
                if not piece:
                    break
                received += piece
        except OSError:
            self.close()
            raise ScanUnavailable() from None
        return bytes(received.split(b"\x00", 1)[0])

    def _fail(self) -> None:
        self.close()
        raise ScanUnavailable()


def parse_reply(reply: bytes) -> ScanVerdict:
    """``stream: OK`` → clean; ``stream: <name> FOUND`` → infected; anything else fails closed."""
    text = reply.decode("utf-8", "replace").strip()
    if text == "stream: OK":
        return ScanVerdict(clean=True)
    found = _FOUND.fullmatch(text)
    if found:
        return ScanVerdict(clean=False, signature=found.group(1))
    raise ScanUnavailable()


class ClamdScanner:
    """Scans through clamd at a unix socket path or ``tcp://host:port``."""

    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address = address
        self.timeout = timeout

    def start(self) -> ClamdSession:
        return ClamdSession(self._connect())

    def ping(self) -> bool:
        """True when clamd answers PONG (for a health check; an upload does not need it)."""
        try:
            with self._connect() as connection:
                connection.sendall(b"zPING\x00")
                return connection.recv(64).startswith(b"PONG")
        except (OSError, ScanUnavailable):
            return False

    def _connect(self) -> socket.socket:
        try:
            if self.address.startswith("tcp://"):
                host, _, port = self.address.removeprefix("tcp://").rpartition(":")
                return socket.create_connection((host.strip("[]"), int(port)), timeout=self.timeout)
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(self.timeout)
            try:
                connection.connect(self.address)
            except OSError:
                connection.close()
                raise
            return connection
        except (OSError, ValueError):
            raise ScanUnavailable() from None


def scanner_for(app: Flask) -> ClamdScanner | None:
    """The configured scanner, or None when ``CLAMAV_SOCKET`` (env ``CASEBOOK_CLAMAV_SOCKET``) is unset.

    ``CLAMAV_SOCKET`` is a unix socket path or ``tcp://host:port``; ``CLAMAV_TIMEOUT`` in seconds.
    """
    address = app.config.get("CLAMAV_SOCKET")
    if not address:
        return None
    return ClamdScanner(str(address), float(app.config["CLAMAV_TIMEOUT"]))
