"""Small-number suppression (statistical disclosure control), implemented once for every report.

**Primary suppression.** Every cell and every total (row, column, grand) counting fewer than the
threshold — zero included — is suppressed: no shown number is below the threshold. A grand total
below the threshold suppresses the whole table.

**Complementary suppression.** A reader knows the shown cells, the shown totals and that counts are
never negative. A suppressed value must not follow from that. Write the table with its totals as an
(R+1)×(C+1) grid, the totals row and column negated and the grand total kept: then every row and
every column of the grid sums to zero. The unknowns are the suppressed entries; what the reader can
do with them is exactly a *circulation* on the bipartite graph rows ↔ columns whose edges are the
suppressed entries (entry (i, j) carries flow from row i to column j). A suppressed entry ``e`` can
take another value than its true one iff some circulation changes it, starting from the true table,
without making a count negative. A count that is 0 can only grow: a zero cell (or grand total) allows
flow row→column only, a zero margin (negated) column→row only; a positive count allows both. So
``e`` is protected iff it lies on a directed cycle of that residual graph — checked by a search from
the head of one of its arcs back to its tail without using ``e``. This is exact (not a heuristic) for
"min < max over all non-negative solutions": one equation with one unknown is a bridge; a set of
equations that pins a cell is a cut; an equation whose unknowns sum to 0 leaves only arcs pointing
one way, so no cycle.

An unprotected entry is repaired by suppressing the cheapest shown entries that close a cycle
through it (a shortest path, weights = the shown counts, so the smallest cells go first; totals
cost more than cells). Suppressing more never unprotects anything (the residual graph only gains
arcs), so the loop ends; if no cycle exists, everything is suppressed.

**One symbol for every suppressed cell: "·", not "<5".** A reader must not learn which cells were
small (primary) and which were hidden to protect them (complementary): a "<5" on a complementary
cell of 30 would be false, and "<5" on every hidden cell would add an upper bound to each unknown,
which can pin one again (two hidden cells "<5" in a row whose shown part leaves 8: both are 4).
"·" says only "not shown"; the legend derives its text from the threshold ("minder dan 5 …",
``casebook.reports.table.suppression_legend``), so the threshold is stated, not implied per cell.

**Durations.** A duration table has no totals (a median of medians is no median): ``n`` below the
threshold is suppressed and then median and p80 are not shown either.

Suppression works per table. Two tables of one report that share margins (the same cases by wijk in
both) are not protected against each other; a report should not publish the same count twice with
different breakdowns beside a suppressed cell.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from casebook.reports.table import (
    SUPPRESSED,
    Cell,
    CountTable,
    DurationCell,
    DurationTable,
    ShownDurations,
    ShownTable,
)

Position = tuple[int, int]  # (row index, column index) in the (R+1)×(C+1) grid; index R / C = the totals


def suppress(table: CountTable, threshold: int) -> ShownTable:
    """``table`` with small numbers and the cells that would disclose them suppressed.

    Guarantees: no shown cell or total is below ``threshold``; no suppressed cell or total can be
    recomputed (its minimum and maximum over all non-negative tables consistent with what is shown
    differ); all suppressed cells look the same (``Cell(None, True)``).
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    grid = _grid(table)
    hidden = suppressed_positions(grid, threshold)
    rows, columns = len(table.rows), len(table.columns)

    def shown(position: Position) -> Cell:
        return SUPPRESSED if position in hidden else Cell(grid[position[0]][position[1]])

    return ShownTable(
        key=table.key,
        title=table.title,
        unit=table.unit,
        rows=table.rows,
        columns=table.columns,
        cells={
            (row.key, column.key): shown((i, j))
            for i, row in enumerate(table.rows)
            for j, column in enumerate(table.columns)
        },
        row_totals={row.key: shown((i, columns)) for i, row in enumerate(table.rows)},
        column_totals={column.key: shown((rows, j)) for j, column in enumerate(table.columns)},
        grand_total=shown((rows, columns)),
        threshold=threshold,
        empty=grid[rows][columns] == 0,
        row_title=table.row_title,
        column_title=table.column_title,
        chart=table.chart,
        note=table.note,
        row_sums=table.row_sums,
    )


def suppress_durations(table: DurationTable, threshold: int) -> ShownDurations:
    """``table`` with ``n`` below ``threshold`` suppressed, and median and p80 hidden with it.

    A duration table shows no totals, so there is no equation to recompute a hidden ``n`` from.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    stats: dict[tuple[str, str], DurationCell] = {}
    total = 0
    for row in table.rows:
        for column in table.columns:
            stat = table.stat(row.key, column.key)
            total += stat.n
            if stat.n < threshold:
                stats[(row.key, column.key)] = DurationCell(SUPPRESSED, SUPPRESSED, SUPPRESSED)
            else:
                stats[(row.key, column.key)] = DurationCell(Cell(stat.n), _duration(stat.median), _duration(stat.p80))
    return ShownDurations(
        key=table.key,
        title=table.title,
        rows=table.rows,
        columns=table.columns,
        stats=stats,
        threshold=threshold,
        empty=total == 0,
        row_title=table.row_title,
        column_title=table.column_title,
        note=table.note,
    )


def _duration(days: float | None) -> Cell:
    return SUPPRESSED if days is None else Cell(round(float(days), 1))


def _grid(table: CountTable) -> list[list[int]]:
    """The counts with a totals column and a totals row appended (grand total bottom right)."""
    grid = [[table.count(row.key, column.key) for column in table.columns] for row in table.rows]
    for line in grid:
        if any(value < 0 for value in line):
            raise ValueError("counts are never negative")
        line.append(sum(line))
    grid.append([sum(line[j] for line in grid) for j in range(len(table.columns) + 1)])
    return grid


def suppressed_positions(grid: list[list[int]], threshold: int) -> set[Position]:
    """The positions of ``grid`` (counts plus totals row and column) to suppress: primary, then complementary."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    everything = {(i, j) for i in range(rows + 1) for j in range(columns + 1)}
    if grid[rows][columns] < threshold or rows == 0 or columns == 0:
        return everything
    hidden = {position for position in everything if grid[position[0]][position[1]] < threshold}
    safe: set[Position] = set()  # protected stays protected: suppressing more only adds arcs
    while True:
        exposed = None
        for entry in sorted(hidden - safe):
            if not _protected(grid, hidden, entry):
                exposed = entry
                break
            safe.add(entry)
        if exposed is None:
            return hidden
        cycle = _cheapest_cycle(grid, hidden, exposed)
        if cycle is None:
            return everything
        hidden |= cycle
        safe |= cycle | {exposed}  # all on the residual cycle just closed


# --- the residual graph ---------------------------------------------------------------------------
# Vertices: ("r", i) for grid rows, ("c", j) for grid columns. A suppressed entry (i, j) has an arc
# row→column if its (sign-adjusted) value may grow, column→row if it may shrink.


def _is_margin(grid: list[list[int]], position: Position) -> bool:
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    i, j = position
    return (i == rows) != (j == columns)  # a row or column total, not a cell and not the grand total


def _arcs(grid: list[list[int]], position: Position) -> list[tuple[tuple[str, int], tuple[str, int]]]:
    """The directions in which the entry may move: both, or only the one that keeps its count ≥ 0."""
    i, j = position
    row, column = ("r", i), ("c", j)
    if grid[i][j] > 0:
        return [(row, column), (column, row)]
    # a zero count can only grow; a margin enters the grid negated, so growing is the other direction
    return [(column, row)] if _is_margin(grid, position) else [(row, column)]


def _adjacency(grid: list[list[int]], entries: Iterable[Position], skip: Position) -> dict:
    adjacency: dict = {}
    for position in entries:
        if position == skip:
            continue
        for tail, head in _arcs(grid, position):
            adjacency.setdefault(tail, []).append((head, position))
    return adjacency


def _protected(grid: list[list[int]], hidden: set[Position], entry: Position) -> bool:
    """True if some non-negative change of the hidden entries changes ``entry`` (a residual cycle through it)."""
    adjacency = _adjacency(grid, hidden, skip=entry)
    for tail, head in _arcs(grid, entry):
        seen, stack = {head}, [head]
        while stack:
            vertex = stack.pop()
            if vertex == tail:
                return True
            for successor, _ in adjacency.get(vertex, ()):
                if successor not in seen:
                    seen.add(successor)
                    stack.append(successor)
    return False


def _cost(grid: list[list[int]], position: Position) -> int:
    """What suppressing a shown entry costs: its count; a total costs more than any cell, the grand total most."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    grand = grid[rows][columns]
    value = grid[position[0]][position[1]]
    if position == (rows, columns):
        return value + 4 * (grand + 1)
    if _is_margin(grid, position):
        return value + grand + 1
    return value


def _cheapest_cycle(grid: list[list[int]], hidden: set[Position], entry: Position) -> set[Position] | None:
    """The cheapest set of shown entries whose suppression puts ``entry`` on a residual cycle (None: none exists)."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    everything = [(i, j) for i in range(rows + 1) for j in range(columns + 1)]
    adjacency = _adjacency(grid, everything, skip=entry)
    best: tuple[int, set[Position]] | None = None
    for tail, head in _arcs(grid, entry):
        # Dijkstra from head to tail; hidden entries are free, shown ones cost their count
        distances = {head: 0}
        via: dict = {}
        queue = [(0, head)]
        while queue:
            distance, vertex = heapq.heappop(queue)
            if distance > distances.get(vertex, distance):
                continue
            if vertex == tail:
                break
            for successor, position in adjacency.get(vertex, ()):
                step = 0 if position in hidden else _cost(grid, position)
                if distance + step < distances.get(successor, distance + step + 1):
                    distances[successor] = distance + step
                    via[successor] = (vertex, position)
                    heapq.heappush(queue, (distance + step, successor))
        if tail not in distances:
            continue
        path: set[Position] = set()
        vertex = tail
        while vertex != head:
            vertex, position = via[vertex]
            path.add(position)
        if best is None or distances[tail] < best[0]:
            best = (distances[tail], path - hidden)
    return None if best is None else best[1]
