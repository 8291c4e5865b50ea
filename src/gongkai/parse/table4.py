"""Table 4 (四、政府信息公开行政复议、行政诉讼情况): one row of 15 cells, 3 proceedings × 5 outcomes."""

from __future__ import annotations

import pandas as pd

from gongkai.parse.align import LabelledRow, Slot, align_values
from gongkai.parse.cells import MISSING, record
from gongkai.parse.normalize import norm
from gongkai.report import TABLE4_COLUMNS, ParseIssue
from gongkai.templates import table4_cells

SECTION = "四"
_HEADER_WORDS = ("行政复议", "行政诉讼", "尚未审结")


def parse_table4(rows: list[LabelledRow], issues: list[ParseIssue]) -> tuple[pd.DataFrame, set[int]]:
    """Parse the 15 cells; an extra unlabelled cell at the end of the row is dropped with a note."""
    template = table4_cells()
    n = len(template)
    lrows = [r for r in rows if r.is_data]
    if not lrows:
        issues.append(ParseIssue("error", SECTION, "table 4 not found (no values in section 四)", None))
        return _frame([None] * n), set()
    header = "".join(r.label_text for r in lrows)
    if not all(norm(w) in header for w in _HEADER_WORDS):
        issues.append(
            ParseIssue("warning", SECTION, "table 4 header not recognised; official order assumed", lrows[0].line)
        )
    values: list[Slot] = [s for r in lrows for s in r.values]
    used = {s.cell.line for r in lrows for s in r.labels + r.values if s.cell.line}
    line = next((s.cell.line for s in values if not s.empty), None)
    alignment = align_values(values, n)
    if alignment.slots is None:
        trimmed = _trim(values, n + 1)
        if trimmed is not None:
            extra = trimmed[-1]
            issues.append(
                ParseIssue(
                    "warning",
                    SECTION,
                    f"extra unlabelled cell {extra.cell.text!r} at the end of the table 4 row ignored; "
                    f"the first {n} cells kept",
                    extra.cell.line,
                )
            )
            alignment_slots: list[Slot | None] = list(trimmed[:n])
        else:
            raw = " ".join(s.cell.text for s in values if not s.empty)
            issues.append(ParseIssue("error", SECTION, f"table 4 row: {alignment.problem}: [{raw}]", line))
            return _frame([None] * n), used
    else:
        alignment_slots = alignment.slots
    records = [
        record(slot, integer=True, section=SECTION, where=f"{c.proceeding}, {c.outcome}", issues=issues)
        for c, slot in zip(template, alignment_slots, strict=True)
    ]
    return _frame(records), used


def _trim(values: list[Slot], width: int) -> list[Slot] | None:
    """The row without its padding when it is exactly ``width`` cells ending in a non-empty one."""
    end = len(values)
    while end > 0 and values[end - 1].empty:
        end -= 1
    start = 0
    while end - start > width and values[start].empty:
        start += 1
    row = values[start:end]
    return row if len(row) == width else None


def _frame(records) -> pd.DataFrame:
    rows = []
    for c, rec in zip(table4_cells(), records, strict=True):
        rec = rec or MISSING
        rows.append((c.proceeding, c.outcome, rec.value, rec.raw, rec.cell_status, rec.source_line))
    df = pd.DataFrame.from_records(rows, columns=TABLE4_COLUMNS)
    df["value"] = df["value"].astype("Float64").round().astype("Int64")
    df["source_line"] = df["source_line"].astype("Int64")
    return df
