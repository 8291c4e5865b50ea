"""Sanity rules: negative counts and entirely blank tables (copy-paste needs the series, see crossyear)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gongkai.rules.gridbatch import TABLES, GridBatch
from gongkai.rules.grids import MISSING, ReportGrids, axes
from gongkai.rules.identities import TABLE_NAMES
from gongkai.rules.results import Collector

SIGNED_MEASURES = ("items_change",)  # 2019 本年增/减 may be negative


def check_negative(batch: GridBatch, report_ids: Sequence[str], out: Collector) -> list[list[tuple]]:
    """Every number cell must be >= 0, except the signed measures of table 2.

    Evaluated on the whole batch at once; passes are counted in ``out`` and each
    report's findings returned (table by table, row-major), for the caller to place.
    """
    found: list[list[tuple]] = [[] for _ in report_ids]
    for table in TABLES:
        values = batch.values[table]
        numbers = batch.numeric(table)
        if table == 2:
            for m in SIGNED_MEASURES:
                numbers[:, :, axes(2).col_index[m]] = False
        negative = numbers & (values < 0)  # NaN is never negative
        out.count_passes(report_ids, "sanity.negative", (numbers & ~negative).sum(axis=(1, 2)).tolist())
        for k, i, j in zip(*np.nonzero(negative), strict=True):
            g = batch.reports[k].grid(table)
            r, c = g.axes.rows[i], g.axes.cols[j]
            out.result(
                report_ids[k],
                "sanity.negative",
                "fail",
                table=table,
                row=r,
                column=c,
                expected=0.0,
                actual=float(g.values[i, j]),
                message=f"{TABLE_NAMES[table]} {r}/{c} is negative ({g.values[i, j]:g})",
                evidence=g.describe(r, c),
                into=found[k],
            )
    return found


def check_blank_tables(grids: ReportGrids, report_id: str, out: Collector, has_number: Sequence[bool]) -> None:
    """A table without a single number (or inferred) cell is reported: blank, dashes or text.

    A table the parser did not find at all (every cell missing) is already a parse error, not also a finding.

    ``has_number``: for tables 2, 3 and 4, whether the table holds a number cell (see :func:`numbers_present`).
    """
    out.count(report_id, "sanity.blank_table", n_pass=sum(has_number))
    for table, present in zip(TABLES, has_number, strict=True):
        if present:
            continue
        g = grids.grid(table)
        found = int(((g.pos >= 0) & (g.status != MISSING)).sum())
        if found == 0:
            continue  # lost by the parser: reported as a parse error
        why = f"all {found} cells are blank, dash or text"
        out.result(
            report_id,
            "sanity.blank_table",
            "fail",
            table=table,
            message=f"{TABLE_NAMES[table]} has no numeric cell: {why}",
        )


def numbers_present(batch: GridBatch) -> list[tuple[bool, ...]]:
    """Per report, whether each of tables 2, 3 and 4 holds at least one number cell."""
    per_table = [batch.numeric(t).any(axis=(1, 2)).tolist() for t in TABLES]
    return list(zip(*per_table, strict=True))
