"""Dense numeric views of a report's tables, so identities are evaluated with array arithmetic.

A :class:`Grid` holds one table as a matrix of values (NaN unless the cell is a
number) and a matrix of cell-status codes. ``number`` and ``inferred`` cells (cut
from run-together digits) take part in arithmetic, except where the evidence that
chose a cut is the rule itself (``relied``); blank, dash, text and missing cells
make a rule that needs them not assessable, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from gongkai.celltable import CellRecord
from gongkai.report import Report
from gongkai.templates import FORMATS
from gongkai.templates.identities import expand, table_keys

STATUS_ORDER = ("number", "blank", "dash", "text", "missing", "inferred")
STATUS_CODES = {k: i for i, k in enumerate(STATUS_ORDER)}
STATUS_NAMES = {v: k for k, v in STATUS_CODES.items()}
NUMBER = 0
MISSING = 4
INFERRED = 5
# Evidence whose cells per-cell rules (claims, cross-year) must not read: it settled the cut, it cannot judge it.
SET_ASIDE = ("narrative", "previous_year")
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
    """Keys of table 2 (category × measure), 3 (row × applicant) or 4 (proceeding × outcome), all formats."""
    fields = {2: ("category", "measure"), 3: ("row", "applicant"), 4: ("proceeding", "outcome")}[table]
    return Axes(table, table_keys(table, "row"), table_keys(table, "column"), *fields)


@dataclass
class Grid:
    """One table of one report as arrays, with a way back to each source cell."""

    axes: Axes
    values: np.ndarray  # float, NaN unless the cell is a number
    status: np.ndarray  # int8 status codes
    pos: np.ndarray  # position of the cell among ``records``, -1 when the table has no such cell
    records: Sequence[CellRecord] = ()  # the table's cells (raw text, source line) for evidence
    usable: np.ndarray | None = None  # cells per-cell rules read as numbers (None: the number cells)
    relied: dict[str, np.ndarray] = field(default_factory=dict)  # evidence (rule id …) → the cells cut by it

    def __post_init__(self) -> None:
        if self.usable is None:
            self.usable = self.status == NUMBER

    def index(self, row: str, col: str) -> tuple[int, int] | None:
        i = self.axes.row_index.get(row)
        j = self.axes.col_index.get(col)
        return None if i is None or j is None else (i, j)

    def value(self, row: str, col: str) -> float | None:
        """The number in a cell, or None when the cell is not a number."""
        i = self.axes.row_index.get(row)
        j = self.axes.col_index.get(col)
        if i is None or j is None or not self.usable.item(i, j):
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
        if code == INFERRED and record.inferred_by:
            kind += f" by {record.inferred_by}"
        where = f" line {record.source_line}" if record.source_line is not None else ""
        return f"{row}/{col}='{record.raw}'{kind}{where}"

    def total(self, rows: Iterable[str], cols: Iterable[str]) -> tuple[float | None, list[tuple[str, str]]]:
        """Sum of the cells rows × cols, or None with the non-number cells that prevent it."""
        bad: list[tuple[str, str]] = []
        acc = 0.0
        row_index, col_index, usable, values = self.axes.row_index, self.axes.col_index, self.usable, self.values
        for r in rows:
            i = row_index.get(r)
            for c in cols:
                j = col_index.get(c)
                if i is None or j is None or not usable.item(i, j):  # what value() reads as None
                    bad.append((r, c))
                else:
                    acc += values.item(i, j)
        return (None, bad) if bad else (acc, bad)

    def same_numbers(self, other: Grid) -> bool:
        """True when both grids hold the same statuses and the same numbers."""
        if not np.array_equal(self.status, other.status):
            return False
        mask = (self.status == NUMBER) | (self.status == INFERRED)
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
    """Expand keys (``@group`` names, ``*`` globs) along ``row`` or ``column`` of a table, in the format's keys."""
    return expand(tuple(keys), table_keys(table, along, fmt if along == "row" else None))
