"""Charts: SVG that keeps its looks under the page's CSP, names itself, and never draws a hidden cell."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from casebook.reports.charts import PALETTE, contrast_ratio, render_svg
from casebook.reports.suppression import suppress, suppress_durations
from casebook.reports.table import Category, CountTable, DurationStat, DurationTable

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = tuple(Category(f"2026-{m:02}", f"2026-{m:02}") for m in range(1, 7))
WIJKEN = (Category("west", "West"), Category("oost", "Oost"), Category("noord", "Noord"))


def trend(chart: str = "line", counts: dict | None = None, rows=WIJKEN) -> CountTable:
    counts = counts or {(r.key, c.key): 10 + 3 * i + j for i, r in enumerate(rows) for j, c in enumerate(MONTHS)}
    return CountTable("trend", "Open casussen per maand", "cases", rows, MONTHS, counts, "Wijk", "Maand", chart=chart)


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 — our own rendering


@pytest.mark.parametrize("chart", ["bar", "stacked", "line"])
def test_the_chart_has_nothing_the_csp_blocks(chart):
    svg = str(render_svg(suppress(trend(chart), 5)))
    root = parsed(svg)
    assert root.tag == SVG + "svg"
    assert not root.findall(f".//{SVG}style") and not root.findall(f".//{SVG}script")
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        assert not [name for name in element.attrib if name.endswith("href")]
    assert "<?xml" not in svg and "javascript:" not in svg


@pytest.mark.parametrize("chart", ["bar", "stacked", "line"])
def test_the_chart_is_an_image_with_a_title_and_a_description(chart):
    root = parsed(render_svg(suppress(trend(chart), 5)))
    assert root.get("role") == "img"
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert ids == {"chart-trend", "chart-trend-title", "chart-trend-desc"}, (
        "no id of pygal's own (duplicates on a page)"
    )
    labelled_by = root.get("aria-labelledby").split()
    assert labelled_by == ["chart-trend-title", "chart-trend-desc"]
    assert root.find(f"{SVG}title").text == "Open casussen per maand"
    assert "tabel" in root.find(f"{SVG}desc").text
    texts = [element.text for element in root.iter(SVG + "text")]
    assert "Maand" in texts and "Aantal casussen" in texts, "axis titles"


def test_every_series_colour_has_3_to_1_contrast_against_white():
    assert all(contrast_ratio(colour) >= 3 for colour in PALETTE)
    assert len(set(PALETTE)) == len(PALETTE)


@pytest.mark.parametrize("chart", ["bar", "stacked"])
def test_bars_are_painted_in_the_palette(chart):
    root = parsed(render_svg(suppress(trend(chart), 5)))
    bars = [rect for rect in root.iter(SVG + "rect") if "rect" in rect.get("class", "").split()]
    assert len(bars) == len(WIJKEN) * len(MONTHS)
    assert {bar.get("fill") for bar in bars} == set(PALETTE[: len(WIJKEN)])


def test_lines_differ_in_colour_and_dash():
    root = parsed(render_svg(suppress(trend("line"), 5)))
    lines = [path for path in root.iter(SVG + "path") if "reactive" in path.get("class", "").split()]
    assert len({(line.get("stroke"), line.get("stroke-dasharray")) for line in lines}) == len(WIJKEN)
    assert len({line.get("stroke-dasharray") for line in lines}) == len(WIJKEN)


def test_a_suppressed_cell_is_drawn_as_no_bar():
    counts = {(r.key, c.key): 20 for r in WIJKEN for c in MONTHS}
    counts[("west", "2026-03")] = 2
    shown = suppress(trend("bar", counts), 5)
    hidden = sum(shown.cell(r.key, c.key).suppressed for r in WIJKEN for c in MONTHS)
    assert hidden >= 4  # the 2 and the cells that protect it
    root = parsed(render_svg(shown))
    bars = [rect for rect in root.iter(SVG + "rect") if "rect" in rect.get("class", "").split()]
    assert len(bars) == len(WIJKEN) * len(MONTHS) - hidden
    assert "Niet getoonde" in root.find(f"{SVG}desc").text


def test_labels_are_escaped():
    rows = (Category("x", "<script>alert(1)</script>"), Category("y", "A & B"))
    svg = str(
        render_svg(suppress(trend("bar", rows=rows, counts={(r.key, c.key): 9 for r in rows for c in MONTHS}), 5))
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg


def test_a_one_column_table_puts_the_rows_on_the_x_axis():
    rows = tuple(Category(f"s{k}", f"Bron {k}") for k in range(4))
    table = CountTable(
        "bron", "Signalen per bron", "signals", rows, (Category("n", "Aantal"),), {(r.key, "n"): 12 for r in rows}
    )
    root = parsed(render_svg(suppress(table, 5)))
    texts = [element.text for element in root.iter(SVG + "text")]
    assert all(f"Bron {k}" in texts for k in range(4))
    assert "Aantal signalen" in texts


@pytest.mark.parametrize(
    "table",
    [
        trend("none"),
        trend("bar", counts={("west", "2026-01"): 0}),  # empty
        trend("bar", counts={("west", "2026-01"): 3}),  # everything suppressed
    ],
)
def test_nothing_to_draw_gives_no_chart(table):
    assert str(render_svg(suppress(table, 5))) == ""


def test_durations_draw_their_medians():
    quarters = (Category("2026-Q1", "Q1 2026"), Category("2026-Q2", "Q2 2026"))
    stats = {("jeugd", "2026-Q1"): DurationStat(9, 30.0, 50.0), ("jeugd", "2026-Q2"): DurationStat(2, 99.0, 120.0)}
    table = DurationTable("doorlooptijd", "Doorlooptijd", (Category("jeugd", "Jeugd"),), quarters, stats)
    shown = suppress_durations(table, 5)
    assert str(render_svg(shown)) == "", "a duration table draws nothing unless asked"
    svg = str(render_svg(replace(shown, chart="line")))
    assert "Mediaan in dagen" in svg
    assert len(re.findall(r"<circle ", svg)) == 1, "the quarter with n=2 has no point"
