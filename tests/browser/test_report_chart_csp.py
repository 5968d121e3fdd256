"""The chart inline in a page under Casebook's real CSP, in Chromium: coloured, no violation, accessible.

No live server: it uses the session's Chromium (the ``browser`` fixture: one Playwright per
process, so a second one cannot start beside it), and the page (chart + data table macro + the
site's stylesheets) is served by Playwright's router with the CSP header of ``casebook.security``.
The same check on pygal's raw output reports a violation, which proves it can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import render_template_string

from casebook.reports.charts import render_svg
from casebook.reports.suppression import suppress
from casebook.reports.table import Category, CountTable
from casebook.security import CONTENT_SECURITY_POLICY
from tests.browser.support import FAILING_IMPACTS, axe_violations, format_violations

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "casebook" / "static"
ORIGIN = "http://casebook.test"
PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Rapport</title>
<link rel="stylesheet" href="/static/vendor/utrecht/component-library.css">
<link rel="stylesheet" href="/static/casebook.css"></head>
<body><main><h1>Rapport</h1><figure>{chart}</figure>{table}</main></body></html>"""


def table() -> CountTable:
    rows = (Category("west", "West"), Category("oost", "Oost"), Category("noord", "Noord"))
    columns = tuple(Category(f"t{k}", f"Type {k}") for k in range(4))
    counts = {(r.key, c.key): 8 + 5 * i + 2 * j for i, r in enumerate(rows) for j, c in enumerate(columns)}
    counts[("oost", "t2")] = 1
    return CountTable("per_wijk", "Open casussen per wijk", "cases", rows, columns, counts, "Wijk", "Type", "bar")


def load(browser, html: str):
    page = browser.new_page()
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"
    )

    def serve(route):
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/static/") and (STATIC / path.removeprefix("/static/")).is_file():
            route.fulfill(status=200, path=str(STATIC / path.removeprefix("/static/")))
        elif path == "/":
            route.fulfill(
                status=200,
                headers={
                    "Content-Type": "text/html; charset=utf-8",
                    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                },
                body=html,
            )
        else:
            route.fulfill(status=404, body="")

    page.route("**/*", serve)
    page.goto(ORIGIN + "/")
    page.wait_for_load_state("load")
    return page


def test_the_chart_keeps_its_colours_under_the_csp_and_the_page_is_accessible(app, browser):
    shown = suppress(table(), 5)
    with app.test_request_context():
        html = PAGE.format(
            chart=render_svg(shown),
            table=render_template_string(
                '{% from "reports/_table.html" import report_table %}{{ report_table(shown) }}', shown=shown
            ),
        )
    page = load(browser, html)
    try:
        assert page.evaluate("window.__violations") == []
        fill = page.evaluate("getComputedStyle(document.querySelector('svg .series rect')).fill")
        assert fill == "rgb(21, 66, 115)"  # Rijkshuisstijl donkerblauw, from a presentation attribute
        assert page.get_by_role("img", name="Open casussen per wijk").count() == 1
        assert page.get_by_role("table", name="Open casussen per wijk").count() == 1
        failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
        assert not failing, format_violations(failing, "chart and table")
    finally:
        page.close()


def test_pygal_as_it_comes_is_blocked_by_the_csp(browser):
    import pygal

    chart = pygal.Bar(js=[], disable_xml_declaration=True)
    chart.add("a", [1, 2])
    page = load(browser, PAGE.format(chart=chart.render(is_unicode=True), table=""))
    try:
        assert "style-src-elem" in page.evaluate("window.__violations") or "style-src" in page.evaluate(
            "window.__violations"
        )
    finally:
        page.close()
