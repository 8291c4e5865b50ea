"""Build the table frames of a Report column by column, with their public dtypes.

``DataFrame.from_records`` followed by ``astype`` infers a dtype for every
column of every report, which dominated parsing time. Here each column is built
once with its final dtype, and what is the same for every report of a format
(the key columns item, category, row, outcome … and the column index) is built
once per format: key arrays are copied into each frame, which is cheap because
Arrow string arrays share their immutable buffers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray

from gongkai.parse.cells import CellRecord

# The string dtype pandas gives text columns by default (``str`` in pandas 3, object before):
# the frames keep the dtype they had when they were built with from_records.
STRING = pd.DataFrame({"text": ["a"]})["text"].dtype
CELL_COLUMNS = ("value", "raw", "cell_status", "source_line", "source_ref")
_ARROW_STRINGS = isinstance(STRING, pd.StringDtype) and STRING.storage == "pyarrow"


def _strings(values: list[str]) -> ExtensionArray:
    """A text column with the dtype ``STRING``.

    With Arrow-backed strings the Arrow array is built directly and wrapped
    (``ArrowStringArray(…, dtype=STRING)``), half the cost of ``pd.array``, which
    first checks and converts every value in Python; otherwise ``pd.array``.
    """
    if _ARROW_STRINGS:
        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=STRING)
    return pd.array(values, dtype=STRING)


def _assemble(arrays: list, columns: pd.Index) -> pd.DataFrame:
    """A frame from one array per column (all of the same length), with a RangeIndex.

    ``DataFrame._from_arrays`` costs a third of the public constructor, which
    first treats the columns as a dict to align; it is private, so any pandas
    without it gets the public constructor.
    """
    index = pd.RangeIndex(len(arrays[0]))
    if hasattr(pd.DataFrame, "_from_arrays"):
        return pd.DataFrame._from_arrays(arrays, columns=columns, index=index)
    return pd.DataFrame(dict(zip(columns, arrays, strict=True)), index=index)


def _nullable(values: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    """Values as float64, 0 where missing, and the mask of the missing ones."""
    data = np.array(values, dtype=np.float64)  # None becomes NaN
    mask = np.isnan(data)
    data[mask] = 0
    return data, mask


@dataclass(frozen=True)
class FrameTemplate:
    """What every frame of one table (and format) shares: the key columns and the column index."""

    columns: pd.Index
    keys: tuple[ExtensionArray, ...]

    @classmethod
    def build(cls, keys: dict[str, Sequence[str]]) -> FrameTemplate:
        """Key columns by name, in order; the cell columns follow them."""
        arrays = tuple(pd.array(list(v), dtype=STRING) for v in keys.values())
        return cls(pd.Index([*keys, *CELL_COLUMNS]), arrays)

    def frame(self, records: Sequence[CellRecord], *, integer: bool) -> pd.DataFrame:
        """The key columns followed by value, raw, cell_status, source_line and source_ref of ``records``.

        ``value`` is Float64, or Int64 (rounded) when ``integer``; ``source_line`` is Int64.
        """
        data, mask = _nullable([r.value for r in records])
        if integer:
            # As Float64.round().astype("Int64") did: numpy's cast (a value beyond int64 wraps, as before).
            with np.errstate(invalid="ignore"):
                value = pd.arrays.IntegerArray(np.round(data).astype(np.int64), mask)
        else:
            value = pd.arrays.FloatingArray(data, mask)
        line_data, line_mask = _nullable([r.source_line for r in records])
        cells = [
            value,
            _strings([r.raw for r in records]),
            _strings([r.cell_status for r in records]),
            pd.arrays.IntegerArray(line_data.astype(np.int64), line_mask),
            _strings([r.source_ref for r in records]),
        ]
        return _assemble([*(k.copy() for k in self.keys), *cells], self.columns)
