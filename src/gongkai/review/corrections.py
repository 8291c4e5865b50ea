"""Apply corrections.csv to parsed reports: the cell takes the researcher's value, status ``corrected``.

A correction builds new cell records (the report's own records are never edited):
the cell keeps its raw text, source line and locator, takes the value and the
status ``corrected``, and the report gains an info note in its parse issues with
the value and status as parsed and the corrections.csv line. The audit then reads
the corrected value like any number. A correction naming a report or a cell that
does not exist is reported (:class:`InputIssue`), never applied elsewhere.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import pandas as pd

from gongkai.celltable import CellRecord, CellTable
from gongkai.report import ParseIssue, Report
from gongkai.review.inputs import CORRECTIONS_NAME, Correction, InputIssue
from gongkai.review.keys import KEY_FIELDS

CORRECTED = "corrected"
SECTIONS = {2: "二", 3: "三", 4: "四"}


def _number(value: object) -> str:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return "none"
    return f"{float(value):.10g}"  # type: ignore[arg-type]


def _note(c: Correction, old: CellRecord) -> ParseIssue:
    """The located record of one applied correction: what was parsed, what it became, and why."""
    why = f": {c.note}" if c.note else ""
    message = (
        f"{c.row}/{c.column} corrected to {_number(c.value)} by {CORRECTIONS_NAME} line {c.line}{why} "
        f"(as parsed: {old.cell_status} {_number(old.value)}, raw {old.raw!r})"
    )
    return ParseIssue("info", SECTIONS[c.table], message, old.source_line)


def _position(table: CellTable, c: Correction) -> int | None:
    """Where the corrected cell sits among the table's records, or None when the report has no such cell."""
    names = table.template.key_names
    fields = [names.index(f) for f in KEY_FIELDS[c.table]]
    rows, cols = (table.template.key_values[i] for i in fields)
    return next((i for i, (r, k) in enumerate(zip(rows, cols, strict=True)) if r == c.row and k == c.column), None)


def _frame_correct(frame: pd.DataFrame, c: Correction) -> tuple[pd.DataFrame, CellRecord] | None:
    """A new frame with the corrected cell (for a report whose table is held as a DataFrame)."""
    a, b = KEY_FIELDS[c.table]
    hit = frame.index[(frame[a] == c.row) & (frame[b] == c.column)]
    if not len(hit):
        return None
    i = hit[0]
    line = frame.at[i, "source_line"]
    old = CellRecord(
        None if pd.isna(frame.at[i, "value"]) else float(frame.at[i, "value"]),
        "" if pd.isna(frame.at[i, "raw"]) else str(frame.at[i, "raw"]),
        str(frame.at[i, "cell_status"]),
        None if pd.isna(line) else int(line),
    )
    new = frame.copy()
    new.loc[i, ["value", "cell_status"]] = [c.value, CORRECTED]
    return new, old


def correct_report(report: Report, corrections: Sequence[Correction]) -> tuple[Report, list[InputIssue]]:
    """A copy of ``report`` with the corrections applied (the given report is left as it was)."""
    out = copy.copy(report)
    out.issues = list(report.issues)
    problems: list[InputIssue] = []
    by_table: dict[int, list[Correction]] = {}
    for c in corrections:
        by_table.setdefault(c.table, []).append(c)
    for table, group in sorted(by_table.items()):
        cells = report.cells(table)  # None once the table is read as a frame
        if cells is None:
            frame = getattr(report, f"table{table}")
            for c in group:
                done = _frame_correct(frame, c) if len(frame) else None
                if done is None:
                    problems.append(_no_cell(c, report))
                    continue
                frame, old = done
                out.issues.append(_note(c, old))
            setattr(out, f"table{table}", frame)
            continue
        records = list(cells.records)
        for c in group:
            p = _position(cells, c)
            if p is None:
                problems.append(_no_cell(c, report))
                continue
            old = records[p]
            records[p] = CellRecord(c.value, old.raw, CORRECTED, old.source_line, old.source_ref)
            out.issues.append(_note(c, old))
        setattr(out, f"table{table}", CellTable(cells.template, tuple(records)))
    return out, problems


def _no_cell(c: Correction, report: Report) -> InputIssue:
    fmt = f" (format {report.format})" if report.format else ""
    return InputIssue(
        CORRECTIONS_NAME,
        c.line,
        "error",
        f"table {c.table} of {c.report_id}{fmt} has no cell {c.row}/{c.column}: not applied",
        c.report_id,
    )


def apply_corrections(
    reports: Sequence[Report], corrections: Sequence[Correction]
) -> tuple[list[Report], list[InputIssue]]:
    """Every report, corrected where corrections.csv says so; a correction of an unknown report is reported."""
    wanted: dict[str, list[Correction]] = {}
    for c in corrections:
        wanted.setdefault(c.report_id, []).append(c)
    problems: list[InputIssue] = []
    out = []
    for r in reports:
        mine = wanted.pop(r.report_id, None)
        if not mine:
            out.append(r)
            continue
        corrected, issues = correct_report(r, mine)
        out.append(corrected)
        problems += issues
    for rid, rest in wanted.items():
        for c in rest:
            problems.append(
                InputIssue(CORRECTIONS_NAME, c.line, "error", f"no report {rid!r} in the batch: not applied", rid)
            )
    return out, sorted(problems, key=lambda i: i.line or 0)
