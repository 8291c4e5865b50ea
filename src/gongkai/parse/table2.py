"""Table 2 (二、主动公开政府信息情况): categories × measures of the format's template."""

from __future__ import annotations

from functools import cache

from gongkai.celltable import MISSING, CellRecord, CellTable, FrameTemplate
from gongkai.parse.align import LabelledRow, align_values, settle_ambiguous
from gongkai.parse.cells import record_row
from gongkai.parse.match import match_rows
from gongkai.parse.recover import NO_EVIDENCE, Evidence, Run, find_run, recover_table2
from gongkai.parse.values import read_value
from gongkai.report import TABLE2_COLUMNS, ParseIssue
from gongkai.templates import table2_categories, table2_cells, table2_measures

SECTION = "二"


def parse_table2(
    rows: list[LabelledRow],
    fmt: str,
    issues: list[ParseIssue],
    *,
    run_together: bool = False,
    evidence: Evidence = NO_EVIDENCE,
) -> tuple[CellTable, set[str]]:
    """Parse every category row of table 2; a category not found leaves its cells ``missing``.

    With ``run_together``, rows whose cells ran together go to the recovery stage (:mod:`gongkai.parse.recover`).
    """
    categories = table2_categories(fmt)
    lrows = [r for r in rows if r.is_data]
    cells: dict[tuple[str, str], CellRecord] = {}
    used: set[str] = set()
    matched = match_rows(lrows, "table2_category", categories, SECTION, issues)
    widths = {i: len(table2_measures(fmt, key)) for i, key in matched.items()}
    aligned = {i: align_values(lrows[i].values, n) for i, n in widths.items()}
    settle_ambiguous(lrows, aligned, widths)
    runs: dict[str, Run] = {}
    for i, alignment in aligned.items():
        key, row = matched[i], lrows[i]
        used.update([s.cell.ref for s in row.labels])
        used.update([s.cell.ref for s in row.values])
        if alignment.slots is None and run_together and (run := find_run(key, row.values)) is not None:
            runs[key] = run
            continue
        if alignment.slots is None:
            raw = " ".join(s.cell.text for s in row.values if not s.empty)
            issues.append(ParseIssue("error", SECTION, f"{key}: {alignment.problem}: [{raw}]", row.line))
            continue
        measures = table2_measures(fmt, key)
        names = [m.measure for m in measures]
        records = record_row(alignment.slots, names, integer=False, section=SECTION, name=key, issues=issues)
        for measure, rec in zip(measures, records, strict=True):
            where = f"{key}, {measure.measure}"
            unit = read_value(rec.raw).unit if rec.cell_status in ("number", "ocr") else None
            if unit and unit != measure.unit:
                issues.append(
                    ParseIssue(
                        "warning",
                        SECTION,
                        f"{where}: unit {unit} in the cell, the template says {measure.unit}",
                        rec.source_line,
                    )
                )
            cells[(key, measure.measure)] = rec
    if runs:
        measures = {k: [m.measure for m in table2_measures(fmt, k)] for k in runs}
        for key, recs in recover_table2(runs, measures, evidence, issues).items():
            cells.update({(key, m): r for m, r in zip(measures[key], recs, strict=True)})
    missing = [k for k in categories if k not in matched.values()]
    if missing and matched:
        issues.append(ParseIssue("error", SECTION, f"table 2 categories not found: {', '.join(missing)}", None))
    elif not matched:
        issues.append(ParseIssue("error", SECTION, "table 2 not found (no values in section 二)", None))
    return _table(cells, fmt), used


@cache
def _template(fmt: str) -> FrameTemplate:
    cells = table2_cells(fmt)
    return FrameTemplate.build({col: [getattr(c, col) for c in cells] for col in TABLE2_COLUMNS[:4]}, integer=False)


def _table(cells: dict[tuple[str, str], CellRecord], fmt: str) -> CellTable:
    records = [cells.get((c.category, c.measure), MISSING) for c in table2_cells(fmt)]
    return CellTable(_template(fmt), tuple(records))
