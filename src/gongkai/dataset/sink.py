"""Tables written chunk by chunk: one Parquet row group and one run of CSV lines per chunk.

The bytes depend only on the rows and on where the chunks start (a fixed number of reports), so a
build gives the same files whatever ran its work. Every chunk goes through :func:`prepare_chunk`
first, the one place a table's frame is put into its written form.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def prepare_chunk(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The frame of a chunk of table ``name`` as it is written (the hook for a schema's conform step)."""
    return df.reset_index(drop=True)


def _schema(table: pa.Table) -> pa.Schema:
    """The first chunk's schema, with columns that held only nulls typed as text."""
    fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
    return pa.schema(fields, metadata=table.schema.metadata)


class TableSink:
    """Appends chunks to ``NAME.parquet`` and ``NAME.csv`` (UTF-8 with BOM, so Excel shows Chinese)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._csv: dict[str, IO[str]] = {}
        self.rows: dict[str, int] = {}

    def append(self, name: str, df: pd.DataFrame) -> None:
        df = prepare_chunk(name, df)
        if name not in self._parquet:
            first = pa.Table.from_pandas(df, preserve_index=False)
            schema = _schema(first)
            self._parquet[name] = pq.ParquetWriter(
                self.out_dir / f"{name}.parquet", schema, compression="zstd", write_statistics=False
            )
            self._csv[name] = open(self.out_dir / f"{name}.csv", "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            df.to_csv(self._csv[name], index=False, lineterminator="\n")
            self.rows[name] = 0
        else:
            df.to_csv(self._csv[name], index=False, header=False, lineterminator="\n")
        if len(df):
            writer = self._parquet[name]
            writer.write_table(pa.Table.from_pandas(df, schema=writer.schema, preserve_index=False))
        self.rows[name] += len(df)

    def close(self) -> list[Path]:
        """Finish every file; returns the paths written."""
        paths = []
        for name in list(self._parquet):
            self._parquet.pop(name).close()
            self._csv.pop(name).close()
            paths += [self.out_dir / f"{name}.parquet", self.out_dir / f"{name}.csv"]
        return paths
