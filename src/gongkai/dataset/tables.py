"""Reports → the tidy tables of data/processed, with their exact columns and dtypes."""

from __future__ import annotations

import pandas as pd

from gongkai.celltable import CellTable, batch_frame
from gongkai.report import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS, Report

REPORT_COLUMNS = [
    "report_id",
    "source_file",
    "sha256",
    "title",
    "issuer",
    "year",
    "published",
    "format",
    "format_table2",
    "format_table3",
    "layout",
    "status",
    "message",
]
ISSUE_COLUMNS = ["report_id", "severity", "section", "message", "source_line"]


def reports_table(reports: list[Report]) -> pd.DataFrame:
    """One row per input file, whatever happened to it."""
    rows = [
        (
            r.report_id,
            r.source_file,
            r.sha256,
            r.title,
            r.issuer,
            r.year,
            r.published,
            r.format,
            r.format_table2,
            r.format_table3,
            r.layout,
            r.status,
            r.message,
        )
        for r in reports
    ]
    df = pd.DataFrame.from_records(rows, columns=REPORT_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    return df.astype({c: "string" for c in REPORT_COLUMNS if c != "year"})


def _segments(reports: list[Report], table: int) -> list[pd.DataFrame]:
    """The table's cells of every report, with report_id: runs of reports still held as records become one
    frame each (:func:`batch_frame`), reports whose DataFrame was built contribute that frame."""
    frames: list[pd.DataFrame] = []
    run: list[tuple[str, CellTable]] = []
    for r in reports:
        cells = r.cells(table)
        if cells is not None:
            run.append((r.report_id, cells))
            continue
        if run:
            frames.append(batch_frame(run))
            run = []
        df = getattr(r, f"table{table}")
        if not df.empty:
            frames.append(df.assign(report_id=r.report_id))
    if run:
        frames.append(batch_frame(run))
    return frames


def _cells(reports: list[Report], attr: str, columns: list[str]) -> pd.DataFrame:
    frames = _segments(reports, int(attr[-1]))
    if not frames:
        return pd.DataFrame(columns=["report_id", *columns])
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    df = df[["report_id", *columns]]
    for col in (
        "report_id",
        "raw",
        "cell_status",
        "row",
        "applicant",
        "proceeding",
        "outcome",
        "item",
        "category",
        "measure",
        "unit",
    ):
        if col in df:
            df[col] = df[col].astype("string")
    df["source_line"] = df["source_line"].astype("Int64")
    return df


def table2(reports: list[Report]) -> pd.DataFrame:
    df = _cells(reports, "table2", TABLE2_COLUMNS)
    df["value"] = df["value"].astype("Float64")
    return df


def table3(reports: list[Report]) -> pd.DataFrame:
    df = _cells(reports, "table3", TABLE3_COLUMNS)
    df["value"] = df["value"].astype("Int64")
    return df


def table4(reports: list[Report]) -> pd.DataFrame:
    df = _cells(reports, "table4", TABLE4_COLUMNS)
    df["value"] = df["value"].astype("Int64")
    return df


def parse_issues(reports: list[Report]) -> pd.DataFrame:
    rows = [(r.report_id, i.severity, i.section, i.message, i.source_line) for r in reports for i in r.issues]
    df = pd.DataFrame.from_records(rows, columns=ISSUE_COLUMNS)
    df["source_line"] = df["source_line"].astype("Int64")
    return df.astype({c: "string" for c in ISSUE_COLUMNS if c != "source_line"})


def all_tables(reports: list[Report]) -> dict[str, pd.DataFrame]:
    """Every parse table, by output name."""
    return {
        "reports": reports_table(reports),
        "table2": table2(reports),
        "table3": table3(reports),
        "table4": table4(reports),
        "parse_issues": parse_issues(reports),
    }
