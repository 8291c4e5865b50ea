"""Load the processed tables (Parquet, or CSV with BOM) written by ``gongkai build``.

Every table is conformed to its declaration (``gongkai.schema``) as it is read, whatever the
file format produced; a table that is absent (e.g. ``claims`` before the audit has run) loads
as an empty frame with the declared columns, so every view still renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gongkai import schema

TABLES = schema.TABLE_NAMES


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of one processed table."""
    return schema.empty(name)


def resolve_processed(path: str | Path) -> Path:
    """Find a processed-data folder: as given, else relative to the enclosing project.

    Notebooks run with their own folder as working directory, so a default of
    ``data/processed`` is looked up in each parent that holds a ``pyproject.toml``.
    """
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if (parent / "pyproject.toml").exists() and (parent / p).exists():
            return parent / p
    return p


def load_table(
    processed: str | Path,
    name: str,
    report_ids: Iterable[str] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One processed table; Parquet is preferred over CSV, a missing table is empty.

    ``report_ids`` restricts the rows (pushed down into the Parquet reader).
    """
    folder = resolve_processed(processed)
    ids = None if report_ids is None else sorted({str(i) for i in report_ids})
    pq, cs = folder / f"{name}.parquet", folder / f"{name}.csv"
    if pq.exists():
        filters = None if ids is None else [("report_id", "in", ids)]
        if ids == []:
            df = pd.read_parquet(pq, columns=list(columns) if columns else None).iloc[0:0]
        else:
            df = pd.read_parquet(pq, columns=list(columns) if columns else None, filters=filters)
    elif cs.exists():
        df = pd.read_csv(cs, encoding="utf-8-sig", dtype=str, usecols=columns, keep_default_na=False, na_values=[""])
        if ids is not None and "report_id" in df:
            df = df[df["report_id"].isin(ids)]
    else:
        df = empty_table(name)
        if columns:
            df = df[list(columns)]
    df = df.reset_index(drop=True)
    return schema.typed(df, name) if columns else schema.conform(df, name)


@dataclass
class Tables:
    """The processed tables, or the part of them that concerns some reports."""

    reports: pd.DataFrame
    table2: pd.DataFrame = field(default_factory=lambda: empty_table("table2"))
    table3: pd.DataFrame = field(default_factory=lambda: empty_table("table3"))
    table4: pd.DataFrame = field(default_factory=lambda: empty_table("table4"))
    parse_issues: pd.DataFrame = field(default_factory=lambda: empty_table("parse_issues"))
    claims: pd.DataFrame = field(default_factory=lambda: empty_table("claims"))
    findings: pd.DataFrame = field(default_factory=lambda: empty_table("findings"))
    checks: pd.DataFrame = field(default_factory=lambda: empty_table("checks"))
    stale_reviews: pd.DataFrame = field(default_factory=lambda: empty_table("stale_reviews"))  # reviews.csv
    review_issues: pd.DataFrame = field(default_factory=lambda: empty_table("review_issues"))

    def for_report(self, report_id: str) -> Tables:
        """The rows of every table that belong to one report."""
        return Tables(**{n: _rows_of(getattr(self, n), [report_id]) for n in TABLES})


def _rows_of(df: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    return df[df["report_id"].isin(list(ids))].reset_index(drop=True)


def load_tables(
    processed: str | Path,
    report_ids: Iterable[str] | None = None,
    names: Sequence[str] = TABLES,
) -> Tables:
    """Every processed table (or those named), restricted to some reports if asked."""
    ids = None if report_ids is None else list(report_ids)
    frames = {n: load_table(processed, n, report_ids=ids) for n in names}
    return Tables(**frames)


def processed_exists(processed: str | Path) -> bool:
    """Whether a folder holds a ``reports`` table."""
    folder = resolve_processed(processed)
    return (folder / "reports.parquet").exists() or (folder / "reports.csv").exists()
