"""File names as the user typed them, made safe to keep and to send back.

A name comes from the uploader's machine and may carry a path (``../../etc/passwd``,
``C:\\Users\\...``), control characters, a right-to-left override that disguises
``cod.exe`` as ``exe.doc``, or 300 characters. We keep a readable name (it is personal data,
stored encrypted by the domain layer) and only ever send a document as an attachment, so a
browser never renders it inline whatever its name says.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_LENGTH = 120
MAX_EXTENSION = 10
FALLBACK = "document"
_UNSAFE = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(rf"\.[A-Za-z0-9]{{1,{MAX_EXTENSION}}}$")


def _drop_invisible(name: str) -> str:
    """Remove control and format characters (NUL, bidi overrides, zero-widths); tabs and newlines become spaces."""
    return "".join(
        " " if character.isspace() else character
        for character in name
        if character.isspace() or unicodedata.category(character) not in {"Cc", "Cf"}
    )


def _basename(name: str) -> str:
    """The last component, whether the client used ``/`` or ``\\`` as separator."""
    return re.split(r"[/\\]", name)[-1]


def _shorten(name: str) -> str:
    """At most ``MAX_LENGTH`` characters, keeping the extension that says what the file is."""
    if len(name) <= MAX_LENGTH:
        return name
    match = _EXTENSION.search(name)
    extension = match.group(0) if match else ""
    stem = name[: len(name) - len(extension)]
    return stem[: MAX_LENGTH - len(extension)].rstrip(" .") + extension


def sanitise_filename(name: str) -> str:
    """A safe display and download name: one component, printable, short, never empty."""
    cleaned = _drop_invisible(unicodedata.normalize("NFC", name or ""))
    cleaned = _basename(cleaned)
    cleaned = _UNSAFE.sub("_", cleaned)
    cleaned = _SPACES.sub(" ", cleaned).strip().lstrip(".").strip()
    cleaned = _shorten(cleaned).rstrip(" .")
    if not cleaned or not cleaned.strip("._- "):
        return FALLBACK
    return cleaned


def _ascii_fallback(name: str) -> str:
    """For clients that ignore ``filename*``: accents dropped, quotes and backslashes replaced."""
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r'["\\]', "_", decomposed).strip()
    match = _EXTENSION.search(fallback)
    extension = match.group(0) if match else ""
    stem = fallback[: len(fallback) - len(extension)].lstrip(". ").rstrip()
    if not stem.strip("._- "):
        stem = FALLBACK
    return stem + extension


def content_disposition(name: str) -> str:
    """Always ``attachment`` (never inline), with an ASCII name and the RFC 5987 UTF-8 name."""
    safe = sanitise_filename(name)
    return f"attachment; filename=\"{_ascii_fallback(safe)}\"; filename*=UTF-8''{quote(safe, safe='')}"
