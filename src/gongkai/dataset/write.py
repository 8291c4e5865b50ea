"""Write tables as Parquet and as CSV (UTF-8 with BOM, so Excel shows Chinese), byte-identically on rebuild.

Every table is first labelled (:func:`gongkai.dataset.labels.add_labels`) and conformed to its
declaration (:func:`gongkai.schema.conform`): a table that does not fit is never written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from gongkai import schema
from gongkai.dataset.labels import add_labels

#: numbers in the CSV files: integral values without ".0", at most 15 significant digits (no float noise)
CSV_FLOAT_FORMAT = "%.15g"


def prepare_table(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table as it is written: label columns filled, declared columns only, declared dtypes."""
    return schema.conform(add_labels(df, name), name)


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """A prepared table as CSV with BOM; dates as YYYY-MM-DD."""
    df.to_csv(
        path,
        index=False,
        encoding="utf-8-sig",
        lineterminator="\n",
        float_format=CSV_FLOAT_FORMAT,
        date_format="%Y-%m-%d",
    )
    return path


def write_parquet(df: pd.DataFrame, path: Path, name: str) -> Path:
    """A prepared table as Parquet, with the declared Arrow schema (categorical keys, dates)."""
    pq.write_table(schema.to_arrow(df, name), path, compression="zstd", write_statistics=False)
    return path


def write_table(df: pd.DataFrame, out_dir: Path, name: str) -> list[Path]:
    """Write ``name.parquet`` and ``name.csv`` of a conformed table; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ready = prepare_table(df, name)
    return [write_parquet(ready, out_dir / f"{name}.parquet", name), write_csv(ready, out_dir / f"{name}.csv")]
