"""The repository explains itself: the design document is in it, and nothing points outside it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_links_the_design_document_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/design.md" in readme
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for heading in (
        "## Who uses it",
        "## Domain",
        "## Architecture",
        "## The module contract",
        "## Roadmap",
        "## Glossary",
    ):
        assert heading in design


def test_nothing_points_at_a_design_file_outside_the_repository():
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    for folder in ("casebook", "templates", "tests", "docs", "scripts", "config", "migrations"):
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".md", ".py", ".html", ".sh", ".toml")]
    me = Path(__file__).resolve()
    outside = [str(p.relative_to(ROOT)) for p in files if p != me and "../shared/" in p.read_text(encoding="utf-8")]
    assert outside == []
