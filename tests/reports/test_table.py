"""The data-table macro: an accessible table of what suppression lets through, and nothing else."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from casebook.reports.suppression import suppress, suppress_durations
from casebook.reports.table import SUPPRESSED_SYMBOL, Category, Cell, CountTable, DurationStat, DurationTable

MACRO = '{% from "reports/_table.html" import report_table %}{{ report_table(shown) }}'
ROWS = (Category("west", "West"), Category("oost", "=Oost"))
COLUMNS = (Category("jeugd", "Jeugd"), Category("overlast", "Woonoverlast"), Category("overig", "Overig"))


def render(app, shown) -> str:
    with app.test_request_context():
        return render_template_string(MACRO, shown=shown)


def counts_table(counts: dict) -> CountTable:
    return CountTable("per_wijk", "Open casussen per wijk", "cases", ROWS, COLUMNS, counts, "Wijk", "Casustype")


def test_a_table_has_a_caption_headers_with_scope_and_totals(app):
    counts = {(r.key, c.key): 10 + i + j for i, r in enumerate(ROWS) for j, c in enumerate(COLUMNS)}
    html = render(app, suppress(counts_table(counts), 5))
    assert "<caption" in html and "Open casussen per wijk</caption>" in html
    assert html.count('scope="col"') == len(COLUMNS) + 2  # the row heading, the columns, the total
    assert html.count('scope="row"') == len(ROWS) + 1  # the rows and the totals row
    assert "<tfoot" in html and html.count("Totaal") == 2
    assert ">69<" in html  # the grand total
    assert ">=Oost<" in html  # a label is text on a page (the formula guard is for exports)
    assert "niet getoond" not in html, "nothing suppressed: no legend"


def test_a_suppressed_cell_shows_the_symbol_with_a_spoken_explanation_and_the_legend_gives_the_threshold(app):
    counts = {(r.key, c.key): 20 for r in ROWS for c in COLUMNS}
    counts[("west", "jeugd")] = 3
    shown = suppress(counts_table(counts), 7)
    html = render(app, shown)
    hidden = sum(cell.suppressed for cell in shown.cells.values())
    assert hidden >= 4
    assert html.count(f'<span aria-hidden="true">{SUPPRESSED_SYMBOL}</span>') == hidden + sum(
        c.suppressed for c in [*shown.row_totals.values(), *shown.column_totals.values(), shown.grand_total]
    )
    assert html.count('<span class="cb-visually-hidden">niet getoond</span>') >= hidden
    assert "minder dan 7" in html
    assert not re.search(r">\s*3\s*<", html), "the small number is nowhere"


def test_an_empty_table_says_so(app):
    html = render(app, suppress(counts_table({}), 5))
    assert "geen gegevens in deze periode" in html and "<table" not in html


def test_a_duration_table_has_grouped_headers_and_hides_medians_over_few(app):
    stats = {("west", "jeugd"): DurationStat(12, 40.5, 71.0), ("oost", "jeugd"): DurationStat(3, 222.0, 301.0)}
    table = DurationTable("doorloop", "Doorlooptijd", ROWS, COLUMNS, stats, "Wijk", "Casustype")
    html = render(app, suppress_durations(table, 5))
    assert html.count('scope="colgroup"') == len(COLUMNS)
    assert "40,5" in html and "71" in html
    assert "222" not in html and "301" not in html
    assert "minder dan 5" in html


def test_a_cell_displays_its_value_or_the_symbol():
    assert Cell(12).display == "12"
    assert Cell(None, True).display == SUPPRESSED_SYMBOL


@pytest.mark.parametrize("value", [0, 1])
def test_a_shown_table_never_carries_a_hidden_value(value):
    shown = suppress(counts_table({("west", "jeugd"): value, ("oost", "jeugd"): 40}), 5)
    assert shown.cell("west", "jeugd") == Cell(None, True)
