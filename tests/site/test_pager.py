"""One pager: every paged list uses templates/_pagination.html, and it is links in a labelled nav."""

from __future__ import annotations

import re
from pathlib import Path

from flask import render_template_string

from casebook.pagination import Page

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAGER = '{% import "_pagination.html" as pagination with context %}{{ pagination.pager(page, "cases.index", {}) }}'


def test_no_template_but_the_pager_draws_page_links():
    own_paging = re.compile(r'rel="(next|prev)"|utrecht-pagination|\b(before|after)=[a-z_.]*cursor')
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.name != "_pagination.html" and own_paging.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_pager_is_plain_links_in_a_labelled_nav(app):
    page = Page(items=[], per_page=25, total=80, total_is_exact=True, position="next", next_cursor="n", prev_cursor="p")
    with app.test_request_context("/cases"):
        html = render_template_string(PAGER, page=page)
    nav = re.search(r"<nav[^>]*>.*</nav>", html, re.DOTALL).group(0)
    assert nav.startswith('<nav class="utrecht-pagination cb-pagination" aria-label="Paginering">')
    assert "<button" not in nav and "utrecht-button" not in nav
    links = re.findall(r"<a [^>]*>", nav)
    assert len(links) == 3 and all('class="utrecht-link utrecht-pagination__relative-link' in a for a in links)
    assert 'rel="prev" href="/cases?before=p"' in nav and 'rel="next" href="/cases?after=n"' in nav


def test_a_single_page_has_no_pager(app):
    page = Page(items=[], per_page=25, total=3, total_is_exact=True, position="first")
    with app.test_request_context("/cases"):
        assert "<nav" not in render_template_string(PAGER, page=page)


def test_the_pager_is_styled_as_links_not_as_boxes():
    css = (TEMPLATES.parent / "casebook" / "static" / "casebook.css").read_text(encoding="utf-8")
    block = css[css.index("/* consistency */") :]
    rule = re.search(r"\.cb-pagination \.utrecht-pagination__relative-link \{([^}]*)\}", block).group(1)
    assert "border-width: 0" in rule and "text-transform: none" in rule and "text-decoration: underline" in rule
