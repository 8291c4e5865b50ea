"""The cells of one parsed table: records are the truth, a DataFrame is a read-only view of them.

The parser produces, for each of tables 2, 3 and 4, one :class:`CellRecord` per
cell of the official template, in template order: a :class:`CellTable`. The
audit reads the records directly and ``gongkai build`` turns the records of a
whole batch into one frame per table at once (:func:`batch_frame`); the
per-report DataFrame (``Report.table3`` …) is a view built on first access, with
the same columns and dtypes: editing it changes that copy only, never the records.
A frame made elsewhere (a test, a notebook) becomes records with :func:`cell_table`.

Each column is built once with its final dtype, and what is the same for every
report of a table and format (the key columns item, category, row, outcome …
and the column index) is built once per :class:`FrameTemplate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray

# The string dtype pandas gives text columns by default (``str`` in pandas 3, object before):
# the frames keep the dtype they had when they were built with from_records.
STRING = pd.DataFrame({"text": ["a"]})["text"].dtype
CELL_COLUMNS = ("value", "raw", "cell_status", "source_line", "source_ref", "inferred_by")
_ARROW_STRINGS = isinstance(STRING, pd.StringDtype) and STRING.storage == "pyarrow"


class CellRecord(NamedTuple):
    """One cell of a table frame. A named tuple: cheaper to create than a frozen dataclass, one per cell."""

    value: float | None
    raw: str
    cell_status: str
    source_line: int | None
    source_ref: str = ""  # a locator that works for every source: "line 12", "table 2 row 5 cell 3", "page 4 …"
    inferred_by: str = ""  # for a cell cut from run-together digits: "digits", or the evidence that chose the cut


MISSING = CellRecord(None, "", "missing", None)


def record_field(name: str) -> itemgetter:
    """A getter of one field of :class:`CellRecord` by tuple index: quicker than the attribute, for loops over
    every cell of a batch (``map(record_field("cell_status"), records)``)."""
    return itemgetter(CellRecord._fields.index(name))


def string_array(values: list[str]) -> ExtensionArray:
    """A text column with the dtype ``STRING``.

    With Arrow-backed strings the Arrow array is built directly and wrapped
    (``ArrowStringArray(…, dtype=STRING)``), half the cost of ``pd.array``, which
    first checks and converts every value in Python; otherwise ``pd.array``.
    """
    if _ARROW_STRINGS:
        return arrow_text(pa.array(values, type=pa.large_string()))
    return pd.array(values, dtype=STRING)


def arrow_text(array: pa.Array) -> ExtensionArray:
    """A text column with the dtype ``STRING`` from an Arrow array of large strings (wrapped, when the dtype is
    Arrow-backed: no string is converted again)."""
    if _ARROW_STRINGS:
        return pd.arrays.ArrowStringArray(array, dtype=STRING)
    return pd.array(array.to_pylist(), dtype=STRING)


def _assemble(arrays: list, columns: pd.Index) -> pd.DataFrame:
    """A frame from one array per column (all of the same length, distinct names), with a RangeIndex."""
    return pd.DataFrame(dict(zip(columns, arrays, strict=True)), index=pd.RangeIndex(len(arrays[0])), copy=False)


def _nullable(values: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    """Values as float64, 0 where missing, and the mask of the missing ones."""
    data = np.array(values, dtype=np.float64)  # None becomes NaN
    mask = np.isnan(data)
    data[mask] = 0
    return data, mask


def _cell_arrays(records: Sequence[CellRecord], integer: bool) -> list:
    """value, raw, cell_status, source_line, source_ref and inferred_by of ``records`` as typed arrays.

    ``value`` is Float64, or Int64 (rounded) when ``integer``; ``source_line`` is Int64.
    """
    # One pass per column: zip(*records) is far slower on a batch (one argument per record).
    values, raws, statuses, lines, refs = ([r[i] for r in records] for i in range(5))
    by = [r[5] or None for r in records]  # missing unless the cell was cut from run-together digits
    data, mask = _nullable(values)
    if integer:
        # As Float64.round().astype("Int64") did: numpy's cast (a value beyond int64 wraps, as before).
        with np.errstate(invalid="ignore"):
            value = pd.arrays.IntegerArray(np.round(data).astype(np.int64), mask)
    else:
        value = pd.arrays.FloatingArray(data, mask)
    line_data, line_mask = _nullable(lines)
    return [
        value,
        string_array(raws),
        string_array(statuses),
        pd.arrays.IntegerArray(line_data.astype(np.int64), line_mask),
        string_array(refs),
        string_array(by),
    ]


@dataclass(frozen=True, eq=False)
class FrameTemplate:
    """What every frame of one table (and format) shares: the key columns, the column index, the value dtype.

    Compared by identity: each table and format has one template, made once.
    """

    key_names: tuple[str, ...]
    key_values: tuple[tuple[str, ...], ...]  # one tuple per key column, one entry per cell
    integer: bool  # Int64 values (tables 3 and 4) rather than Float64 (table 2)
    columns: pd.Index = field(init=False)
    arrow_keys: tuple[pa.Array, ...] = field(init=False)  # the key columns as Arrow arrays: a batch joins them
    keys: tuple[ExtensionArray, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", pd.Index([*self.key_names, *CELL_COLUMNS]))
        arrow_keys = tuple(pa.array(list(v), type=pa.large_string()) for v in self.key_values)
        object.__setattr__(self, "arrow_keys", arrow_keys)
        object.__setattr__(self, "keys", tuple(arrow_text(a) for a in arrow_keys))

    @classmethod
    def build(cls, keys: dict[str, Sequence[str]], *, integer: bool) -> FrameTemplate:
        """Key columns by name, in order; the cell columns follow them. Equal keys give the same template."""
        return _interned(tuple(keys), tuple(tuple(v) for v in keys.values()), integer)

    def __len__(self) -> int:
        return len(self.key_values[0]) if self.key_values else 0

    def frame(self, records: Sequence[CellRecord]) -> pd.DataFrame:
        """The key columns followed by value, raw, cell_status, source_line and source_ref of ``records``."""
        return _assemble([*(k.copy() for k in self.keys), *_cell_arrays(records, self.integer)], self.columns)


@cache
def _interned(key_names: tuple[str, ...], key_values: tuple[tuple[str, ...], ...], integer: bool) -> FrameTemplate:
    return FrameTemplate(key_names, key_values, integer)


@dataclass(frozen=True, eq=False)
class CellTable:
    """One parsed table: a record for every cell of ``template``, in template order. Immutable."""

    template: FrameTemplate
    records: tuple[CellRecord, ...]

    def __post_init__(self) -> None:
        if len(self.records) != len(self.template):
            raise ValueError(f"{len(self.template)} cells in the template, {len(self.records)} records")

    @cached_property
    def _frame(self) -> pd.DataFrame:
        return self.template.frame(self.records)

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame (key columns, then value, raw, cell_status, source_line, source_ref).

        Built once; each call hands out a copy (copy-on-write, so cheap): editing it never changes the records.
        """
        return self._frame.copy(deep=False)

    def position(self, keys: tuple[str, ...]) -> int:
        """Where the cell with these key values sits among the records (ValueError when it is not in the table)."""
        for p, cell in enumerate(zip(*self.template.key_values, strict=True)):
            if cell == keys:
                return p
        raise ValueError(f"no cell {keys} in the table")

    def replace(self, keys: tuple[str, ...], record: CellRecord) -> CellTable:
        """A copy of the table with the cell ``keys`` (one value per key column) holding ``record``."""
        records = list(self.records)
        records[self.position(keys)] = record
        return CellTable(self.template, tuple(records))

    def all_missing(self) -> bool:
        return all(r.cell_status == "missing" for r in self.records)


def cell_table(df: pd.DataFrame) -> CellTable:
    """A table frame of the report contract as records: the key columns are those before ``value``.

    The values are copied, so later edits of ``df`` do not reach the table.
    """
    columns = list(df.columns)
    keys = columns[: columns.index("value")]
    integer = pd.api.types.is_integer_dtype(df["value"].dtype)
    template = FrameTemplate.build({k: df[k].astype(str).tolist() for k in keys}, integer=integer)
    values = pd.to_numeric(df["value"], errors="coerce").astype("Float64").tolist()
    lines = df["source_line"].astype("Int64").tolist() if "source_line" in df else [None] * len(df)
    refs = df["source_ref"].tolist() if "source_ref" in df else [""] * len(df)
    by = df["inferred_by"].tolist() if "inferred_by" in df else [""] * len(df)
    text = lambda x: "" if pd.isna(x) else str(x)  # noqa: E731
    records = tuple(
        CellRecord(
            None if pd.isna(v) else float(v),
            text(raw),
            str(status),
            None if pd.isna(line) else int(line),
            text(ref),
            text(b),
        )
        for v, raw, status, line, ref, b in zip(values, df["raw"], df["cell_status"], lines, refs, by, strict=True)
    )
    return CellTable(template, records)


def batch_frame(tables: Sequence[tuple[str, CellTable]]) -> pd.DataFrame:
    """One frame for many reports' tables (at least one, all of the same kind): report_id, the key columns,
    then the cell columns.

    Built column by column from the records of the whole batch: the cost of
    building a DataFrame is paid once per batch, not once per report.
    """
    first = tables[0][1].template
    records: list[CellRecord] = []
    for report_id, table in tables:
        if (table.template.key_names, table.template.integer) != (first.key_names, first.integer):
            raise ValueError(f"{report_id}: key columns {table.template.key_names}, expected {first.key_names}")
        records.extend(table.records)
    # The report ids and key columns repeat a few strings: made by Arrow from the ids and the templates' keys
    # (one take, one join per column) instead of converting a string for every cell.
    ids = pa.array([report_id for report_id, _ in tables], type=pa.large_string())
    cells_per_table = np.fromiter((len(table.records) for _, table in tables), np.int64, len(tables))
    report_ids = arrow_text(ids.take(np.repeat(np.arange(len(tables)), cells_per_table)))
    keys = [
        arrow_text(pa.concat_arrays([table.template.arrow_keys[k] for _, table in tables]))
        for k in range(len(first.key_names))
    ]
    arrays = [report_ids, *keys, *_cell_arrays(records, first.integer)]
    return _assemble(arrays, pd.Index(["report_id", *first.key_names, *CELL_COLUMNS]))
