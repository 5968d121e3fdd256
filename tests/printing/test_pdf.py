"""The printed page itself: any text prints, and nothing typed reaches a log."""

from __future__ import annotations

import logging

from casebook.printing.pdf import Facts, Masthead, PdfSection, Table, Text, render
from tests.printing.support import all_text, read_pdf

MASTHEAD = Masthead(
    title="Dossier PGA-2026-00049",
    subject="Casusdossier",
    author="Fatima El Khatib, Zorg- en Veiligheidshuis",
    confidential="Vertrouwelijk — opgevraagd door Fatima El Khatib, Zorg- en Veiligheidshuis, 3 december 2026 14:05",
    page_label="pagina %(page)s van %(pages)s",
)


def test_names_and_dashes_print_as_typed(app):
    text = all_text(
        read_pdf(render(MASTHEAD, [PdfSection("x", "Betrokkenen", (Text("Ünal, El Khatib, Çelik, Łukasz — ß"),))]))
    )
    assert "Ünal, El Khatib, Çelik, Łukasz — ß" in text


def test_what_the_font_lacks_is_replaced_and_not_logged(app, caplog):
    typed = "Notitie 漢字\tmet tab\x07 en een heel lang woord " + "x" * 400
    with caplog.at_level(logging.DEBUG):
        data = render(
            MASTHEAD,
            [PdfSection("x", "Journaal", (Text(typed), Table(("a", "b"), [("漢", "y" * 300)]), Facts([("漢", "z")])))],
        )
    text = all_text(read_pdf(data))
    assert "Notitie \ufffd\ufffd met tab en een heel lang woord" in text
    assert "漢" not in caplog.text
    assert not [r for r in caplog.records if r.name.startswith("fpdf") and r.levelno >= logging.INFO]
