"""Table 4 (四、政府信息公开行政复议、行政诉讼情况): one row of 15 cells, 3 proceedings × 5 outcomes."""

from __future__ import annotations

from functools import cache

from gongkai.celltable import MISSING, CellRecord, CellTable, FrameTemplate
from gongkai.parse.align import LabelledRow, Slot, align_values
from gongkai.parse.cells import record_row
from gongkai.parse.normalize import norm
from gongkai.parse.recover import NO_EVIDENCE, Evidence, find_run, recover_table4
from gongkai.report import TABLE4_COLUMNS, ParseIssue
from gongkai.templates import table4_cells

SECTION = "四"
_HEADER_WORDS = ("行政复议", "行政诉讼", "尚未审结")
_OUTCOME_WORDS = ("维持", "纠正", "审结")


def parse_table4(
    rows: list[LabelledRow],
    issues: list[ParseIssue],
    *,
    run_together: bool = False,
    fmt: str = "2021",
    evidence: Evidence = NO_EVIDENCE,
) -> tuple[CellTable, set[str]]:
    """Parse the 15 cells; an extra unlabelled cell at the end of the row is dropped with a note."""
    template = table4_cells()
    n = len(template)
    lrows = [r for r in rows if r.is_data]
    if not lrows:
        issues.append(ParseIssue("error", SECTION, "table 4 not found (no values in section 四)", None))
        return _table([None] * n), set()
    header = "".join(r.label_text for r in lrows)
    if not all(norm(w) in header for w in _HEADER_WORDS):
        issues.append(
            ParseIssue("warning", SECTION, "table 4 header not recognised; official order assumed", lrows[0].line)
        )
    values: list[Slot] = [s for r in lrows for s in r.values]
    used = {s.cell.ref for r in lrows for s in r.labels + r.values}
    line = next((s.cell.line for s in values if not s.empty), None)
    by_header = _by_header_columns(lrows, values, n)
    alignment = align_values(values, n) if by_header is None else None
    if by_header is not None:
        alignment_slots, extras = by_header
    elif alignment is not None and alignment.slots is not None:
        alignment_slots, extras = alignment.slots, []
    elif run_together and (run := find_run("", values)) is not None:
        recovered = recover_table4(run, fmt, evidence, issues)
        return _table(recovered or [None] * n), used
    elif (trimmed := _trim(values, n + 1)) is not None:
        alignment_slots, extras = list(trimmed[:n]), [trimmed[-1]]
    else:
        raw = " ".join(s.cell.text for s in values if not s.empty)
        problem = alignment.problem if alignment else "row does not fit the header"
        issues.append(ParseIssue("error", SECTION, f"table 4 row: {problem}: [{raw}]", line))
        return _table([None] * n), used
    for extra in extras:
        issues.append(
            ParseIssue(
                "warning",
                SECTION,
                f"extra unlabelled cell {extra.cell.text!r} at the end of the table 4 row ignored; "
                f"the first {n} cells kept",
                extra.cell.line,
            )
        )
    records = record_row(alignment_slots, _cell_names(), integer=True, section=SECTION, name="", issues=issues)
    return _table(records), used


@cache
def _cell_names() -> list[str]:
    """How a note names each cell: "proceeding, outcome"."""
    return [f"{c.proceeding}, {c.outcome}" for c in table4_cells()]


def _by_header_columns(
    lrows: list[LabelledRow], values: list[Slot], n: int
) -> tuple[list[Slot | None], list[Slot]] | None:
    """Align a tabular data row by the columns of its outcome headers (结果维持 … 总计).

    Only for sources with real columns (tab-separated rows): the first outcome
    header marks the first value column; a value beyond the 15th column is an
    extra unlabelled cell. None when the source has no usable columns.
    """
    present = [s for s in values if not s.empty]
    if not present or present[0].width < n or len({s.row for s in present}) != 1:
        return None
    columns = [
        s.col for r in lrows for s in r.labels if s.width > 1 and any(w in norm(s.cell.text) for w in _OUTCOME_WORDS)
    ]
    if not columns:
        return None
    first = min(columns)
    by_col = {s.col: s for s in values if s.row == present[0].row}
    chosen = [by_col.get(c) for c in range(first, first + n)]
    outside = [s for s in present if not first <= s.col < first + n]
    if any(c is None for c in chosen) or any(s.col < first for s in outside):
        return None
    return chosen, outside


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


@cache
def _template() -> FrameTemplate:
    return FrameTemplate.build(
        {col: [getattr(c, col) for c in table4_cells()] for col in TABLE4_COLUMNS[:2]}, integer=True
    )


def _table(records: list[CellRecord | None]) -> CellTable:
    if len(records) != len(table4_cells()):
        raise ValueError(f"table 4 has {len(table4_cells())} cells, got {len(records)}")
    return CellTable(_template(), tuple(rec or MISSING for rec in records))
