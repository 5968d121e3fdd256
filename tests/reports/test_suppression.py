"""Small-number suppression: nothing shown below the threshold, nothing suppressed recomputable (solved by LP)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from casebook.reports.suppression import suppress, suppress_durations
from casebook.reports.table import (
    SUPPRESSED_SYMBOL,
    Category,
    CountTable,
    DurationStat,
    DurationTable,
    ShownTable,
)


def count_table(matrix: list[list[int]]) -> CountTable:
    rows = tuple(Category(f"r{i}", f"Rij {i}") for i in range(len(matrix)))
    columns = tuple(Category(f"c{j}", f"Kolom {j}") for j in range(len(matrix[0]) if matrix else 0))
    counts = {(f"r{i}", f"c{j}"): value for i, line in enumerate(matrix) for j, value in enumerate(line)}
    return CountTable("t", "Tabel", "cases", rows, columns, counts)


def shown_grid(shown: ShownTable) -> list[list[int | None]]:
    """What a reader sees: the cells with a totals column and row; None where suppressed."""
    grid = [
        [shown.cell(r.key, c.key).value for c in shown.columns] + [shown.row_totals[r.key].value] for r in shown.rows
    ]
    grid.append([shown.column_totals[c.key].value for c in shown.columns] + [shown.grand_total.value])
    return grid


def intervals(grid: list[list[int | None]]) -> dict[tuple[int, int], tuple[float, float]]:
    """For every hidden entry, its minimum and maximum over all non-negative tables consistent with ``grid``.

    Equations: each cell row sums to its row total, each cell column to its column total, the row
    totals and the column totals each to the grand total. The reader knows nothing else.
    """
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    unknowns = [(i, j) for i in range(rows + 1) for j in range(columns + 1) if grid[i][j] is None]
    if not unknowns:
        return {}
    index = {position: k for k, position in enumerate(unknowns)}
    equations, constants = [], []
    lines = [[(i, j) for j in range(columns)] + [(i, columns)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows)] + [(rows, j)] for j in range(columns + 1)]
    for line in lines:  # sum of the parts - the total = 0
        coefficients, constant = [0.0] * len(unknowns), 0.0
        for position, sign in zip(line, [1.0] * (len(line) - 1) + [-1.0], strict=True):
            value = grid[position[0]][position[1]]
            if value is None:
                coefficients[index[position]] += sign
            else:
                constant -= sign * value
        equations.append(coefficients)
        constants.append(constant)
    found = {}
    for position, k in index.items():
        objective = [0.0] * len(unknowns)
        objective[k] = 1.0
        low = linprog(objective, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        assert low.status == 0, "the true table is a solution, so the system is feasible"
        objective[k] = -1.0
        high = linprog(objective, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        maximum = float("inf") if high.status == 3 else -high.fun
        found[position] = (low.fun, maximum)
    return found


def recomputable(grid: list[list[int | None]]) -> list[tuple[int, int]]:
    return [position for position, (low, high) in intervals(grid).items() if high - low < 1e-6]


def true_grid(matrix: list[list[int]]) -> list[list[int]]:
    grid = [[*line, sum(line)] for line in matrix]
    grid.append([sum(line[j] for line in grid) for j in range(len(matrix[0]) + 1)])
    return grid


def primary_only(matrix: list[list[int]], threshold: int) -> list[list[int | None]]:
    """The naive suppression: hide what is below the threshold, nothing else."""
    return [[None if value < threshold else value for value in line] for line in true_grid(matrix)]


# --- the property ---------------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
matrices = st.integers(1, 6).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns), min_size=rows, max_size=rows)
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix=matrices, threshold=st.integers(2, 10))
def test_no_shown_number_is_small_and_no_hidden_one_can_be_recomputed(matrix, threshold):
    shown = suppress(count_table(matrix), threshold)
    grid = shown_grid(shown)
    truth = true_grid(matrix)
    for i, line in enumerate(grid):
        for j, value in enumerate(line):
            assert value is None or value >= threshold, "a shown number below the threshold"
            assert value is None or value == truth[i][j], "a shown number that is not the true one"
    assert recomputable(grid) == []


@settings(max_examples=60, deadline=None)
@given(matrix=matrices, threshold=st.integers(2, 10))
def test_every_small_number_is_hidden_and_shown_the_same_way(matrix, threshold):
    shown = suppress(count_table(matrix), threshold)
    cells = [*shown.cells.values(), *shown.row_totals.values(), *shown.column_totals.values(), shown.grand_total]
    assert all(c.display == SUPPRESSED_SYMBOL for c in cells if c.suppressed)
    assert all(c.value is None for c in cells if c.suppressed)


# --- the check can fail -----------------------------------------------------------------------------


def test_the_check_catches_primary_only_suppression():
    matrix = [[1, 10], [10, 10]]  # the 1 follows from its row: 11 - 10
    assert recomputable(primary_only(matrix, 5)) == [(0, 0)]
    assert recomputable(shown_grid(suppress(count_table(matrix), 5))) == []


def test_the_check_knows_counts_are_never_negative():
    """Two zeros in a row whose shown cells already make the total: a linear cycle, yet both pinned to 0."""
    matrix = [[0, 0, 20], [7, 9, 20]]
    truth = true_grid(matrix)
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)}  # a cycle through every hidden cell
    grid = [[None if (i, j) in hidden else value for j, value in enumerate(line)] for i, line in enumerate(truth)]
    assert set(recomputable(grid)) >= {(0, 0), (0, 1)}
    assert recomputable(shown_grid(suppress(count_table(matrix), 5))) == []


# --- examples ---------------------------------------------------------------------------------------


def test_a_table_without_small_numbers_is_shown_whole():
    shown = suppress(count_table([[12, 30], [8, 9]]), 5)
    assert shown_grid(shown) == [[12, 30, 42], [8, 9, 17], [20, 39, 59]]
    assert not shown.any_suppressed and not shown.empty


def test_the_smallest_cells_are_hidden_to_protect_a_small_one():
    shown = suppress(count_table([[2, 40, 6], [30, 50, 7]]), 5)
    # the 2 is protected by the 6 beside it and the 30 and 7 below: the cheapest cycle
    assert shown_grid(shown) == [[None, 40, None, 48], [None, 50, None, 87], [32, 90, 13, 135]]


def test_a_small_grand_total_hides_everything():
    shown = suppress(count_table([[1, 2], [0, 1]]), 5)
    assert all(value is None for line in shown_grid(shown) for value in line)
    assert not shown.empty


def test_one_person_in_a_wijk_in_a_month_hides_the_table():
    matrix = [[0] * 4 for _ in range(3)]
    matrix[1][2] = 1
    shown = suppress(count_table(matrix), 5)
    assert all(value is None for line in shown_grid(shown) for value in line)


def test_an_empty_table_says_so():
    shown = suppress(count_table([[0, 0], [0, 0]]), 5)
    assert shown.empty
    assert shown.grand_total.suppressed


def test_a_table_without_rows_is_empty():
    table = CountTable("t", "Tabel", "cases", (), (Category("a", "A"),), {})
    shown = suppress(table, 5)
    assert shown.empty and shown.grand_total.suppressed and shown.column_totals["a"].suppressed


def test_a_single_cell_is_its_own_totals():
    assert shown_grid(suppress(count_table([[7]]), 5)) == [[7, 7], [7, 7]]
    assert shown_grid(suppress(count_table([[3]]), 5)) == [[None, None], [None, None]]


def test_a_zero_is_below_any_threshold():
    shown = suppress(count_table([[0, 20, 30], [25, 20, 30]]), 2)
    assert shown.cell("r0", "c0").suppressed
    assert recomputable(shown_grid(shown)) == []


def test_the_api_form_carries_no_hidden_number():
    shown = suppress(count_table([[1, 10], [10, 10]]), 5)
    data = shown.as_dict()
    hidden = [c for c in data["cells"] if c["suppressed"]]
    assert hidden and all(c["value"] is None for c in hidden)
    assert data["threshold"] == 5


@pytest.mark.parametrize("threshold", [0, -1])
def test_a_threshold_below_one_is_refused(threshold):
    with pytest.raises(ValueError):
        suppress(count_table([[1]]), threshold)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        suppress(count_table([[-1, 5]]), 5)


# --- durations --------------------------------------------------------------------------------------


def duration_table(stats: dict[tuple[str, str], DurationStat]) -> DurationTable:
    return DurationTable(
        "doorlooptijd",
        "Doorlooptijd",
        (Category("jeugd", "Jeugd"), Category("overlast", "Woonoverlast")),
        (Category("2026-Q1", "Q1"), Category("2026-Q2", "Q2")),
        stats,
    )


def test_a_median_over_few_cases_is_not_shown():
    shown = suppress_durations(
        duration_table(
            {("jeugd", "2026-Q1"): DurationStat(4, 30.0, 41.0), ("jeugd", "2026-Q2"): DurationStat(5, 12.25, 20)}
        ),
        5,
    )
    small = shown.stat("jeugd", "2026-Q1")
    assert small.n.suppressed and small.median.suppressed and small.p80.suppressed
    assert small.median.value is None and small.n.value is None
    enough = shown.stat("jeugd", "2026-Q2")
    assert (enough.n.value, enough.median.value, enough.p80.value) == (5, 12.2, 20.0)
    missing = shown.stat("overlast", "2026-Q1")
    assert missing.n.suppressed and missing.median.suppressed
    assert not shown.empty


def test_a_duration_table_without_data_is_empty():
    assert suppress_durations(duration_table({}), 5).empty


def test_durations_in_the_api_form_carry_no_hidden_number():
    shown = suppress_durations(duration_table({("jeugd", "2026-Q1"): DurationStat(2, 30.0, 41.0)}), 5)
    cell = next(c for c in shown.as_dict()["cells"] if c["row"] == "jeugd" and c["column"] == "2026-Q1")
    assert cell["median"] == {"value": None, "suppressed": True}
    assert cell["n"] == {"value": None, "suppressed": True}
