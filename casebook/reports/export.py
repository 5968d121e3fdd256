"""CSV and XLSX of a report: the suppressed tables only, with a header saying what they are.

Built on ``casebook.exports``: the same ``;`` CSV dialect (UTF-8 with BOM, what Dutch Excel opens)
and the same formula guard (``neutralise_cell``) on every text cell — labels come from the database
(organisation and wijk names), so a name beginning with ``=`` or ``@`` must not become a formula.
Only ``ShownTable`` / ``ShownDurations`` come in, and a suppressed cell carries no value, so an
export cannot contain a suppressed number: it holds the suppression symbol instead.

The header (CSV: the first lines; XLSX: the first sheet, "Over dit rapport") states the report, the
period, the scope, the filters, the threshold and the creation time, so a file that travels on by
e-mail still says what it counts and that small numbers were hidden.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _

from casebook import settings
from casebook.exports import neutralise_cell, to_csv
from casebook.reports.table import SUPPRESSED_SYMBOL, Cell, ReportMeta, ShownDurations, ShownTable

Shown = ShownTable | ShownDurations


def report_csv(meta: ReportMeta, shown_tables: Sequence[Shown]) -> bytes:
    """The report as one ``;``-separated CSV: the header lines, then each table with its totals."""
    about = _about(meta)
    lines: list[list[Any]] = about[1:]
    for shown in shown_tables:
        lines.append([])
        lines.extend([_csv_number(value) for value in line] for line in _table_lines(shown))
    return to_csv([str(value) for value in about[0]], lines)


def report_xlsx(meta: ReportMeta, shown_tables: Sequence[Shown]) -> bytes:
    """The report as a workbook: "Over dit rapport" first, then one sheet per table."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True})
    formats = {
        date: book.add_format({"num_format": "yyyy-mm-dd"}),
        datetime: book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    used: set[str] = set()
    about = book.add_worksheet(_sheet_name(_("Over dit rapport"), used))
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 60)
    for number, line in enumerate(_about(meta)):
        _write_line(about, number, line, formats, first_bold=bold)
    for shown in shown_tables:
        sheet = book.add_worksheet(_sheet_name(str(shown.title), used))
        sheet.set_column(0, 0, 28)
        for number, line in enumerate(_table_lines(shown)):
            _write_line(sheet, number, line, formats, first_bold=bold, bold_line=bold if number in (0, 1) else None)
    book.close()
    return out.getvalue()


# --- the content, shared by both formats ------------------------------------------------------------


def _about(meta: ReportMeta) -> list[list[Any]]:
    last_day = meta.period_end - timedelta(days=1)  # the period's end is exclusive
    return [
        [_("Rapport"), meta.title],
        [_("Periode"), meta.period_start, _("tot en met"), last_day],
        [_("Bereik"), meta.scope_label],
        [_("Filters"), meta.filters_label or _("geen")],
        [
            _("Drempel"),
            meta.threshold,
            _(
                "Aantallen onder %(threshold)s, en aantallen waaruit die terug te rekenen zijn, staan als %(symbol)s.",
                threshold=meta.threshold,
                symbol=SUPPRESSED_SYMBOL,
            ),
        ],
        [_("Gemaakt op"), _local(meta.created_at)],
        *([[_("Stand van de cijfers"), _local(meta.as_of)]] if meta.as_of else []),
    ]


def _table_lines(shown: Shown) -> list[list[Any]]:
    """The table as rows of values: its title, the header line, the body, the totals line (counts)."""
    lines: list[list[Any]] = [[shown.title]]
    if shown.empty:
        lines.append([_("Geen gegevens in deze periode.")])
        return lines
    if isinstance(shown, ShownDurations):
        header: list[Any] = [shown.row_title or ""]
        for column in shown.columns:
            header += [f"{column.label} n", f"{column.label} {_('mediaan')}", f"{column.label} p80"]
        lines.append(header)
        for row in shown.rows:
            line: list[Any] = [row.label]
            for column in shown.columns:
                stat = shown.stat(row.key, column.key)
                line += [_value(stat.n), _value(stat.median), _value(stat.p80)]
            lines.append(line)
        lines.append([_("Doorlooptijden in dagen; n = aantal.")])
    else:
        sums = [_("Totaal")] if shown.row_sums else []
        lines.append([shown.row_title or "", *(column.label for column in shown.columns), *sums])
        for row in shown.rows:
            total = [_value(shown.row_totals[row.key])] if shown.row_sums else []
            lines.append([row.label, *(_value(shown.cell(row.key, column.key)) for column in shown.columns), *total])
        grand = [_value(shown.grand_total)] if shown.row_sums else []
        lines.append([_("Totaal"), *(_value(shown.column_totals[column.key]) for column in shown.columns), *grand])
    if shown.note:
        lines.append([shown.note])
    return lines


def _value(cell: Cell) -> Any:
    return SUPPRESSED_SYMBOL if cell.suppressed or cell.value is None else cell.value


def _csv_number(value: Any) -> Any:
    """A decimal with a comma, as Dutch spreadsheets read a ``;`` file; every other value unchanged."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value


def _local(moment: datetime) -> datetime:
    """``moment`` in the display timezone (Amsterdam), without tzinfo: what a spreadsheet shows."""
    zone = current_app.config["DISPLAY_TIMEZONE"] if has_app_context() else settings.default("DISPLAY_TIMEZONE")
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(zone))
    return moment.replace(tzinfo=None, second=0, microsecond=0)


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique worksheet name: at most 31 characters, none of ``[]:*?/\\``, no edge apostrophe."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'").strip() or _("Tabel")
    name, number = base[:31], 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def _write_line(
    sheet: Any,
    number: int,
    line: Iterable[Any],
    formats: dict[type, Any],
    *,
    first_bold: Any = None,
    bold_line: Any = None,
) -> None:
    for column, raw in enumerate(line):
        value = neutralise_cell(raw)
        style = bold_line or (first_bold if column == 0 else None)
        if isinstance(value, datetime):
            sheet.write_datetime(number, column, value.replace(tzinfo=None), formats[datetime])
        elif isinstance(value, date):
            sheet.write_datetime(number, column, datetime(value.year, value.month, value.day), formats[date])
        elif isinstance(value, bool | int | float):
            sheet.write_number(number, column, value, style)
        else:
            sheet.write_string(number, column, str(value), style)
