"""File names typed on the uploader's machine become one safe component; downloads are attachments."""

from __future__ import annotations

import pytest

from casebook.documents.names import MAX_LENGTH, content_disposition, sanitise_filename


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("verslag.pdf", "verslag.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("C:\\Users\\jan\\Documenten\\brief.docx", "brief.docx"),
        ("/srv/upload/../brief.pdf", "brief.pdf"),
        ("brief\x00.pdf", "brief.pdf"),
        ("regel\r\nSet-Cookie: x.txt", "regel Set-Cookie_ x.txt"),
        ("tab\tnaam.txt", "tab naam.txt"),
        ("factuur\u202efdp.exe", "factuurfdp.exe"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        (".htaccess", "htaccess"),
        ("...", "document"),
        ("", "document"),
        ("   ", "document"),
        ('a<b>c:d|e?f*g".pdf', "a_b_c_d_e_f_g_.pdf"),
        ("Verslag Één – café.pdf", "Verslag Één – café.pdf"),
        ("Cafe\u0301.txt", "Café.txt"),
        ("brief.pdf.", "brief.pdf"),
    ],
)
def test_sanitise_filename(name: str, expected: str) -> None:
    assert sanitise_filename(name) == expected


def test_a_long_name_keeps_its_extension() -> None:
    name = sanitise_filename("x" * 300 + ".docx")
    assert len(name) == MAX_LENGTH
    assert name.endswith(".docx")


def test_a_long_name_without_extension_is_cut() -> None:
    assert sanitise_filename("é" * 300) == "é" * MAX_LENGTH


def test_a_long_unicode_name_keeps_its_extension() -> None:
    name = sanitise_filename("日本語" * 100 + ".pdf")
    assert len(name) == MAX_LENGTH and name.endswith(".pdf")


@pytest.mark.parametrize("name", ["brief.pdf", 'Één "x".pdf', "日本語.pdf", "../evil.html", "a;b=c.txt", ""])
def test_content_disposition_is_always_an_attachment(name: str) -> None:
    header = content_disposition(name)
    assert header.startswith("attachment; ")
    assert "inline" not in header
    assert header.isascii()
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback and "/" not in fallback and "\\" not in fallback


def test_content_disposition_names() -> None:
    assert content_disposition("Één verslag.pdf") == (
        "attachment; filename=\"Een verslag.pdf\"; filename*=UTF-8''%C3%89%C3%A9n%20verslag.pdf"
    )
    assert content_disposition("日本語.pdf").startswith('attachment; filename="document.pdf"; ')
