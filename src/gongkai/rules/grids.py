"""Dense numeric views of a report's tables, so identities are evaluated with array arithmetic.

A :class:`Grid` holds one table as a matrix of values (NaN unless the cell is a
number) and a matrix of cell-status codes. ``number`` cells (a ``corrected`` cell is
one, and so is an ``ocr`` number, read from a picture) and ``inferred`` cells (cut from
run-together digits) take part in arithmetic,
except where the evidence that chose a cut is the rule itself (``relied``); blank,
dash, text and missing cells make a rule that needs them not assessable, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np

from gongkai.celltable import CellRecord, record_field
from gongkai.readers.ocr_ref import any_read_by_ocr, ocr_confidence
from gongkai.report import Report
from gongkai.templates import FORMATS, format_for_year, format_marks
from gongkai.templates.identities import expand, table_keys

STATUS_ORDER = ("number", "blank", "dash", "text", "missing", "inferred")
NUMBER = 0
STATUS_NAMES = dict(enumerate(STATUS_ORDER))
# A cell the researcher corrected (corrections.csv) is a number to every rule.
STATUS_CODES = {k: i for i, k in STATUS_NAMES.items()} | {"corrected": NUMBER}
# A number read by OCR takes part in the arithmetic like any number; its confidence is in its source_ref,
# and a failing identity over such cells names the least confident of them (rules/identities.py).
STATUS_CODES["ocr"] = NUMBER
MISSING = 4
INFERRED = 5
# Evidence whose cells per-cell rules (claims, cross-year) must not read: it settled the cut, it cannot judge it.
SET_ASIDE = ("narrative", "previous_year")
UNKNOWN_STATUS = STATUS_CODES["text"]
_REF = record_field("source_ref")


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

    def ocr_confidence(self, row: str, col: str) -> float | None:
        """The OCR confidence of a cell read from an image (None for any other cell)."""
        i = self.axes.row_index.get(row)
        j = self.axes.col_index.get(col)
        p = -1 if i is None or j is None else self.pos.item(i, j)
        if p < 0 or p >= len(self.records):
            return None
        ref = self.records[p].source_ref
        return ocr_confidence(ref) if isinstance(ref, str) else None

    @cached_property
    def read_by_ocr(self) -> bool:
        """Whether any cell of the table may have been read by OCR (its ref says so), worked out once."""
        return any_read_by_ocr(map(_REF, self.records))

    def least_confident(self, cells: Iterable[tuple[str, str]], n: int = 3) -> list[str]:
        """Evidence of the (at most ``n``) cells read by OCR among ``cells``, least confident first."""
        if not self.read_by_ocr:
            return []
        read = [(c, r, k) for r, k in cells if (c := self.ocr_confidence(r, k)) is not None]
        read.sort(key=lambda x: x[0])
        return [f"{self.describe(r, k)} OCR confidence {c:.3f}" for c, r, k in read[:n]]

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
        if record.cell_status == "corrected":
            kind = f" corrected to {self.values.item(i, j):.10g}"  # raw is the source's text, not the value
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
    """The three grids of a report and its format (``fmt``; ``formats`` when a table's shape differs)."""

    fmt: str | None
    t2: Grid
    t3: Grid
    t4: Grid
    formats: dict[int, str | None] = field(default_factory=dict)  # table → format of its own shape

    def grid(self, table: int) -> Grid:
        return {2: self.t2, 3: self.t3, 4: self.t4}[table]

    def table_format(self, table: int) -> str | None:
        """The format to check one table by: its own shape's, else the report's."""
        return self.formats.get(table) or self.fmt


def detect_format(report: Report, t2: Grid, t3: Grid) -> str | None:
    """The report's format: as parsed, else table 3's shape, else table 2's, else the year."""
    if report.format in FORMATS:
        return report.format
    by_year = format_for_year(report.year) if report.year is not None else None
    return grid_format(t3, 3) or grid_format(t2, 2) or by_year


def detect_formats(report: Report, t2: Grid, t3: Grid) -> dict[int, str | None]:
    """Each table's format: as parsed for its shape, else read from its grid, else the report's."""
    fmt = detect_format(report, t2, t3)
    own = {2: report.format_table2, 3: report.format_table3}
    return {
        table: own[table] if own[table] in FORMATS else grid_format(grid, table) or fmt
        for table, grid in ((2, t2), (3, t3))
    }


def grid_format(grid: Grid, table: int) -> str | None:
    """The format a table's cells show (``templates/format_marks.csv``): the first mark present."""
    for mark in format_marks(table):
        row, _, column = mark.key.partition(":")
        at = grid.index(row, column or "total")
        if at is not None and grid.status[at] != MISSING:
            return mark.format
    return None


def keys_for(table: int, fmt: str | None, along: str, keys: Sequence[str]) -> tuple[str, ...]:
    """Expand keys (``@group`` names, ``*`` globs) along ``row`` or ``column`` of a table, in the format's keys."""
    return expand(tuple(keys), table_keys(table, along, fmt if along == "row" else None))
