"""Sanity rules: negative counts and entirely blank tables (copy-paste needs the series, see crossyear)."""

from __future__ import annotations

import numpy as np

from gongkai.rules.grids import NUMBER, ReportGrids
from gongkai.rules.identities import TABLE_NAMES
from gongkai.rules.results import Collector

SIGNED_MEASURES = ("items_change",)  # 2019 本年增/减 may be negative


def check_negative(grids: ReportGrids, report_id: str, out: Collector) -> None:
    """Every number cell must be >= 0, except the signed measures of table 2."""
    for table in (2, 3, 4):
        g = grids.grid(table)
        numbers = g.status == NUMBER
        if table == 2:
            for m in SIGNED_MEASURES:
                numbers[:, g.axes.col_index[m]] = False
        negative = numbers & (np.nan_to_num(g.values) < 0)
        out.count(report_id, "sanity.negative", n_pass=int((numbers & ~negative).sum()))
        for i, j in zip(*np.nonzero(negative), strict=True):
            r, c = g.axes.rows[i], g.axes.cols[j]
            out.result(
                report_id,
                "sanity.negative",
                "fail",
                table=table,
                row=r,
                column=c,
                expected=0.0,
                actual=float(g.values[i, j]),
                message=f"{TABLE_NAMES[table]} {r}/{c} is negative ({g.values[i, j]:g})",
                evidence=g.describe(r, c),
            )


def check_blank_tables(grids: ReportGrids, report_id: str, out: Collector) -> None:
    """A table without a single number cell is reported (blank, dashes or not found at all)."""
    for table in (2, 3, 4):
        g = grids.grid(table)
        if (g.status == NUMBER).any():
            out.result(report_id, "sanity.blank_table", "pass", table=table)
            continue
        found = int((g.pos >= 0).sum())
        why = "not found in the report" if found == 0 else f"all {found} cells are blank, dash or text"
        out.result(
            report_id,
            "sanity.blank_table",
            "fail",
            table=table,
            message=f"{TABLE_NAMES[table]} has no numeric cell: {why}",
        )
