"""Small files of every allowed (and some refused) kind, built in the test, no fixtures on disk.

``outlook_message`` writes a minimal OLE2 compound file (version 3, 512-byte sectors, one FAT
sector, no mini stream: every stream is at least 4096 bytes) because no library here writes
``.msg`` files; olefile reads it the way it reads one from Outlook.
"""

from __future__ import annotations

import io
import struct
import zipfile

MARKER = b"CASEBOOK-PLAINTEXT-MARKER-51c4e7"
SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/{part}" ContentType="{content_type}"/></Types>'
)


def pdf(body: bytes = MARKER) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + body + b"\ntrailer\n<<>>\n%%EOF\n"


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(13) + MARKER


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + MARKER + b"\xff\xd9"


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def docx(extra: list[tuple[str, bytes]] | None = None, content_type: str = "main+xml") -> bytes:
    types = CONTENT_TYPES.format(
        part="word/document.xml",
        content_type=f"application/vnd.openxmlformats-officedocument.wordprocessingml.document.{content_type}",
    )
    return _zip(
        [
            ("[Content_Types].xml", types.encode()),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document><w:body>" + MARKER + b"</w:body></w:document>"),
            *(extra or []),
        ]
    )


def docm() -> bytes:
    return docx([("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")], content_type="macroEnabled.main+xml")


def xlsx() -> bytes:
    types = CONTENT_TYPES.format(part="xl/workbook.xml", content_type="application/vnd.ms-excel.sheet.main+xml")
    return _zip(
        [
            ("[Content_Types].xml", types.encode()),
            ("xl/workbook.xml", b"<workbook>" + MARKER + b"</workbook>"),
        ]
    )


def odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return _zip(
        [
            ("mimetype", mimetype),
            ("content.xml", b"<office:document-content>" + MARKER + b"</office:document-content>"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ]
    )


def plain_zip() -> bytes:
    return _zip([("tool.exe", b"MZ\x90\x00" + MARKER), ("readme.txt", b"hallo")])


def text() -> bytes:
    return "Gespreksverslag met de familie — afspraken over de schuldhulp.\n".encode() + MARKER + b"\n"


def eml() -> bytes:
    return (
        b"Return-Path: <wijkteam@example.org>\r\n"
        b"From: Wijkteam <wijkteam@example.org>\r\n"
        b"To: Casus <casus@example.org>\r\n"
        b"Subject: Verslag\r\n"
        b"Date: Wed, 02 Dec 2026 10:00:00 +0100\r\n"
        b"Message-ID: <1@example.org>\r\n"
        b"Content-Type: text/plain;\r\n charset=utf-8\r\n"
        b"\r\n" + MARKER + b"\r\n"
    )


def executable() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + bytes(48)
        + b"This program cannot be run in DOS mode"
        + MARKER
    )


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script>" + MARKER + b"</body></html>"


def svg() -> bytes:
    return b'  <svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _directory_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBBIII", len(encoded), kind, 1, NO_STREAM, right, child)
        + bytes(16 + 4 + 8 + 8)
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """An OLE2 file with ``streams`` at the root (each padded to at least 4096 bytes)."""
    bodies = [data.ljust(max(4096, -(-len(data) // SECTOR) * SECTOR), b"\x00") for _, data in streams]
    fat = [FAT_SECTOR, END]  # sector 0: the FAT, sector 1: the directory
    entries = [_directory_entry("Root Entry", 5, 1 if streams else NO_STREAM, NO_STREAM, END, 0)]
    for number, ((name, _), body) in enumerate(zip(streams, bodies, strict=True), start=1):
        start = len(fat)
        count = len(body) // SECTOR
        fat += [*range(start + 1, start + count), END]
        right = number + 1 if number < len(streams) else NO_STREAM
        entries.append(_directory_entry(name, 2, NO_STREAM, right, start, len(body)))
    assert len(entries) <= 4 and len(fat) <= 128, "a test file of one FAT and one directory sector"
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", FREE) * (128 - len(fat))
    directory = b"".join(entries).ljust(SECTOR, b"\x00")
    return header + fat_sector + directory + b"".join(bodies)


def outlook_message() -> bytes:
    subject = "Verslag huisbezoek".encode("utf-16-le") + MARKER
    return compound_file(
        [
            ("__properties_version1.0", bytes(32)),
            ("__substg1.0_0037001F", subject),
            ("__substg1.0_1000001F", "Tekst van het bericht".encode("utf-16-le")),
        ]
    )


def word_97() -> bytes:
    return compound_file([("WordDocument", MARKER), ("1Table", b"table")])
