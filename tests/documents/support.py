"""Helpers for the domain tests of documents: small uploads, a fake virus scanner, the storage's objects."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import current_app

from casebook.documents import services as documents
from casebook.documents.scan import ScanVerdict
from casebook.documents.storage import storage_for

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = b"Verslag van het huisbezoek.\nAfspraken gemaakt.\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(
    case,
    by,
    content: bytes = PDF,
    *,
    filename: str = "verslag.pdf",
    title: str = "Verslag huisbezoek",
    type_code: str = "verslag",
    visibility: str = "shared",
    **extra,
):
    return documents.upload_document(
        case,
        by=by,
        upload=documents.Upload(io.BytesIO(content), filename),
        title=title,
        type_code=type_code,
        visibility=visibility,
        **extra,
    )


def new_version(document, by, content: bytes = TEXT, filename: str = "versie.txt"):
    return documents.add_version(document, by=by, upload=documents.Upload(io.BytesIO(content), filename))


def read_all(download: documents.Download) -> bytes:
    return b"".join(download.chunks)


def stored_keys() -> set[str]:
    return set(storage_for(current_app._get_current_object()).keys())


@dataclass
class _Session:
    signature: str | None

    def feed(self, data: bytes) -> None:
        pass

    def finish(self) -> ScanVerdict:
        return ScanVerdict(clean=self.signature is None, signature=self.signature)


@dataclass
class FakeScanner:
    """Says "infected" with ``signature`` (or clean when None) for every upload."""

    signature: str | None = None

    def start(self) -> _Session:
        return _Session(self.signature)


@contextmanager
def scanner(monkeypatch: pytest.MonkeyPatch, signature: str | None) -> Iterator[FakeScanner]:
    fake = FakeScanner(signature)
    monkeypatch.setattr(documents, "_scanner", lambda: fake)
    yield fake
