"""Translation catalogues: extract the Dutch source strings, update nl and en, compile, check.

Dutch is the source language: every ``_()`` in the code and templates holds Dutch text, the
``nl`` catalogue is its identity (filled in automatically, never edited by hand) and the ``en``
catalogue holds English written by a person. Other engineers add strings all the time, so the
commands are safe to run at any moment and the check says exactly what to do::

    python -m casebook.i18n_catalogs update    # extract, merge into nl and en, fill nl, compile  (make translations)
    python -m casebook.i18n_catalogs compile   # .po → .mo; make runs this on install
    python -m casebook.i18n_catalogs check     # exit 1 with a list of missing/untranslated/fuzzy/broken entries

The ``.po`` files are written without line numbers and sorted by message, so that two
branches adding strings rarely touch the same lines; the ``.mo`` files are build output.
"""

from __future__ import annotations

import argparse
import copy
import io
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_LOCALE = "nl"
LOCALES = ("nl", "en")
DOMAIN = "messages"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)
SKIPPED_DIRECTORIES = {"static", "node_modules", "instance", "build", "dist"}


@dataclass(frozen=True)
class Project:
    """Where the sources, the extraction rules and the catalogues are (a temp copy in tests)."""

    root: Path = PROJECT_ROOT

    @property
    def mapping_file(self) -> Path:
        return self.root / "babel.cfg"

    @property
    def translations(self) -> Path:
        return self.root / "translations"

    def po_file(self, locale: str) -> Path:
        return self.translations / locale / "LC_MESSAGES" / f"{DOMAIN}.po"

    def mo_file(self, locale: str) -> Path:
        return self.po_file(locale).with_suffix(".mo")

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def extract(project: Project = Project()) -> Catalog:
    """All translatable strings of the code and templates, as a template catalogue."""
    with project.mapping_file.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(project.mapping_file))

    def wanted(directory: str) -> bool:
        name = Path(directory).name
        return not name.startswith((".", "_")) and name not in SKIPPED_DIRECTORIES

    template = Catalog(project="Casebook", charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(project.root),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=wanted,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _read(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def _fill_identity(catalog: Catalog) -> None:
    """The source language translates to itself: msgstr = msgid (both plural forms)."""
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            singular, plural = message.id[0], message.id[1]
            message.string = tuple([singular] + [plural] * (catalog.num_plurals - 1))
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
        message.previous_id = []


def _entries(catalog: Catalog) -> dict[tuple[str, str | None], tuple]:
    return {
        (_key(m), m.context): (m.string, tuple(sorted(m.flags)), tuple(sorted({name for name, _ in m.locations})))
        for m in catalog
        if m.id
    }


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def update(project: Project = Project(), now: datetime | None = None) -> list[str]:
    """Merge the current source strings into every catalogue; return what changed, per locale.

    New strings arrive untranslated in ``en`` (or fuzzy, with the nearest old translation as a
    hint); strings no longer in the source are dropped (git keeps them).
    """
    now = now or datetime.now(UTC)
    template = extract(project)
    report = []
    for locale in LOCALES:
        path = project.po_file(locale)
        if path.exists():
            catalog = _read(path, locale)
        else:
            catalog = Catalog(locale=locale, domain=DOMAIN, project="Casebook", charset="utf-8", fuzzy=False)
            catalog.creation_date = now
        before = _entries(catalog)
        creation_date, revision_date = catalog.creation_date, catalog.revision_date
        # update() adopts the template's Message objects: give each catalogue its own copy.
        catalog.update(
            copy.deepcopy(template), no_fuzzy_matching=(locale == SOURCE_LOCALE), update_header_comment=False
        )
        catalog.obsolete.clear()
        if locale == SOURCE_LOCALE:
            _fill_identity(catalog)
        catalog.fuzzy = False
        after = _entries(catalog)
        # Dates change only with the content, so running the command twice changes nothing.
        catalog.creation_date = creation_date
        catalog.revision_date = now if after != before or not path.exists() else revision_date
        if after != before or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, sort_output=True, include_lineno=False, omit_header=False)
        added = len(set(after) - set(before))
        removed = len(set(before) - set(after))
        todo = sum(1 for m in catalog if m.id and (not _translated(m) or "fuzzy" in m.flags))
        report.append(f"{project.relative(path)}: {added} added, {removed} removed, {todo} to translate")
    return report


def compile_catalogues(project: Project = Project()) -> list[Path]:
    """Write the ``.mo`` next to every ``.po`` (fuzzy entries are left out, as gettext does)."""
    written = []
    for locale in LOCALES:
        po = project.po_file(locale)
        if not po.exists():
            continue
        with project.mo_file(locale).open("wb") as handle:
            write_mo(handle, _read(po, locale), use_fuzzy=False)
        written.append(project.mo_file(locale))
    return written


def _translated(message: Message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return bool(message.string) and all(message.string)
    return bool(message.string)


def _where(message: Message) -> str:
    return ", ".join(f"{name}:{line}" if line else name for name, line in message.locations[:3])


def check(project: Project = Project()) -> list[str]:
    """Everything that stops a catalogue from being complete and correct; empty when all is well.

    Missing (a source string not in a catalogue), untranslated, fuzzy, a ``nl`` entry that is
    not the source text, placeholders that do not match (``%(num)d``), a ``.mo`` missing or
    older than its ``.po``.
    """
    template = extract(project)
    problems: list[str] = []
    for locale in LOCALES:
        po = project.po_file(locale)
        name = project.relative(po)
        if not po.exists():
            problems.append(f"{name}: missing")
            continue
        catalog = _read(po, locale)
        for message in template:
            if message.id and catalog.get(message.id, message.context) is None:
                problems.append(f"{name}: missing {_key(message)!r} (from {_where(message)})")
        for message in catalog:
            if not message.id:
                continue
            if "fuzzy" in message.flags:
                problems.append(f"{name}: fuzzy {_key(message)!r} → {message.string!r}")
            elif not _translated(message):
                problems.append(f"{name}: untranslated {_key(message)!r}")
            elif locale == SOURCE_LOCALE and _key(message) != (
                message.string[0] if isinstance(message.string, (list, tuple)) else message.string
            ):
                problems.append(f"{name}: {_key(message)!r} differs from its source text; change the source instead")
        for message, errors in catalog.check():
            for error in errors:
                problems.append(f"{name}: {_key(message)!r}: {error}")
        mo = project.mo_file(locale)
        if not mo.exists() or mo.read_bytes() != _compiled(catalog):
            problems.append(f"{project.relative(mo)}: missing or out of date (make translations-compile)")
    return problems


def _compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


log = logging.getLogger(__name__)

HOW_TO_FIX = """\
How to fix: run `make translations` (extracts the strings, updates both catalogues, fills nl,
compiles), then write the English for every entry listed as untranslated or fuzzy in
translations/en/LC_MESSAGES/messages.po (remove the `#, fuzzy` line once the text is right),
and run `make translations` again. Never edit the nl catalogue: change the Dutch source text."""


def format_problems(problems: Iterable[str]) -> str:
    problems = list(problems)
    return f"{len(problems)} translation problem(s):\n  " + "\n  ".join(problems) + "\n" + HOW_TO_FIX


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casebook.i18n_catalogs", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["update", "compile", "check"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    project = Project()
    if args.command == "update":
        for line in update(project):
            log.info("%s", line)
        args.command = "compile"
    if args.command == "compile":
        for path in compile_catalogues(project):
            log.info("compiled %s", project.relative(path))
        return 0
    problems = check(project)
    if problems:
        log.error("%s", format_problems(problems))
        return 1
    log.info("translations complete: %s", ", ".join(LOCALES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
