"""Reports → the tidy tables of data/processed, typed as ``gongkai.schema`` declares them.

The label columns are added, and every table conformed, when the tables are written
(:mod:`gongkai.dataset.write`).
"""

from __future__ import annotations

import pandas as pd

from gongkai import schema
from gongkai.celltable import CellTable, batch_frame
from gongkai.gc_spare import spare_collector
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
    return schema.typed(pd.DataFrame.from_records(rows, columns=REPORT_COLUMNS), "reports")


def _segments(reports: list[Report], table: int) -> list[pd.DataFrame]:
    """The table's cells of every report that has the table, with report_id: one frame per run of reports
    whose tables share key columns (:func:`batch_frame`), built from the records."""
    frames: list[pd.DataFrame] = []
    run: list[tuple[str, CellTable]] = []
    for r in reports:
        cells = r.cells(table)
        if cells is None:
            continue
        if run and (cells.template.key_names, cells.template.integer) != (
            run[0][1].template.key_names,
            run[0][1].template.integer,
        ):
            frames.append(batch_frame(run))
            run = []
        run.append((r.report_id, cells))
    if run:
        frames.append(batch_frame(run))
    return frames


def _cells(reports: list[Report], table: int, columns: list[str]) -> pd.DataFrame:
    frames = _segments(reports, table)
    name = f"table{table}"
    if not frames:
        return schema.typed(pd.DataFrame(columns=["report_id", *columns]), name)
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return schema.typed(df[["report_id", *columns]], name)


def table2(reports: list[Report]) -> pd.DataFrame:
    return _cells(reports, 2, TABLE2_COLUMNS)


def table3(reports: list[Report]) -> pd.DataFrame:
    return _cells(reports, 3, TABLE3_COLUMNS)


def table4(reports: list[Report]) -> pd.DataFrame:
    return _cells(reports, 4, TABLE4_COLUMNS)


def parse_issues(reports: list[Report]) -> pd.DataFrame:
    rows = [(r.report_id, i.severity, i.section, i.message, i.source_line) for r in reports for i in r.issues]
    return schema.typed(pd.DataFrame.from_records(rows, columns=ISSUE_COLUMNS), "parse_issues")


def all_tables(reports: list[Report]) -> dict[str, pd.DataFrame]:
    """Every parse table, by output name."""
    with spare_collector():  # the batch's reports are input: no full collection walks them meanwhile
        return {
            "reports": reports_table(reports),
            "table2": table2(reports),
            "table3": table3(reports),
            "table4": table4(reports),
            "parse_issues": parse_issues(reports),
        }
