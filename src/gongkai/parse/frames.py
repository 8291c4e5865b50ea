"""Build the table frames of a Report column by column, with their public dtypes.

``DataFrame.from_records`` followed by ``astype`` infers a dtype for every
column of every report, which dominated parsing time. Here each column is built
once with its final dtype, and the key columns (item, category, row, outcome …),
the same for every report of a format, are built once per format and shared:
pandas' copy-on-write keeps a report that modifies its frame from touching the
shared columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from gongkai.parse.cells import CellRecord

# The string dtype pandas gives text columns by default (``str`` in pandas 3, object before):
# the frames keep the dtype they had when they were built with from_records.
STRING = pd.DataFrame({"text": ["a"]})["text"].dtype
# Sharing the key columns is safe only under copy-on-write (always on from pandas 3).
_SHARE_KEYS = int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True


def key_column(values: Sequence[str]) -> pd.Series:
    """A shared key column (cache the result: it is the same for every report)."""
    return pd.Series(pd.array(list(values), dtype=STRING))


def _nullable(values: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    """Values as float64 with the mask of the missing ones."""
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    data = np.fromiter((0.0 if v is None else v for v in values), dtype=np.float64, count=len(values))
    return data, mask


def cell_frame(keys: dict[str, pd.Series], records: Sequence[CellRecord], *, integer: bool) -> pd.DataFrame:
    """The key columns followed by value, raw, cell_status and source_line of ``records``.

    ``value`` is Float64, or Int64 (rounded) when ``integer``; ``source_line`` is Int64.
    """
    data, mask = _nullable([r.value for r in records])
    if integer:
        # As Float64.round().astype("Int64") does: numpy's cast, a value beyond int64 wraps as it did.
        with np.errstate(invalid="ignore"):
            value = pd.arrays.IntegerArray(np.round(data).astype(np.int64), mask)
    else:
        value = pd.arrays.FloatingArray(data, mask)
    lines = [r.source_line for r in records]
    line_mask = np.fromiter((n is None for n in lines), dtype=bool, count=len(lines))
    line_data = np.fromiter((0 if n is None else n for n in lines), dtype=np.int64, count=len(lines))
    columns = {
        **(keys if _SHARE_KEYS else {k: s.copy() for k, s in keys.items()}),
        "value": value,
        "raw": pd.array([r.raw for r in records], dtype=STRING),
        "cell_status": pd.array([r.cell_status for r in records], dtype=STRING),
        "source_line": pd.arrays.IntegerArray(line_data, line_mask),
    }
    # copy=False: the arrays are fresh, and the shared key Series are protected by copy-on-write.
    return pd.DataFrame(columns, copy=False)
