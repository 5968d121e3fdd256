"""Spreadsheet exports (CSV and XLSX) that a spreadsheet program cannot turn into formulas.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (CSV injection, OWASP): every text cell of every export
goes through ``neutralise_cell``, which puts a ``'`` before such a value, so it shows as typed and
is never evaluated. Numbers, dates and times are written as values, not text. XLSX cells are
written as strings explicitly (no formula or URL detection) on top of that.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_cell(value: Any) -> Any:
    """``value`` safe for a spreadsheet: text beginning with a formula trigger gets a leading ``'``.

    None becomes ``""``; numbers, dates and times pass unchanged (they are values, not formulas).
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the accents), ``;``-separated as Dutch Excel expects."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([_as_text(neutralise_cell(cell)) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Export") -> bytes:
    """One worksheet: the header in bold, then the rows; text as strings, dates as dates."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    worksheet = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    times = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for column, title in enumerate(header):
        worksheet.write_string(0, column, str(neutralise_cell(title)), bold)
    for line, row in enumerate(rows, start=1):
        for column, raw in enumerate(row):
            cell = neutralise_cell(raw)
            if isinstance(cell, datetime):
                worksheet.write_datetime(line, column, cell.replace(tzinfo=None), times)
            elif isinstance(cell, date):
                worksheet.write_datetime(line, column, datetime(cell.year, cell.month, cell.day), dates)
            elif isinstance(cell, bool | int | float):
                worksheet.write_number(line, column, cell)
            else:
                worksheet.write_string(line, column, cell)
    book.close()
    return out.getvalue()
