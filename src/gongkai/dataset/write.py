"""Write tables as Parquet and as CSV (UTF-8 with BOM, so Excel shows Chinese), byte-identically on rebuild."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_table(df: pd.DataFrame, out_dir: Path, name: str) -> list[Path]:
    """Write ``name.parquet`` and ``name.csv``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parquet, csv = out_dir / f"{name}.parquet", out_dir / f"{name}.csv"
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, parquet, compression="zstd", write_statistics=False)
    df.to_csv(csv, index=False, encoding="utf-8-sig", lineterminator="\n")
    return [parquet, csv]
