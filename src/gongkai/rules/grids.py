"""Dense numeric views of a report's tables, so identities are evaluated with array arithmetic.

A :class:`Grid` holds one table as a matrix of values (NaN unless the cell is a
number) and a matrix of cell-status codes. Only ``number`` cells take part in
arithmetic; blank, dash, text, inferred and missing cells make a rule that needs
them not assessable, never zero.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from gongkai.celltable import CellRecord
from gongkai.report import Report
from gongkai.templates import FORMATS, table2_cells, table3_columns, table3_rows, table4_cells

STATUS_ORDER = ("number", "blank", "dash", "text", "missing", "inferred")
STATUS_CODES = {k: i for i, k in enumerate(STATUS_ORDER)}
STATUS_NAMES = {v: k for k, v in STATUS_CODES.items()}
NUMBER = 0
MISSING = 4
UNKNOWN_STATUS = STATUS_CODES["text"]


@dataclass(frozen=True)
class Axes:
    """The row and column keys of one table (union over both formats)."""

    table: int
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    row_field: str
    col_field: str
    row_index: dict[str, int] = field(default_factory=dict, compare=False)
    col_index: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.row_index.update({k: i for i, k in enumerate(self.rows)})
        self.col_index.update({k: i for i, k in enumerate(self.cols)})


@cache
def axes(table: int) -> Axes:
    """Keys of table 2 (category × measure), 3 (row × applicant) or 4 (proceeding × outcome)."""
    if table == 2:
        cells = [c for f in FORMATS for c in table2_cells(f)]
        cats = tuple(dict.fromkeys(c.category for c in cells))
        meas = tuple(dict.fromkeys(c.measure for c in cells))
        return Axes(2, cats, meas, "category", "measure")
    if table == 3:
        rows = tuple(dict.fromkeys(r.key for f in FORMATS for r in table3_rows(f)))
        return Axes(3, rows, tuple(c.key for c in table3_columns()), "row", "applicant")
    cells = table4_cells()
    return Axes(
        4,
        tuple(dict.fromkeys(c.proceeding for c in cells)),
        tuple(dict.fromkeys(c.outcome for c in cells)),
        "proceeding",
        "outcome",
    )


@cache
def format_rows(table: int, fmt: str) -> tuple[str, ...]:
    """The row keys a table has in one format."""
    if table == 3:
        return tuple(r.key for r in table3_rows(fmt))
    if table == 2:
        return tuple(dict.fromkeys(c.category for c in table2_cells(fmt)))
    return axes(4).rows


@cache
def expand(keys: tuple[str, ...], universe: tuple[str, ...]) -> tuple[str, ...]:
    """Expand ``*`` globs against the keys of ``universe``, keeping order and dropping duplicates."""
    out: list[str] = []
    for k in keys:
        out.extend(u for u in universe if fnmatch.fnmatchcase(u, k)) if "*" in k else out.append(k)
    return tuple(dict.fromkeys(out))


@dataclass
class Grid:
    """One table of one report as arrays, with a way back to each source cell."""

    axes: Axes
    values: np.ndarray  # float, NaN unless the cell is a number
    status: np.ndarray  # int8 status codes
    pos: np.ndarray  # position of the cell among ``records``, -1 when the table has no such cell
    records: Sequence[CellRecord] = ()  # the table's cells (raw text, source line) for evidence

    def index(self, row: str, col: str) -> tuple[int, int] | None:
        i = self.axes.row_index.get(row)
        j = self.axes.col_index.get(col)
        return None if i is None or j is None else (i, j)

    def value(self, row: str, col: str) -> float | None:
        """The number in a cell, or None when the cell is not a number."""
        i = self.axes.row_index.get(row)
        j = self.axes.col_index.get(col)
        if i is None or j is None or self.status.item(i, j) != NUMBER:
            return None
        return self.values.item(i, j)

    def cell_status(self, row: str, col: str) -> str:
        ij = self.index(row, col)
        return "missing" if ij is None else STATUS_NAMES[int(self.status[ij])]

    def describe(self, row: str, col: str) -> str:
        """``row/col='raw' (line N)`` for evidence, with the status when it is not a number."""
        i = self.axes.row_index.get(row)
        j = self.axes.col_index.get(col)
        p = -1 if i is None or j is None else self.pos.item(i, j)
        if p < 0:
            return f"{row}/{col}: missing"
        record = self.records[p]
        code = self.status.item(i, j)
        kind = "" if code == NUMBER else f" {STATUS_NAMES[code]}"
        where = f" line {record.source_line}" if record.source_line is not None else ""
        return f"{row}/{col}='{record.raw}'{kind}{where}"

    def total(self, rows: Iterable[str], cols: Iterable[str]) -> tuple[float | None, list[tuple[str, str]]]:
        """Sum of the cells rows × cols, or None with the non-number cells that prevent it."""
        bad: list[tuple[str, str]] = []
        acc = 0.0
        row_index, col_index, status, values = self.axes.row_index, self.axes.col_index, self.status, self.values
        for r in rows:
            i = row_index.get(r)
            for c in cols:
                j = col_index.get(c)
                if i is None or j is None or status.item(i, j) != NUMBER:  # what value() reads as None
                    bad.append((r, c))
                else:
                    acc += values.item(i, j)
        return (None, bad) if bad else (acc, bad)

    def same_numbers(self, other: Grid) -> bool:
        """True when both grids hold the same statuses and the same numbers."""
        if not np.array_equal(self.status, other.status):
            return False
        mask = self.status == NUMBER
        return bool(np.array_equal(self.values[mask], other.values[mask]))


@dataclass
class ReportGrids:
    """The three grids of a report and its format."""

    fmt: str | None
    t2: Grid
    t3: Grid
    t4: Grid

    def grid(self, table: int) -> Grid:
        return {2: self.t2, 3: self.t3, 4: self.t4}[table]


def detect_format(report: Report, t2: Grid, t3: Grid) -> str | None:
    """The report's format: as parsed, else from table 3's （六） rows or table 2's columns, else the year."""
    if report.format in FORMATS:
        return report.format
    present = lambda g, r, c: g.index(r, c) is not None and g.status[g.index(r, c)] != MISSING  # noqa: E731
    if present(t3, "other_handling", "total"):
        return "2019"
    if any(present(t3, k, "total") for k in ("other_no_correction", "other_fee_unpaid", "other_other")):
        return "2021"
    if present(t2, "normative_document", "in_force"):
        return "2021"
    if present(t2, "normative_document", "newly_made"):
        return "2019"
    if report.year is not None:
        return "2019" if report.year < 2021 else "2021"
    return None


def keys_for(table: int, fmt: str | None, along: str, keys: Sequence[str]) -> tuple[str, ...]:
    """Expand keys along ``row`` or ``column`` of a table, restricted to the format's rows."""
    ax = axes(table)
    if along == "row":
        universe = format_rows(table, fmt) if fmt in FORMATS else ax.rows
        return expand(tuple(keys), universe)
    return expand(tuple(keys), ax.cols)
