"""Table 3 (三、收到和处理政府信息公开申请情况): 7 applicant columns × 25 (2021) or 23 (2019) rows."""

from __future__ import annotations

from functools import cache

from gongkai.celltable import MISSING, CellRecord, CellTable, FrameTemplate
from gongkai.parse.align import Alignment, LabelledRow, align_values, settle_ambiguous
from gongkai.parse.cells import record_row
from gongkai.parse.match import match_rows
from gongkai.parse.normalize import norm
from gongkai.parse.recover import NO_EVIDENCE, Evidence, Run, find_run, recover_table3
from gongkai.report import ParseIssue
from gongkai.templates import Table3Row, label_phrases, table3_columns, table3_rows
from gongkai.templates.identities import group_keys, identity, resolve

SECTION = "三"
_GROUP = norm("法人或其他组织")
_ORG = group_keys("organizations")
SUBTOTAL = "organization_subtotal"
RowCells = dict[str, list[CellRecord]]  # row key → its records in source column order (``columns``)


def header_columns(header: str, issues: list[ParseIssue], line: int | None) -> list[str]:
    """Column keys in source order, read from the header text (recognises the optional 小计 column)."""
    phrases = label_phrases("table3_column")
    text = header.replace(_GROUP, "#")
    cut = text.find(norm("申请人情况"))
    text = text[cut:] if cut >= 0 else text
    found: dict[str, int] = {}
    for key in (*_ORG, SUBTOTAL):
        positions = [text.find(norm(p)) for p in phrases[key] if text.find(norm(p)) >= 0]
        if positions:
            found[key] = min(positions)
    if SUBTOTAL in found:
        issues.append(ParseIssue("info", SECTION, "法人或其他组织小计 column recognised", line))
    orgs = [k for k in _ORG if k in found]
    if len(orgs) == len(_ORG):
        ordered = sorted(found, key=found.__getitem__)
    else:
        ordered = list(_ORG) + ([SUBTOTAL] if SUBTOTAL in found else [])
        if header:
            issues.append(
                ParseIssue("warning", SECTION, "applicant header incomplete: official column order assumed", line)
            )
    return ["natural_person", *ordered, "total"]


def parse_table3(
    rows: list[LabelledRow],
    fmt: str,
    issues: list[ParseIssue],
    *,
    run_together: bool = False,
    evidence: Evidence = NO_EVIDENCE,
) -> tuple[CellTable, set[str]]:
    """Parse table 3 from its section's rows. Returns the records and the source cells it used.

    With ``run_together``, rows whose cells ran together go to the recovery stage (:mod:`gongkai.parse.recover`).
    """
    template = table3_rows(fmt)
    keys = tuple(r.key for r in template)
    lrows = [r for r in rows if r.is_data]
    data_rows = lrows
    if not data_rows:
        issues.append(ParseIssue("error", SECTION, "table 3 not found (no values in section 三)", None))
        return _table({}, [], template), set()
    columns = header_columns(data_rows[0].label_text, issues, data_rows[0].line)
    n = len(columns)
    matched = match_rows(data_rows, "table3_row", keys, SECTION, issues)
    aligned: dict[int, Alignment] = {i: align_values(data_rows[i].values, n) for i in matched}
    settle_ambiguous(data_rows, aligned, dict.fromkeys(aligned, n))
    cells: RowCells = {}
    used: set[str] = set()
    runs: dict[str, Run] = {}  # rows whose cells ran together
    for i, key in matched.items():
        row, alignment = data_rows[i], aligned[i]
        used.update([s.cell.ref for s in row.labels])
        used.update([s.cell.ref for s in row.values])
        if alignment.slots is None:
            if run_together and (run := find_run(key, row.values)) is not None:
                runs[key] = run
                continue
            raw = " ".join(s.cell.text for s in row.values if not s.empty)
            issues.append(ParseIssue("error", SECTION, f"row {key}: {alignment.problem}: [{raw}]", row.line))
            continue
        cells[key] = record_row(
            alignment.slots, columns, integer=True, section=SECTION, name=f"row {key}", issues=issues
        )
    if runs:
        cells.update(recover_table3(runs, columns, fmt, cells, evidence, issues))
    _check_subtotal(cells, columns, issues)
    missing = [k for k in keys if k not in matched.values()]
    if missing:
        issues.append(ParseIssue("error", SECTION, f"table 3 rows not found: {', '.join(missing)}", None))
    return _table(cells, columns, template), used


def _check_subtotal(cells: RowCells, columns: list[str], issues: list[ParseIssue]) -> None:
    """Compare each row's 法人或其他组织小计 with the sum of its five organisation columns (t3.subtotal)."""
    if SUBTOTAL not in columns:
        return
    lhs, rhs, _ = resolve(identity("t3.subtotal"), None)
    at = {c: i for i, c in enumerate(columns)}
    sides = [at[c] for c in lhs], [at[c] for c in rhs]
    for key, recs in cells.items():
        left, right = ([recs[i].value for i in side] for side in sides)
        if None in left or None in right or sum(left) == sum(right):  # type: ignore[arg-type]
            continue
        sub = recs[sides[0][0]]
        issues.append(ParseIssue(
            "warning", SECTION,
            f"row {key}: 法人或其他组织小计 {sub.raw} differs from the sum of its columns ({sum(right):g})",  # type: ignore[arg-type]
            sub.source_line,
        ))  # fmt: skip


@cache
def _template(template: tuple[Table3Row, ...]) -> FrameTemplate:
    pairs = [(row.key, col.key) for row in template for col in table3_columns()]
    return FrameTemplate.build({"row": [r for r, _ in pairs], "applicant": [a for _, a in pairs]}, integer=True)


@cache
def _positions(columns: tuple[str, ...]) -> tuple[int, ...]:
    """Where each template column (natural_person … total) sits among the source ``columns``."""
    return tuple(columns.index(c.key) for c in table3_columns())


def _table(cells: RowCells, columns: list[str], template: tuple[Table3Row, ...]) -> CellTable:
    """The records in template order (rows × the seven template columns; the 小计 column left out)."""
    width = len(table3_columns())
    records: list[CellRecord] = []
    positions = _positions(tuple(columns)) if cells else ()
    for row in template:
        recs = cells.get(row.key)
        records.extend((MISSING,) * width if recs is None else [recs[i] for i in positions])
    return CellTable(_template(template), tuple(records))


__all__ = ["LabelledRow", "header_columns", "parse_table3"]
