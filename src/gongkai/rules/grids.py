"""Dense numeric views of a report's tables, so identities are evaluated with array arithmetic.

A :class:`Grid` holds one table as a matrix of values (NaN unless the cell is a
number) and a matrix of cell-status codes. Only ``number`` cells take part in
arithmetic (a ``corrected`` cell is one); blank, dash, text, inferred and missing
cells make a rule that needs them not assessable, never zero.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray

from gongkai.celltable import CellRecord
from gongkai.report import Report
from gongkai.templates import (
    FORMATS,
    format_for_year,
    format_marks,
    table2_cells,
    table3_columns,
    table3_rows,
    table4_cells,
)

STATUS_ORDER = ("number", "blank", "dash", "text", "missing", "inferred")
NUMBER = 0
STATUS_NAMES = dict(enumerate(STATUS_ORDER))
# A cell the researcher corrected (corrections.csv) is a number to every rule.
STATUS_CODES = {k: i for i, k in STATUS_NAMES.items()} | {"corrected": NUMBER}
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
    pos: np.ndarray  # row position in the source DataFrame, -1 when missing
    raw: Sequence  # the DataFrame's raw column (its array)
    lines: Sequence  # the DataFrame's source_line column (its array)
    records: Sequence[CellRecord] | None = None  # the cells, when the table is held as records (raw, lines read them)

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
        if self.records is not None:
            raw, line = (self.records[p][1], self.records[p][3]) if p < len(self.records) else (None, None)
        else:
            raw = self.raw[p] if p < len(self.raw) else None
            line = self.lines[p] if p < len(self.lines) else None
        code = self.status.item(i, j)
        kind = "" if code == NUMBER else f" {STATUS_NAMES[code]}"
        if self.records is not None and p < len(self.records) and self.records[p][2] == "corrected":
            kind = f" corrected to {self.values.item(i, j):.10g}"  # raw is the source's text, not the value
        # Plain str and int (cells held as records) need no missing-value check; anything else goes through pandas.
        if type(line) is int:
            where = f" line {line}"
        else:
            where = f" line {int(line)}" if line is not None and not pd.isna(line) else ""
        if type(raw) is not str:
            raw = "" if raw is None or pd.isna(raw) else raw
        return f"{row}/{col}='{raw}'{kind}{where}"

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


def _column(df: pd.DataFrame, name: str) -> ExtensionArray:
    """``df[name].array`` without building a Series, which costs more than the rest of :func:`build_grid`.

    ``DataFrame._get_column_array`` is private: a pandas without it, or duplicate
    column names, take the public path.
    """
    loc = df.columns.get_loc(name)
    if not isinstance(loc, int) or not hasattr(df, "_get_column_array"):
        return df[name].array
    values = df._get_column_array(loc)
    return values if isinstance(values, ExtensionArray) else pd.arrays.NumpyExtensionArray(values)


def _lookup(index: dict[str, int], column: ExtensionArray) -> np.ndarray:
    """Positions of a column's keys in ``index`` (-1 when unknown); a dict lookup per cell, no pandas."""
    keys = column.to_numpy(dtype=object)
    return np.fromiter((index.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))


# Key columns seen before, per index: (Arrow array, positions). Every frame of one table and format
# carries the same key column, so its lookup is done once and reused when the contents are equal.
_SEEN_KEYS: dict[tuple[int, int], list[tuple[pa.ChunkedArray, np.ndarray]]] = {}
_SEEN_PER_INDEX = 8


def _key_lookup(index: dict[str, int], column: ExtensionArray) -> np.ndarray:
    """:func:`_lookup` for a key column, reusing the positions of an equal column seen before.

    Equality is checked on the contents (Arrow ``equals``, a fraction of a microsecond),
    so a reused result is always the one :func:`_lookup` would give. Only Arrow-backed
    columns are cached (their storage attribute is private: anything else is looked up).
    """
    data = getattr(column, "_pa_array", None)
    if not isinstance(data, pa.ChunkedArray):
        return _lookup(index, column)
    seen = _SEEN_KEYS.setdefault((id(index), len(data)), [])
    for known, positions in seen:
        if known.equals(data):
            return positions
    positions = _lookup(index, column)
    positions.flags.writeable = False  # shared between grids
    if len(seen) < _SEEN_PER_INDEX:
        seen.append((data, positions))
    return positions


def build_grid(df: pd.DataFrame, table: int) -> Grid:
    """Turn a table DataFrame of the report contract into a :class:`Grid` (first cell wins on duplicates)."""
    ax = axes(table)
    shape = (len(ax.rows), len(ax.cols))
    values = np.full(shape, np.nan)
    status = np.full(shape, MISSING, dtype=np.int8)
    pos = np.full(shape, -1, dtype=np.int32)
    if df is None or len(df) == 0:
        empty = np.empty(0, dtype=object)
        return Grid(ax, values, status, pos, empty, empty)
    ri = _key_lookup(ax.row_index, _column(df, ax.row_field))
    ci = _key_lookup(ax.col_index, _column(df, ax.col_field))
    value = _column(df, "value")  # the frames' Float64 / Int64 array, without building a Series
    if isinstance(value, pd.arrays.NumpyExtensionArray):  # a plain numpy column: through pandas, as it was
        value = df["value"]
        if value.dtype.kind not in "iufb":
            value = pd.to_numeric(value, errors="coerce")
    vals = value.to_numpy(dtype=float, na_value=np.nan)
    codes = _lookup(STATUS_CODES, _column(df, "cell_status"))
    codes = np.where(codes < 0, UNKNOWN_STATUS, codes)
    codes = np.where((codes == NUMBER) & np.isnan(vals), UNKNOWN_STATUS, codes).astype(np.int8)
    keep = np.flatnonzero((ri >= 0) & (ci >= 0))[::-1]  # reversed: on duplicate keys the first row wins
    pos[ri[keep], ci[keep]] = keep
    status[ri[keep], ci[keep]] = codes[keep]
    number = status == NUMBER
    values[number] = vals[pos[number]]
    # Kept as they are, not converted: only the evidence of a finding reads them, a few cells per report.
    raw = _column(df, "raw") if "raw" in df else np.empty(0, dtype=object)
    lines = _column(df, "source_line") if "source_line" in df else np.empty(0, dtype=object)
    return Grid(ax, values, status, pos, raw, lines)


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
    """Expand keys along ``row`` or ``column`` of a table, restricted to the format's rows."""
    ax = axes(table)
    if along == "row":
        universe = format_rows(table, fmt) if fmt in FORMATS else ax.rows
        return expand(tuple(keys), universe)
    return expand(tuple(keys), ax.cols)
