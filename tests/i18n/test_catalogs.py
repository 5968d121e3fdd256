"""The catalogues are complete, and the check that says so can fail (shown on a small project)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from casebook import i18n_catalogs
from casebook.i18n_catalogs import Project, check, compile_catalogues, format_problems, update


def test_catalogues_hold_every_string_translated():
    problems = check()
    assert not problems, format_problems(problems)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A tiny project with the real babel.cfg: one Python string, one template string, one plural."""
    shutil.copy(i18n_catalogs.PROJECT_ROOT / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "casebook").mkdir()
    (tmp_path / "casebook" / "labels.py").write_text('from flask_babel import lazy_gettext as _l\nLABEL = _l("Wijk")\n')
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% do x.update({}) %}<h1>{{ _("Casussen") }}</h1>{{ ngettext("%(num)d casus", "%(num)d casussen", n) }}\n'
    )
    return Project(root=tmp_path)


def _translate(project: Project, translations: dict[str, str | tuple[str, str]]) -> None:
    path = project.po_file("en")
    catalog = read_po(path.open("rb"), locale="en")
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, include_lineno=False, sort_output=True)
    compile_catalogues(project)


def test_update_fills_dutch_and_leaves_english_to_translate(project: Project):
    update(project)
    compile_catalogues(project)
    nl = read_po(project.po_file("nl").open("rb"), locale="nl")
    assert nl.get("Wijk").string == "Wijk"
    assert nl.get(("%(num)d casus", "%(num)d casussen")).string == ("%(num)d casus", "%(num)d casussen")
    problems = check(project)
    assert sorted(problems) == sorted(
        [
            "translations/en/LC_MESSAGES/messages.po: untranslated '%(num)d casus'",
            "translations/en/LC_MESSAGES/messages.po: untranslated 'Casussen'",
            "translations/en/LC_MESSAGES/messages.po: untranslated 'Wijk'",
        ]
    )


def test_translated_catalogues_pass_and_a_new_string_is_reported_missing(project: Project):
    update(project)
    _translate(project, {"Wijk": "District", "Casussen": "Cases", "%(num)d casus": ("%(num)d case", "%(num)d cases")})
    assert check(project) == []

    (project.root / "templates" / "new.html").write_text('<p>{{ _("Nieuwe tekst") }}</p>\n')
    problems = check(project)
    assert len(problems) == 2
    assert all("missing 'Nieuwe tekst' (from templates/new.html:1)" in problem for problem in problems)


def test_fuzzy_broken_placeholder_and_edited_dutch_are_reported(project: Project):
    update(project)
    _translate(project, {"Wijk": "District", "Casussen": "Cases", "%(num)d casus": ("%(count)d case", "%(num)d cases")})
    path = project.po_file("en")
    path.write_text(path.read_text().replace('msgid "Wijk"', '#, fuzzy\nmsgid "Wijk"'))
    nl = project.po_file("nl")
    nl.write_text(nl.read_text().replace('msgstr "Casussen"', 'msgstr "Zaken"'))
    compile_catalogues(project)

    problems = "\n".join(check(project))

    assert "en/LC_MESSAGES/messages.po: fuzzy 'Wijk'" in problems
    assert "'%(num)d casus': " in problems  # the placeholder %(count)d does not match
    assert "nl/LC_MESSAGES/messages.po: 'Casussen' differs from its source text" in problems


def test_stale_compiled_catalogue_is_reported(project: Project):
    update(project)
    _translate(project, {"Wijk": "District", "Casussen": "Cases", "%(num)d casus": ("%(num)d case", "%(num)d cases")})
    _translate(project, {"Wijk": "Neighbourhood"})
    project.mo_file("en").write_bytes(b"")
    assert check(project) == [
        "translations/en/LC_MESSAGES/messages.mo: missing or out of date (make translations-compile)"
    ]


def test_update_twice_changes_nothing(project: Project):
    update(project, now=datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    first = project.po_file("en").read_bytes(), project.po_file("nl").read_bytes()
    update(project, now=datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    assert (project.po_file("en").read_bytes(), project.po_file("nl").read_bytes()) == first


def test_update_keeps_translations_and_drops_removed_strings(project: Project):
    update(project)
    _translate(project, {"Wijk": "District", "Casussen": "Cases", "%(num)d casus": ("%(num)d case", "%(num)d cases")})
    (project.root / "casebook" / "labels.py").write_text("LABEL = None\n")
    report = update(project)
    assert report[1] == "translations/en/LC_MESSAGES/messages.po: 0 added, 1 removed, 0 to translate"
    en = read_po(project.po_file("en").open("rb"), locale="en")
    assert en.get("Casussen").string == "Cases"
    assert en.get("Wijk") is None
