"""The allow-list decides on the bytes: every allowed kind passes, disguises are refused."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from casebook.documents.content import DocumentKind, detect
from casebook.documents.errors import ContentRefused, DocumentIntegrityError
from casebook.documents.storage import DirectoryStorage
from casebook.documents.stream import ChunkEncryptor, DecryptingReader
from tests.documents import samples

ALLOWED: list[tuple[Callable[[], bytes], DocumentKind]] = [
    (samples.pdf, DocumentKind.PDF),
    (samples.png, DocumentKind.PNG),
    (samples.jpeg, DocumentKind.JPEG),
    (samples.docx, DocumentKind.DOCX),
    (samples.xlsx, DocumentKind.XLSX),
    (samples.odt, DocumentKind.ODT),
    (samples.text, DocumentKind.TEXT),
    (samples.eml, DocumentKind.EML),
    (samples.outlook_message, DocumentKind.MSG),
]


def kind_of(data: bytes) -> DocumentKind:
    return detect(io.BytesIO(data), len(data))


@pytest.mark.parametrize(("build", "kind"), ALLOWED, ids=[kind.value for _, kind in ALLOWED])
def test_allowed_kinds_are_recognised(build: Callable[[], bytes], kind: DocumentKind) -> None:
    assert kind_of(build()) is kind


@pytest.mark.parametrize(("build", "kind"), ALLOWED, ids=[kind.value for _, kind in ALLOWED])
def test_recognised_through_the_decrypting_reader(tmp_path, build: Callable[[], bytes], kind: DocumentKind) -> None:
    """The sink reads the stored ciphertext: zip and OLE must work over ``DecryptingReader``."""
    data = build()
    dek = bytes(32)
    encryptor = ChunkEncryptor(dek, "ref")
    storage = DirectoryStorage(tmp_path)
    writer = storage.writer()
    writer.write(encryptor.header() + encryptor.feed(data) + encryptor.finish())
    key = writer.commit()
    assert detect(DecryptingReader(storage, key, dek=dek, blob_ref="ref"), len(data)) is kind


def test_kinds_carry_what_a_download_needs() -> None:
    assert DocumentKind("pdf") is DocumentKind.PDF
    assert DocumentKind.PDF.media_type == "application/pdf"
    assert DocumentKind.DOCX.extension == "docx"
    assert DocumentKind.TEXT.media_type == "text/plain; charset=utf-8"
    assert DocumentKind.MSG.media_type == "application/vnd.ms-outlook"
    assert len({kind.value for kind in DocumentKind}) == 9


REFUSED: dict[str, bytes] = {
    "exe renamed pdf": samples.executable(),
    "elf": b"\x7fELF\x02\x01\x01" + bytes(100),
    "html": samples.html(),
    "html lower case after whitespace": b"\n\n  <html><body>hallo</body></html>",
    "svg with script": samples.svg(),
    "xml": b'\xef\xbb\xbf<?xml version="1.0"?><root/>',
    "zip of other things": samples.plain_zip(),
    "docm with macros": samples.docm(),
    "docx with vbaProject only": samples.docx([("word/vbaProject.bin", b"macro")]),
    "odt with the wrong mimetype": samples.odt(b"application/vnd.oasis.opendocument.spreadsheet"),
    "odt with Basic macros": samples._zip(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("Basic/Standard/Module1.xml", b"x")]
    ),
    "word 97 (OLE but no message)": samples.word_97(),
    "broken zip": b"PK\x03\x04" + bytes(50),
    "broken OLE": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50),
    "latin-1 text": "Één café".encode("latin-1"),
    "text with NUL": b"hallo\x00wereld",
    "text with escape sequences": b"hallo \x1b[31mrood\x1b[0m",
    "truncated UTF-8": "café".encode()[:-1],
    "e-mail with NUL": samples.eml() + b"\x00",
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_other_content_is_refused(data: bytes) -> None:
    with pytest.raises(ContentRefused) as refused:
        kind_of(data)
    assert refused.value.message  # a Dutch message for the form


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ContentRefused):
        detect(io.BytesIO(b""), 0)


def test_the_macro_refusal_says_why() -> None:
    with pytest.raises(ContentRefused, match="macro"):
        kind_of(samples.docm())


def test_text_with_markup_later_on_is_text() -> None:
    assert kind_of(b"Notitie: gebruik <b> niet.\n") is DocumentKind.TEXT


def test_text_with_a_multibyte_character_across_pieces_is_text() -> None:
    data = b"a" * (64 * 1024 - 1) + "é".encode() + b"\n"
    assert kind_of(data) is DocumentKind.TEXT


def test_a_line_that_only_looks_like_a_header_is_text() -> None:
    assert kind_of(b"Onderwerp: schuldhulp\n\nVerder niets.\n") is DocumentKind.TEXT


def test_a_zip_announcing_too_many_entries_is_refused_before_parsing() -> None:
    data = bytearray(samples.docx())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (60_000).to_bytes(2, "little") * 2
    with pytest.raises(ContentRefused):
        kind_of(bytes(data))


def test_an_integrity_failure_inside_a_container_is_not_a_refusal(tmp_path) -> None:
    """A stored object that fails authentication is reported as such, not as a wrong kind."""
    dek = bytes(32)
    data = samples.docx()
    encryptor = ChunkEncryptor(dek, "ref")
    blob = bytearray(encryptor.header() + encryptor.feed(data) + encryptor.finish())
    blob[-20] ^= 0x01
    storage = DirectoryStorage(tmp_path)
    writer = storage.writer()
    writer.write(bytes(blob))
    key = writer.commit()
    with pytest.raises(DocumentIntegrityError):
        detect(DecryptingReader(storage, key, dek=dek, blob_ref="ref"), len(data))
