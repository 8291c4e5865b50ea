"""Table 2 (二、主动公开政府信息情况): categories × measures of the format's template."""

from __future__ import annotations

from functools import cache

import pandas as pd

from gongkai.parse.align import LabelledRow, align_values, settle_ambiguous
from gongkai.parse.cells import MISSING, CellRecord, record
from gongkai.parse.frames import FrameTemplate
from gongkai.parse.match import match_template_key
from gongkai.parse.values import read_value
from gongkai.report import TABLE2_COLUMNS, ParseIssue
from gongkai.templates import table2_categories, table2_cells, table2_measures

SECTION = "二"


def parse_table2(rows: list[LabelledRow], fmt: str, issues: list[ParseIssue]) -> tuple[pd.DataFrame, set[int]]:
    """Parse every category row of table 2; a category not found leaves its cells ``missing``."""
    categories = table2_categories(fmt)
    lrows = [r for r in rows if r.is_data]
    cells: dict[tuple[str, str], CellRecord] = {}
    used: set[int] = set()
    matched: dict[int, str] = {}
    for i, row in enumerate(lrows):
        key = match_template_key(row.label_text, "table2_category", categories)
        label = "".join(s.cell.text for s in row.labels[-2:]).strip() or "(no label)"
        if key is None:
            issues.append(ParseIssue("error", SECTION, f"values under an unrecognised label {label!r}", row.line))
        elif key in matched.values():
            issues.append(ParseIssue("error", SECTION, f"category {key} appears twice", row.line))
        else:
            matched[i] = key
    by_width: dict[int, dict] = {}
    for i, key in matched.items():
        n = len(table2_measures(fmt, key))
        by_width.setdefault(n, {})[i] = align_values(lrows[i].values, n)
    for n, aligned in by_width.items():
        settle_ambiguous(lrows, aligned, n)
        for i, alignment in aligned.items():
            key, row = matched[i], lrows[i]
            used.update(s.cell.line for s in row.labels + row.values if s.cell.line)
            if alignment.slots is None:
                raw = " ".join(s.cell.text for s in row.values if not s.empty)
                issues.append(ParseIssue("error", SECTION, f"{key}: {alignment.problem}: [{raw}]", row.line))
                continue
            for measure, slot in zip(table2_measures(fmt, key), alignment.slots, strict=True):
                where = f"{key}, {measure.measure}"
                rec = record(slot, integer=False, section=SECTION, where=where, issues=issues)
                unit = read_value(rec.raw).unit if rec.cell_status == "number" else None
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
    return _frame(cells, fmt), used


@cache
def _template(fmt: str) -> FrameTemplate:
    cells = table2_cells(fmt)
    return FrameTemplate.build({col: [getattr(c, col) for c in cells] for col in TABLE2_COLUMNS[:4]})


def _frame(cells: dict[tuple[str, str], CellRecord], fmt: str) -> pd.DataFrame:
    records = [cells.get((c.category, c.measure), MISSING) for c in table2_cells(fmt)]
    return _template(fmt).frame(records, integer=False)
