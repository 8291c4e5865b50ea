"""Table 2 (二、主动公开政府信息情况): categories × measures of the format's template."""

from __future__ import annotations

from functools import cache

from gongkai.celltable import MISSING, CellRecord, CellTable, FrameTemplate
from gongkai.parse.align import LabelledRow, align_values, settle_ambiguous
from gongkai.parse.cells import record_row
from gongkai.parse.match import match_rows
from gongkai.parse.runtogether import cuts, no_constraint, run_digits, run_ref
from gongkai.parse.values import read_value
from gongkai.report import TABLE2_COLUMNS, ParseIssue
from gongkai.templates import table2_categories, table2_cells, table2_measures

SECTION = "二"


def parse_table2(
    rows: list[LabelledRow], fmt: str, issues: list[ParseIssue], *, run_together: bool = False
) -> tuple[CellTable, set[str]]:
    """Parse every category row of table 2; a category not found leaves its cells ``missing``."""
    categories = table2_categories(fmt)
    lrows = [r for r in rows if r.is_data]
    cells: dict[tuple[str, str], CellRecord] = {}
    used: set[str] = set()
    matched = match_rows(lrows, "table2_category", categories, SECTION, issues)
    widths = {i: len(table2_measures(fmt, key)) for i, key in matched.items()}
    aligned = {i: align_values(lrows[i].values, n) for i, n in widths.items()}
    settle_ambiguous(lrows, aligned, widths)
    for i, alignment in aligned.items():
        key, row = matched[i], lrows[i]
        used.update([s.cell.ref for s in row.labels])
        used.update([s.cell.ref for s in row.values])
        if alignment.slots is None and run_together and (digits := run_digits(row.values)) is not None:
            _split_category(key, digits, fmt, (row.line, run_ref(row.values)), cells, issues)
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
    missing = [k for k in categories if k not in matched.values()]
    if missing and matched:
        issues.append(ParseIssue("error", SECTION, f"table 2 categories not found: {', '.join(missing)}", None))
    elif not matched:
        issues.append(ParseIssue("error", SECTION, "table 2 not found (no values in section 二)", None))
    return _table(cells, fmt), used


def _split_category(
    key: str, digits: str, fmt: str, where: tuple[int | None, str], cells, issues: list[ParseIssue]
) -> None:
    """Table 2 has no arithmetic within a row: a run of digits splits only when one cut is possible."""
    line, ref = where
    measures = table2_measures(fmt, key)
    split = cuts(digits, len(measures), no_constraint)
    if len(split.candidates) != 1:
        issues.append(ParseIssue(
            "error", SECTION,
            f"{key}: run-together cells {digits} can be split into {len(measures)} numbers in "
            f"{len(split.candidates)} ways and table 2 has no identity to choose; left unsplit, not guessed",
            line,
        ))  # fmt: skip
        return
    for measure, number in zip(measures, split.candidates[0], strict=True):
        cells[(key, measure.measure)] = CellRecord(float(number), str(number), "inferred", line, ref)
    issues.append(ParseIssue(
        "info", SECTION, f"{key}: run-together cells {digits} split as "
        f"{'|'.join(map(str, split.candidates[0]))}: the only way to write them without leading zeros", line,
    ))  # fmt: skip


@cache
def _template(fmt: str) -> FrameTemplate:
    cells = table2_cells(fmt)
    return FrameTemplate.build({col: [getattr(c, col) for c in cells] for col in TABLE2_COLUMNS[:4]}, integer=False)


def _table(cells: dict[tuple[str, str], CellRecord], fmt: str) -> CellTable:
    records = [cells.get((c.category, c.measure), MISSING) for c in table2_cells(fmt)]
    return CellTable(_template(fmt), tuple(records))
