"""Server-rendered SVG charts of suppressed tables, inline in the page and valid under its CSP.

**Library: pygal**, not matplotlib. Both draw to SVG; pygal builds the SVG as an element tree with
the chart's parts named by class (series, bars, axes, legend), which lets us rework it for the CSP
and for assistive technology, and its output is small (10–30 kB, text as ``<text>``, so it scales
and is searchable). Matplotlib's SVG draws text as glyph paths by default, embeds ``style``
attributes on every element (which ``style-src 'self'`` blocks when the SVG is inline), weighs
hundreds of kB, and pulls numpy and a font cache into every web worker.

**The CSP** is ``script-src 'self'; style-src 'self'``. pygal emits a ``<style>`` element, a
``style`` attribute on its tooltip and, unless disabled, ``<script>`` tags; the first two are
blocked inline, so the chart would lose its colours. ``render_svg`` therefore renders without
JavaScript (``js=[]``, no XML declaration), drops ``<defs>`` (the style), the tooltip overlay, every
``style`` attribute, every ``<desc>`` tooltip and every ``id`` pygal invents, and writes the looks as
SVG *presentation attributes* (``fill``, ``stroke``, ``font-size``, ``text-anchor``), which are not
CSS and not subject to the CSP. ``tests/reports/test_charts_browser.py`` loads the result in
Chromium under the real CSP and checks the colours and that no violation is reported.

**Accessibility.** The ``<svg>`` has ``role="img"`` and ``aria-labelledby`` pointing to its own
``<title>`` and ``<desc>``; the numbers themselves are in the data table beside it
(``templates/reports/_table.html``), which is the text alternative. Colours are from the
Rijkshuisstijl palette (the NL Design System's Rijksoverheid theme), each at least 3:1 against white
(WCAG 1.4.11); stacked segments are separated by a white line and line series also differ in dash
pattern, so colour is not the only cue. A suppressed cell is drawn as no bar and no point —
never a value, and never a zero.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from casebook.reports.table import ShownDurations, ShownTable

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Rijkshuisstijl colours (donkerblauw, oranje, groen, violet, robijnrood, hemelblauw, bruin,
# donkergroen, rood, lintblauw): every one has a contrast of at least 3:1 against white.
PALETTE = (
    "#154273",
    "#E17000",
    "#39870C",
    "#42145F",
    "#CA005D",
    "#007BC7",
    "#673327",
    "#275937",
    "#D52B1E",
    "#01689B",
)
DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4", "16 6")
TEXT_COLOUR = "#1A1A1A"
AXIS_COLOUR = "#1A1A1A"
GUIDE_COLOUR = "#CCCCCC"

UNIT_AXIS_TITLES = {
    "cases": _l("Aantal casussen"),
    "persons": _l("Aantal personen"),
    "signals": _l("Aantal signalen"),
    "interventions": _l("Aantal interventies"),
}

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def contrast_ratio(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def render_svg(shown: ShownTable | ShownDurations) -> Markup:
    """The table's chart as inline SVG markup, or an empty Markup when there is nothing to draw.

    Nothing to draw: ``chart == "none"``, an empty table, or every cell suppressed. For a count
    table the columns are the x axis and each row is a series (a one-column table: the rows are the
    x axis, one series); a duration table draws the medians (``chart`` "line" or "bar").
    """
    series, x_labels = _series(shown)
    if shown.chart not in ("bar", "stacked", "line") or shown.empty or not series:
        return Markup("")
    import pygal

    kind = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "line": pygal.Line}[shown.chart]
    if isinstance(shown, ShownDurations):
        y_title = _("Mediaan in dagen")
    else:
        y_title = str(UNIT_AXIS_TITLES.get(shown.unit) or _("Aantal"))
    top = _top(series, stacked=shown.chart == "stacked")
    # pygal gives each legend column and x label a fixed share of the width and never wraps text, so
    # long names (e.g. "Volwassen veelpleger / high impact crime") get fewer legend columns and a
    # slanted axis instead of running into each other.
    longest_series = max((len(str(name)) for name, _values in series), default=0)
    longest_label = max((len(str(label)) for label in x_labels), default=0)
    legend_columns = 1 if longest_series > 40 else 2 if longest_series > 18 else 4
    chart = kind(
        js=[],
        css=[],
        disable_xml_declaration=True,
        no_prefix=True,
        width=800,
        height=420 if len(x_labels) <= 8 else 460,
        title=None,
        x_title=str(shown.column_title) if len(shown.columns) > 1 else str(shown.row_title),
        y_title=y_title,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(series), legend_columns),
        truncate_legend=-1,
        truncate_label=-1,
        x_label_rotation=30 if len(x_labels) > 6 or longest_label * len(x_labels) > 90 else 0,
        allow_interruptions=True,
        print_values=False,
        show_dots=True,
        dots_size=4,
        stroke_style={"width": 3},
        range=(0, top),
        y_labels=_ticks(top),
        include_x_axis=True,
        margin=16,
        spacing=12,
    )
    chart.x_labels = x_labels
    for label, values in series:
        chart.add(label, values)
    return Markup(_for_csp(chart.render(is_unicode=True), shown))  # noqa: S704 — ElementTree escaped every text


def _series(shown: ShownTable | ShownDurations) -> tuple[list[tuple[str, list[Any]]], list[str]]:
    """(series label, values with None for a suppressed cell) per series, and the x labels."""

    def value(row: str, column: str) -> Any:
        cell = shown.stat(row, column).median if isinstance(shown, ShownDurations) else shown.cell(row, column)
        return None if cell.suppressed else cell.value

    if len(shown.columns) == 1 and len(shown.rows) > 1:
        column = shown.columns[0]
        series = [(str(column.label), [value(r.key, column.key) for r in shown.rows])]
        x_labels = [str(r.label) for r in shown.rows]
    else:
        series = [(str(r.label), [value(r.key, c.key) for c in shown.columns]) for r in shown.rows]
        x_labels = [str(c.label) for c in shown.columns]
    if all(v is None for _label, values in series for v in values):
        return [], x_labels
    return series, x_labels


def _top(series: list[tuple[str, list[Any]]], *, stacked: bool) -> float:
    values = [[v or 0 for v in line] for _label, line in series]
    highest = max(map(sum, zip(*values, strict=True))) if stacked else max(max(line) for line in values)
    return _nice_step(highest) * max(1, math.ceil(highest / _nice_step(highest)))


def _nice_step(highest: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about five intervals up to ``highest``."""
    if highest <= 5:
        return 1
    raw = highest / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def _ticks(top: float) -> list[float]:
    step = _nice_step(top)
    count = round(top / step)
    return [round(k * step, 6) for k in range(count + 1)]


# --- pygal's SVG, reworked for the CSP and assistive technology -------------------------------------


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _for_csp(svg: str, shown: ShownTable | ShownDurations) -> str:
    root = ET.fromstring(svg)  # noqa: S314 — our own pygal output
    chart_id = "chart-" + re.sub(r"[^A-Za-z0-9_-]", "-", shown.key)
    parents = {child: parent for parent in root.iter() for child in parent}

    for element in list(root.iter()):
        classes = _classes(element)
        if element.tag in (_q("defs"), _q("desc"), _q("script"), _q("style")) or classes & {"tooltip-overlay"}:
            parents[element].remove(element)
        elif element.tag == _q("title") and parents.get(element) is root:
            root.remove(element)  # pygal's own title; ours follows
    for element in root.iter():
        element.attrib.pop("style", None)
        if element is not root:
            element.attrib.pop("id", None)

    root.set("id", chart_id)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("class", "cb-chart")
    root.set("font-size", "14")
    root.set("fill", TEXT_COLOUR)
    title = ET.Element(_q("title"), {"id": f"{chart_id}-title"})
    title.text = str(shown.title)
    desc = ET.Element(_q("desc"), {"id": f"{chart_id}-desc"})
    desc.text = _description(shown)
    root.insert(0, desc)
    root.insert(0, title)

    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        _paint(element, parents)
    return ET.tostring(root, encoding="unicode")


def _ancestor_classes(element: ET.Element, parents: dict) -> set[str]:
    found: set[str] = set()
    while element in parents:
        element = parents[element]
        found |= _classes(element)
    return found


def _series_index(classes: set[str]) -> int | None:
    for name in classes:
        if name.startswith(("serie-", "color-")) and name.split("-", 1)[1].isdigit():
            return int(name.split("-", 1)[1])
    return None


def _paint(element: ET.Element, parents: dict) -> None:
    """Presentation attributes standing in for pygal's stylesheet."""
    classes = _classes(element)
    around = _ancestor_classes(element, parents)
    index = _series_index(classes | around)
    tag = element.tag
    if tag == _q("rect") and "background" in classes:
        element.set("fill", "#FFFFFF")
    elif tag == _q("text"):
        element.set("fill", TEXT_COLOUR)
        if "title" in classes:
            element.set("text-anchor", "middle")
            element.set("font-size", "15")
            element.set("font-weight", "bold")
        elif "axis" in around and "x" in around:
            element.set("text-anchor", "start" if element.get("transform") else "middle")
            element.set("font-size", "13")
        elif "axis" in around and "y" in around:
            element.set("text-anchor", "end")
            element.set("font-size", "13")
    elif tag == _q("path") and "axis" in around:
        element.set("fill", "none")
        if "guide" in classes:
            element.set("stroke", GUIDE_COLOUR)
        else:
            element.set("stroke", AXIS_COLOUR)
        if "guide" in classes and "x" in around and "line-graph" not in around:
            element.set("stroke-opacity", "0")  # pygal hides vertical guides of a vertical bar chart
    elif index is not None:
        colour = PALETTE[index % len(PALETTE)]
        if tag == _q("rect"):
            element.set("fill", colour)
            if "legends" not in around:
                element.set("stroke", "#FFFFFF")
                element.set("stroke-width", "1")
        elif tag == _q("path") and "line" in classes:
            element.set("fill", "none")
            element.set("stroke", colour)
            element.set("stroke-width", "3")
            dash = DASHES[index % len(DASHES)]
            if dash:
                element.set("stroke-dasharray", dash)
        elif tag == _q("circle"):
            element.set("fill", colour)
            element.set("stroke", colour)


def _description(shown: ShownTable | ShownDurations) -> str:
    kind = {
        "bar": _("Staafdiagram"),
        "stacked": _("Gestapeld staafdiagram"),
        "line": _("Lijndiagram"),
    }[shown.chart]
    text = _("%(kind)s van %(title)s. De cijfers staan in de tabel bij deze grafiek.", kind=kind, title=shown.title)
    if shown.any_suppressed:
        text += " " + _("Niet getoonde aantallen hebben geen staaf of punt.")
    return text
