"""The allow-list of document kinds, decided on the content and never on the name.

A file name and a Content-Type are typed (or forged) by the uploader; an ``.exe`` renamed
``brief.pdf`` must not become a download that a colleague opens. So the first bytes decide,
and containers are opened: an OOXML file must have its content-types part and its main part
and no macros, an ODF text must declare its mimetype as the first entry, an Outlook message
must hold the message streams. Anything else is refused, including HTML and SVG (which a
browser would run) and a zip of other things. The reader is seekable plaintext
(``DecryptingReader``), so zip and OLE containers are read without the file in memory.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
from enum import Enum
from typing import BinaryIO

import olefile
from flask_babel import lazy_gettext as _l

from casebook.documents.errors import ContentRefused, DocumentError

HEAD_SIZE = 8192
TEXT_PIECE = 64 * 1024
# A content-types part or an ODF mimetype larger than this is no document of ours.
MAX_PART_READ = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MAX_ZIP_ENTRIES = 10_000
EOCD_SIZE = 22
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Field names an e-mail carries; a header block must hold at least one of them.
MAIL_FIELDS = frozenset(
    {"from", "to", "date", "subject", "message-id", "received", "return-path", "mime-version", "delivered-to"}
)
_HEADER_LINE = re.compile(rb"[!-9;-~]+:[ \t]?[^\r\n]*")
# C0 controls but tab, newline, form feed and carriage return (NUL included).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


class DocumentKind(Enum):
    """An allowed kind: ``value`` is the stable slug stored with the document."""

    PDF = ("pdf", "application/pdf", "pdf")
    PNG = ("png", "image/png", "png")
    JPEG = ("jpeg", "image/jpeg", "jpg")
    DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
    XLSX = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    ODT = ("odt", ODT_MIMETYPE.decode(), "odt")
    TEXT = ("text", "text/plain; charset=utf-8", "txt")
    EML = ("eml", "message/rfc822", "eml")
    MSG = ("msg", "application/vnd.ms-outlook", "msg")

    media_type: str
    extension: str

    def __new__(cls, slug: str, media_type: str, extension: str) -> DocumentKind:
        member = object.__new__(cls)
        member._value_ = slug
        member.media_type = media_type
        member.extension = extension
        return member


def _refuse(reason: str | None = None) -> ContentRefused:
    return ContentRefused(reason or str(_l("Dit soort bestand wordt niet geaccepteerd.")))


def detect(reader: BinaryIO, size: int) -> DocumentKind:
    """The kind of the file in ``reader`` (seekable, ``size`` bytes), or ``ContentRefused``."""
    if size <= 0:
        raise _refuse(str(_l("Het bestand is leeg.")))
    reader.seek(0)
    head = reader.read(HEAD_SIZE)
    kind = _by_magic(head)
    if kind is not None:
        return kind
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(reader, size)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(reader)
    return _text_kind(reader, head)


def _by_magic(head: bytes) -> DocumentKind | None:
    """Formats recognised by their first bytes alone."""
    if head.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPEG
    return None


def _zip_kind(reader: BinaryIO, size: int) -> DocumentKind:
    """DOCX, XLSX or ODT; any other zip (or one with macros) is refused."""
    _check_zip_directory(reader, size)
    try:
        with zipfile.ZipFile(reader) as archive:
            return _archive_kind(archive)
    except DocumentError:
        raise  # a refusal with its reason, or the stored object failing its integrity check
    except Exception:
        # Whatever a malformed archive makes zipfile raise, it is no document of ours.
        raise _refuse() from None


def _check_zip_directory(reader: BinaryIO, size: int) -> None:
    """Refuse before parsing when the end record announces more entries than a document has.

    ``zipfile`` builds an object per entry, so a 50 MB archive of tiny entries would cost far
    more memory than the file; zip64 (needed only beyond 65535 entries or 4 GB) is refused too.
    """
    tail_size = min(size, EOCD_SIZE + 65535)
    reader.seek(size - tail_size)
    tail = reader.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < EOCD_SIZE:
        raise _refuse()
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if entries > MAX_ZIP_ENTRIES or b"PK\x06\x06" in tail[:at]:
        raise _refuse()


def _archive_kind(archive: zipfile.ZipFile) -> DocumentKind:
    entries = archive.infolist()
    names = {entry.filename for entry in entries}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(str(_l("Bestanden met macro's worden niet geaccepteerd.")))
    if entries and entries[0].filename == "mimetype":
        if _read_part(archive, entries[0]).strip() == ODT_MIMETYPE and not _has_odf_scripts(names):
            return DocumentKind.ODT
        raise _refuse()
    if "[Content_Types].xml" not in names:
        raise _refuse()
    if b"macroenabled" in _read_part(archive, archive.getinfo("[Content_Types].xml")).lower():
        raise _refuse(str(_l("Bestanden met macro's worden niet geaccepteerd.")))
    if "word/document.xml" in names:
        return DocumentKind.DOCX
    if "xl/workbook.xml" in names:
        return DocumentKind.XLSX
    raise _refuse()


def _has_odf_scripts(names: set[str]) -> bool:
    """ODF keeps macros under ``Basic/`` and ``Scripts/``; such a text is refused like a .docm."""
    return any(name.startswith(("Basic/", "Scripts/")) for name in names)


def _read_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """A small part, read with a bound so a zip bomb cannot inflate it."""
    if entry.file_size > MAX_PART_READ:
        raise _refuse()
    with archive.open(entry) as handle:
        return handle.read(MAX_PART_READ + 1)[:MAX_PART_READ]


def _ole_kind(reader: BinaryIO) -> DocumentKind:
    """An Outlook message: an OLE2 file with the MAPI property and substorage streams."""
    try:
        ole = olefile.OleFileIO(reader)  # leaves the caller's reader open on close
        try:
            streams = ["/".join(path) for path in ole.listdir(streams=True, storages=False)]
        finally:
            ole.close()
    except DocumentError:
        raise
    except Exception:
        raise _refuse() from None
    has_properties = "__properties_version1.0" in streams
    has_message = any(name.startswith("__substg1.0_") for name in streams)
    if has_properties and has_message and not any("macros" in name.lower() for name in streams):
        return DocumentKind.MSG
    raise _refuse()


def _text_kind(reader: BinaryIO, head: bytes) -> DocumentKind:
    """An e-mail when it starts with a header block, else plain UTF-8 text without markup."""
    if _looks_like_mail(head):
        _check_no_nul(reader)
        return DocumentKind.EML
    _check_text(reader, head)
    return DocumentKind.TEXT


def _looks_like_mail(head: bytes) -> bool:
    """RFC 5322: header lines (``Name: value`` or folded continuations) up to an empty line."""
    lines = head.split(b"\n")
    fields: set[str] = set()
    for number, raw in enumerate(lines[:-1]):
        line = raw.removesuffix(b"\r")
        if not line:
            return len(fields & MAIL_FIELDS) >= 2
        if line[:1] in (b" ", b"\t") and number > 0:
            continue
        if not _HEADER_LINE.fullmatch(line):
            return False
        fields.add(line.split(b":", 1)[0].decode("ascii").lower())
    # No empty line in the head: only a header block longer than the head itself.
    return len(head) >= HEAD_SIZE and len(fields & MAIL_FIELDS) >= 2


def _check_no_nul(reader: BinaryIO) -> None:
    reader.seek(0)
    while piece := reader.read(TEXT_PIECE):
        if b"\x00" in piece:
            raise _refuse()


def _check_text(reader: BinaryIO, head: bytes) -> None:
    """UTF-8 throughout, no NULs or other control characters, no markup at the start."""
    # Any tag first (HTML, SVG, XML, a <script>): a browser or a viewer might render it as markup.
    if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<"):
        raise _refuse(str(_l("HTML, SVG en XML worden niet geaccepteerd.")))
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    reader.seek(0)
    try:
        while piece := reader.read(TEXT_PIECE):
            _check_characters(decoder.decode(piece))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _refuse() from None


def _check_characters(text: str) -> None:
    if _CONTROL.search(text):
        raise _refuse()
