"""No UI text in a template outside ``_()``: such text would stay Dutch in the English interface.

Jinja blocks, expressions and comments are blanked out; what is left is HTML, whose visible text
and readable attributes (aria-label, title, alt, placeholder) must hold no words of their own.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casebook.i18n_catalogs import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
WORD = re.compile(r"[^\W\d_]{2,}")
READABLE_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description"}
# Words that are the same in every language: the product name and each language's own name.
NOT_TRANSLATED = {"Casebook", "Nederlands", "English"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value:
                self._check(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        words = [w for w in WORD.findall(text) if w not in NOT_TRANSLATED]
        if words:
            self.found.append((self.getpos()[0], text.strip()))


def untranslated_text(source: str) -> list[tuple[int, str]]:
    # Keep the line numbers: replace each Jinja construct by its own newlines only.
    blanked = JINJA.sub(lambda match: "\n" * match.group().count("\n"), source)
    collector = _TextCollector()
    collector.feed(blanked)
    collector.close()
    return collector.found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_template_has_no_text_outside_gettext(template: Path):
    found = untranslated_text(template.read_text())
    assert not found, f"{template.relative_to(PROJECT_ROOT)}: wrap in {{{{ _('…') }}}}: " + "; ".join(
        f"line {line}: {text!r}" for line, text in found
    )


def test_the_check_finds_plain_text_and_labels():
    source = (
        '<h1>{{ _("Casussen") }}</h1>\n<p>Geen toegang</p>\n<nav aria-label="Hoofdmenu"></nav>\n'
        "<p>Casebook · {{ x }}</p>"
    )
    assert untranslated_text(source) == [(2, "Geen toegang"), (3, "Hoofdmenu")]
