"""Report exports: they open in a spreadsheet library, say what they are, hold no formula and no hidden number."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.reports.export import report_csv, report_xlsx
from casebook.reports.suppression import suppress, suppress_durations
from casebook.reports.table import SUPPRESSED_SYMBOL, Category, CountTable, DurationStat, DurationTable, ReportMeta

META = ReportMeta(
    name="caseload",
    title="Caseload",
    period_start=date(2026, 1, 1),
    period_end=date(2027, 1, 1),
    scope_label="Sociaal Wijkteam West",
    threshold=5,
    created_at=datetime(2026, 12, 3, 8, 30, tzinfo=UTC),
    filters_label="Wijk: West",
)
ROWS = (Category("west", '=HYPERLINK("http://x")'), Category("oost", "@SUM(A1)"), Category("noord", "Noord"))
COLUMNS = (Category("jeugd", "Jeugd"), Category("overlast", "-Overlast"))
SMALL = 3  # the one number that must not appear


def tables():
    counts = {("west", "jeugd"): SMALL, ("west", "overlast"): 27, ("oost", "jeugd"): 31}
    counts |= {("oost", "overlast"): 29, ("noord", "jeugd"): 33, ("noord", "overlast"): 37}
    counts_table = CountTable("per_wijk", "Open casussen per wijk", "cases", ROWS, COLUMNS, counts, "Wijk", "Type")
    stats = {("west", "jeugd"): DurationStat(2, 111.0, 122.0), ("oost", "jeugd"): DurationStat(8, 40.5, 60.0)}
    durations = DurationTable("doorloop", "Doorlooptijd melding – weging", ROWS, COLUMNS, stats, "Wijk")
    shown = suppress(counts_table, META.threshold)
    return [shown, suppress_durations(durations, META.threshold)], shown


def hidden_numbers() -> set[int]:
    """The true values behind the suppressed cells of the count table (known to the test only)."""
    shown = tables()[1]
    hidden = {key for key, cell in shown.cells.items() if cell.suppressed}
    assert hidden == {("west", "jeugd"), ("west", "overlast"), ("oost", "jeugd"), ("oost", "overlast")}
    return {SMALL, 27, 31, 29}  # no shown cell or total has one of these values


def csv_rows() -> list[list[str]]:
    data = report_csv(META, tables()[0])
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def xlsx_book():
    return openpyxl.load_workbook(io.BytesIO(report_xlsx(META, tables()[0])))


def test_the_csv_starts_with_what_the_report_is():
    rows = csv_rows()
    assert rows[0] == ["Rapport", "Caseload"]
    assert rows[1] == ["Periode", "2026-01-01", "tot en met", "2026-12-31"]
    assert rows[2] == ["Bereik", "Sociaal Wijkteam West"]
    assert rows[3] == ["Filters", "Wijk: West"]
    assert rows[4][:2] == ["Drempel", "5"] and SUPPRESSED_SYMBOL in rows[4][2]
    assert rows[5] == ["Gemaakt op", "2026-12-03T09:30"]  # Amsterdam time


def test_the_csv_holds_each_table_with_its_totals_and_the_symbol_for_hidden_cells():
    rows = csv_rows()
    start = rows.index(["Open casussen per wijk"])
    assert rows[start + 1] == ["Wijk", "Jeugd", "'-Overlast", "Totaal"]
    assert rows[start + 2][0] == '\'=HYPERLINK("http://x")' and rows[start + 2][1] == SUPPRESSED_SYMBOL
    assert rows[start + 3][0] == "'@SUM(A1)"
    assert rows[start + 5][0] == "Totaal"
    durations = rows.index(["Doorlooptijd melding – weging"])
    assert rows[durations + 1][:4] == ["Wijk", "Jeugd n", "Jeugd mediaan", "Jeugd p80"]
    assert rows[durations + 3][1:4] == ["8", "40,5", "60,0"]


def test_no_csv_cell_is_a_formula_or_a_hidden_number():
    for row in csv_rows():
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    numbers = {cell for row in csv_rows() for cell in row}
    assert not {str(n) for n in hidden_numbers()} & numbers
    assert "111,0" not in numbers and "2" not in numbers


def test_the_xlsx_opens_with_an_about_sheet_first():
    book = xlsx_book()
    assert book.sheetnames[0] == "Over dit rapport"
    about = [tuple(row) for row in book["Over dit rapport"].iter_rows(values_only=True)]
    assert about[0][:2] == ("Rapport", "Caseload")
    assert about[1][1] == datetime(2026, 1, 1) and about[1][3] == datetime(2026, 12, 31)
    assert about[2][1] == "Sociaal Wijkteam West"
    assert about[4][:2] == ("Drempel", 5)
    assert about[5][1] == datetime(2026, 12, 3, 9, 30)


def test_the_xlsx_has_a_sheet_per_table_with_values_symbols_and_no_formula():
    book = xlsx_book()
    assert len(book.sheetnames) == 3
    sheet = book[book.sheetnames[1]]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Open casussen per wijk"
    assert values[2][0] == '\'=HYPERLINK("http://x")' and values[2][1] == SUPPRESSED_SYMBOL
    assert values[3][0] == "'@SUM(A1)"
    assert values[4][1:] == [33, 37, 70]
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {worksheet.title}!{cell.coordinate}"
                assert cell.value not in hidden_numbers()
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    durations = [list(row) for row in book[book.sheetnames[2]].iter_rows(values_only=True)]
    assert durations[3][1:4] == [8, 40.5, 60.0]
    assert 111.0 not in {v for row in durations for v in row}


def test_an_empty_table_is_exported_as_such():
    empty = suppress(CountTable("leeg", "Leeg", "cases", ROWS, COLUMNS, {}), 5)
    rows = list(csv.reader(io.StringIO(report_csv(META, [empty]).decode("utf-8-sig")), delimiter=";"))
    assert rows[-2:] == [["Leeg"], ["Geen gegevens in deze periode."]]


@pytest.mark.parametrize("title", ["Per wijk: jeugd/overlast [2026]?", "'Citaat'", "x" * 40])
def test_sheet_names_are_valid_and_unique(title):
    shown = suppress(CountTable("t", title, "cases", ROWS, COLUMNS, {("noord", "jeugd"): 50}), 5)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(META, [shown, shown])))
    names = book.sheetnames[1:]
    assert len(set(names)) == 2
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") and not name.startswith("'") for name in names)


@settings(max_examples=40, deadline=None)
@given(
    matrix=st.integers(1, 5).flatmap(
        lambda n: st.lists(st.lists(st.integers(0, 30), min_size=n, max_size=n), min_size=1, max_size=5)
    ),
    threshold=st.integers(2, 10),
)
def test_every_exported_cell_is_the_shown_value_or_the_symbol(matrix, threshold):
    rows = tuple(Category(f"r{i}", f"Rij {i}") for i in range(len(matrix)))
    columns = tuple(Category(f"c{j}", f"Kolom {j}") for j in range(len(matrix[0])))
    counts = {(r.key, c.key): matrix[i][j] for i, r in enumerate(rows) for j, c in enumerate(columns)}
    shown = suppress(CountTable("t", "Tabel", "cases", rows, columns, counts), threshold)
    expected = [[shown.cell(r.key, c.key).display for c in columns] + [shown.row_totals[r.key].display] for r in rows]
    expected.append([shown.column_totals[c.key].display for c in columns] + [shown.grand_total.display])
    lines = list(csv.reader(io.StringIO(report_csv(META, [shown]).decode("utf-8-sig")), delimiter=";"))
    start = lines.index(["Tabel"])
    if shown.empty:
        assert lines[start + 1] == ["Geen gegevens in deze periode."]
        return
    assert [line[1:] for line in lines[start + 2 : start + 3 + len(rows)]] == expected
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(META, [shown]))).worksheets[1]
    values = [list(line[1:]) for line in sheet.iter_rows(min_row=3, max_row=3 + len(rows), values_only=True)]
    assert [[str(v) for v in line] for line in values] == expected


def test_a_stock_over_several_moments_shows_no_sums_over_them():
    """Open cases at each month end do not add up: no row total or grand total in the CSV or the JSON."""
    months = (Category("2026-01", "jan"), Category("2026-02", "feb"))
    stock = CountTable(
        key="trend",
        title="Open casussen aan het eind van elke maand",
        unit="cases",
        rows=(Category("jeugd", "Jeugd"),),
        columns=months,
        counts={("jeugd", "2026-01"): 40, ("jeugd", "2026-02"): 42},
        chart="line",
        row_sums=False,
    )
    shown = suppress(stock, 5)
    lines = [line for line in csv.reader(io.StringIO(report_csv(META, [shown]).decode("utf-8-sig")), delimiter=";")]
    assert ["Jeugd", "40", "42"] in lines
    assert not any("82" in line for line in lines)
    document = shown.as_dict()
    assert document["row_totals"] == [] and document["grand_total"] is None
    assert [c["value"] for c in document["column_totals"]] == [40, 42]
