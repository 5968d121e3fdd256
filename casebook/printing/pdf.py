"""The printed page: an fpdf2 document with the confidentiality line on every page, and the
building blocks the case file and the meeting report are laid out in.

What is printed is a text PDF (searchable, readable by assistive technology): the language is set
(``nl`` or ``en``, as the screens), and so are title, author and subject. The font is DejaVu Sans,
vendored under ``casebook/static/fonts/`` (its licence lies next to it): the PDF core fonts know
only Latin-1, and a printed name must read as typed — "Ünal", "Çelik", "Łukasz" — on any machine,
so the font cannot come from the system.

A section is data (``PdfSection``: a title and blocks), built by a module from what its audited
service read returned; this module only lays them out, so it never reads anything itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, XPos, YPos

FONT_DIRECTORY = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT = "DejaVuSans"
REPLACEMENT = "\ufffd"  # drawn for a character the font lacks
PAGE_ALIAS = "{nb}"  # fpdf2 replaces it with the number of pages when the document is closed

# Sizes in points, lengths in millimetres (A4).
BODY_SIZE = 10
SMALL_SIZE = 8
HEADING_SIZES = {1: 16, 2: 13, 3: 11}
LINE_HEIGHT = 5
# A heading moves to the next page unless this much room is left below it for what follows.
KEEP_WITH_NEXT = 30


@dataclass(frozen=True)
class Text:
    """A paragraph; ``label`` is a bold line above it (e.g. who wrote a note, and when)."""

    text: str
    label: str | None = None


@dataclass(frozen=True)
class Facts:
    """Label–value lines, like the ``<dl>`` of the case header."""

    items: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    """A table with a heading row; ``widths`` are relative column widths."""

    headings: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[int] | None = None


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (level 3)."""

    text: str


Block = Text | Facts | Table | Heading


@dataclass(frozen=True)
class PdfSection:
    """One section of a printed document: a heading and its blocks, in ``order``.

    ``key`` names it in the export's audit event, ``count`` how many items it lists (notes, goals,
    documents …) — the event records the keys and counts, never a block's text.
    """

    key: str
    title: str
    blocks: Sequence[Block] = ()
    # The case file's own run 10 (case data) … 60 (journal), 90 (timeline): by default a contributed
    # section comes after the journal and before the timeline.
    order: int = 70
    count: int | None = None
    empty: str | None = None  # said when there are no blocks, e.g. "Geen notities."


@dataclass(frozen=True)
class Masthead:
    """What every page says of the document and its requester (all already translated)."""

    title: str  # the document's title: first heading and metadata
    subject: str  # metadata: what the document is
    author: str  # metadata: the application (and the requester's organisation)
    confidential: str  # "Vertrouwelijk — opgevraagd door …, …, …" on every page
    page_label: str  # e.g. "pagina %(page)s van %(pages)s"
    lang: str = "nl"
    footer: str | None = None  # the foot's left side (default: the title), e.g. "Vertrouwelijk · Dossier …"
    keywords: tuple[str, ...] = field(default_factory=tuple)


class PrintedDocument(FPDF):
    """An A4 page with the confidentiality line on top and at the foot, and "pagina X van Y"."""

    def __init__(self, masthead: Masthead) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.masthead = masthead
        self.add_font(FONT, "", str(FONT_DIRECTORY / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIRECTORY / "DejaVuSans-Bold.ttf"))
        self.set_font(FONT, size=BODY_SIZE)
        self.set_lang(masthead.lang)
        self.set_title(masthead.title)
        self.set_subject(masthead.subject)
        self.set_author(masthead.author)
        self.set_creator("Casebook")
        if masthead.keywords:
            self.set_keywords(" ".join(masthead.keywords))
        self.set_display_mode("fullwidth")
        self.alias_nb_pages(PAGE_ALIAS)
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(auto=True, margin=20)

    # -- every page ---------------------------------------------------------------------------
    def header(self) -> None:
        """The confidentiality line with the requester and the moment, wrapped when long."""
        self.set_y(7)
        self.set_font(FONT, "B", SMALL_SIZE)
        self.set_text_color(120, 0, 0)
        self.multi_cell(0, 3.6, self.masthead.confidential, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font(FONT, "", BODY_SIZE)
        self.set_y(max(self.get_y() + 2, self.t_margin))

    def footer(self) -> None:
        """The document's title and "pagina X van Y"."""
        self.set_y(-13)
        self.set_font(FONT, "", SMALL_SIZE)
        self.set_text_color(80, 80, 80)
        page = self.masthead.page_label % {"page": self.page_no(), "pages": PAGE_ALIAS}
        self.cell(self.epw - 30, 4, self.masthead.footer or self.masthead.title, align="L")
        self.cell(30, 4, page, align="R")
        self.set_text_color(0, 0, 0)

    def printable(self, text: str) -> str:
        """``text`` with what the font cannot draw replaced (U+FFFD) and control characters but the
        line break dropped — so fpdf2 never logs the characters of what someone typed as missing."""
        cmap = self.fonts[FONT.lower()].cmap
        return "".join(
            " " if ch == "\t" else ch if ch == "\n" or ord(ch) in cmap else REPLACEMENT
            for ch in text
            if ch in "\t\n" or not unicodedata.category(ch).startswith("C")
        )

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 draws passes here: made printable first (see ``printable``)."""
        return super().normalize_text(self.printable(text))

    # -- blocks -------------------------------------------------------------------------------
    def heading(self, text: str, level: int = 2) -> None:
        """A heading that is not left alone at the foot of a page, with a PDF outline entry."""
        if self.get_y() + KEEP_WITH_NEXT > self.page_break_trigger:
            self.add_page()
        self.ln(2 if level > 1 else 0)
        self.start_section(text, level=level - 1)
        self.set_font(FONT, "B", HEADING_SIZES.get(level, BODY_SIZE))
        self.multi_cell(0, HEADING_SIZES.get(level, BODY_SIZE) * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", BODY_SIZE)
        self.ln(1)

    def paragraph(self, text: str, *, bold: bool = False, size: int = BODY_SIZE) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, LINE_HEIGHT, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", BODY_SIZE)

    def facts(self, items: Iterable[tuple[str, str]]) -> None:
        """Label and value side by side, as a borderless two-column table."""
        with self.table(
            col_widths=(32, 68),
            first_row_as_headings=False,
            borders_layout="NONE",
            line_height=LINE_HEIGHT,
            text_align="LEFT",
            padding=0.6,
        ) as grid:
            for label, value in items:
                row = grid.row()
                row.cell(label, style=FontFace(emphasis="BOLD"))
                row.cell(value or "—")
        self.ln(1)

    def table_block(self, table: Table) -> None:
        headings_style = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
        with self.table(
            col_widths=tuple(table.widths) if table.widths else None,
            headings_style=headings_style,
            line_height=LINE_HEIGHT,
            text_align="LEFT",
            cell_fill_mode=TableCellFillMode.NONE,
            repeat_headings=1,
        ) as grid:
            grid.row([str(h) for h in table.headings])
            for values in table.rows:
                grid.row([v or "—" for v in values])
        self.ln(2)

    def section(self, section: PdfSection) -> None:
        self.heading(section.title, 2)
        if not section.blocks and section.empty:
            self.paragraph(section.empty)
        for block in section.blocks:
            if isinstance(block, Heading):
                self.heading(block.text, 3)
            elif isinstance(block, Text):
                if block.label:
                    if self.get_y() + 2 * LINE_HEIGHT > self.page_break_trigger:
                        self.add_page()
                    self.paragraph(block.label, bold=True, size=SMALL_SIZE + 1)
                self.paragraph(block.text)
                self.ln(2)
            elif isinstance(block, Facts):
                self.facts(block.items)
            elif isinstance(block, Table):
                self.table_block(block)
        self.ln(2)


def render(masthead: Masthead, sections: Iterable[PdfSection]) -> bytes:
    """The PDF of ``sections`` in order, under ``masthead``'s title."""
    document = PrintedDocument(masthead)
    document.add_page()
    document.heading(masthead.title, 1)
    for section in sorted(sections, key=lambda s: (s.order, s.key)):
        document.section(section)
    return bytes(document.output())
