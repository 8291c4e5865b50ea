"""Tables written chunk by chunk: one Parquet row group and one run of CSV lines per chunk.

The bytes depend only on the rows and on where the chunks start (a fixed number of reports), so a
build gives the same files whatever ran its work. Every chunk goes through :func:`prepare_chunk`
first (:func:`gongkai.dataset.write.prepare_table`: labels, the declared columns and dtypes), the
same step the whole-table writer takes, and the Arrow schema is the declared one.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow.parquet as pq

from gongkai import schema
from gongkai.dataset.write import CSV_FLOAT_FORMAT, prepare_table


def prepare_chunk(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The frame of a chunk of table ``name`` as it is written: labelled and conformed to its declaration."""
    return prepare_table(df.reset_index(drop=True), name)


def _csv(df: pd.DataFrame, out: IO[str], header: bool) -> None:
    """As :func:`gongkai.dataset.write.write_csv` writes a whole table."""
    df.to_csv(
        out,
        index=False,
        header=header,
        lineterminator="\n",
        float_format=CSV_FLOAT_FORMAT,
        date_format="%Y-%m-%d",
    )


class TableSink:
    """Appends chunks to ``NAME.parquet`` and ``NAME.csv`` (UTF-8 with BOM, so Excel shows Chinese)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._csv: dict[str, IO[str]] = {}
        self.rows: dict[str, int] = {}

    def append(self, name: str, df: pd.DataFrame) -> None:
        df = prepare_chunk(name, df)
        arrow = schema.to_arrow(df, name)
        first = name not in self._parquet
        if first:
            self._parquet[name] = pq.ParquetWriter(
                self.out_dir / f"{name}.parquet", arrow.schema, compression="zstd", write_statistics=False
            )
            self._csv[name] = open(self.out_dir / f"{name}.csv", "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            self.rows[name] = 0
        _csv(df, self._csv[name], header=first)
        if len(df):
            self._parquet[name].write_table(arrow)
        self.rows[name] += len(df)

    def close(self) -> list[Path]:
        """Finish every file; returns the paths written."""
        paths = []
        for name in list(self._parquet):
            self._parquet.pop(name).close()
            self._csv.pop(name).close()
            paths += [self.out_dir / f"{name}.parquet", self.out_dir / f"{name}.csv"]
        return paths
