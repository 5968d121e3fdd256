"""The formula guard every spreadsheet export uses (CSV injection)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import pytest

from casebook.exports import neutralise_cell, to_csv, to_xlsx


@pytest.mark.parametrize("value", ["=1+1", "+31612345678", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_a_formula_trigger_gets_a_quote_first(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Jansen", "PGA-2026-00049", "", " =not first", "'already"])
def test_plain_text_passes(value):
    assert neutralise_cell(value) == value


def test_values_that_are_no_text_pass_unchanged():
    moment = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert [neutralise_cell(v) for v in (None, 3, -2, 1.5, True, date(2026, 1, 1), moment)] == [
        "",
        3,
        -2,
        1.5,
        True,
        date(2026, 1, 1),
        moment,
    ]


def test_csv_and_xlsx_hold_no_live_formula():
    rows = [["=cmd|' /C calc'!A0", -5, date(2026, 1, 2)]]
    text = to_csv(["=header", "b", "c"], rows).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert parsed == [["'=header", "b", "c"], ["'=cmd|' /C calc'!A0", "-5", "2026-01-02"]]
    with zipfile.ZipFile(io.BytesIO(to_xlsx(["a"], rows))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "'=cmd" in strings
