"""Table 3 (三、收到和处理政府信息公开申请情况): 7 applicant columns × 25 (2021) or 23 (2019) rows."""

from __future__ import annotations

import itertools
from functools import cache

from gongkai.celltable import MISSING, CellRecord, CellTable, FrameTemplate
from gongkai.parse.align import Alignment, LabelledRow, align_values, settle_ambiguous
from gongkai.parse.cells import record_row
from gongkai.parse.match import match_rows
from gongkai.parse.normalize import norm
from gongkai.parse.runtogether import cuts, run_digits, run_ref
from gongkai.report import ParseIssue
from gongkai.templates import Table3Row, label_phrases, table3_columns, table3_rows

SECTION = "三"
_GROUP = norm("法人或其他组织")
_ORG = (
    "commercial_enterprise",
    "research_institution",
    "social_welfare_organization",
    "legal_service_organization",
    "other_organization",
)
SUBTOTAL = "organization_subtotal"
_NON_OUTCOME = ("new_received", "carried_over", "total_processed", "carried_forward")
MAX_COMBINATIONS = 100_000
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
    rows: list[LabelledRow], fmt: str, issues: list[ParseIssue], *, run_together: bool = False
) -> tuple[CellTable, set[str]]:
    """Parse table 3 from its section's rows. Returns the frame and the source lines it used."""
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
    runs: dict[str, tuple[str, int | None, str]] = {}  # rows whose cells ran together: digits, line, ref
    for i, key in matched.items():
        row, alignment = data_rows[i], aligned[i]
        used.update([s.cell.ref for s in row.labels])
        used.update([s.cell.ref for s in row.values])
        if alignment.slots is None:
            if run_together and (digits := run_digits(row.values)) is not None:
                runs[key] = (digits, row.line, run_ref(row.values))
                continue
            raw = " ".join(s.cell.text for s in row.values if not s.empty)
            issues.append(ParseIssue("error", SECTION, f"row {key}: {alignment.problem}: [{raw}]", row.line))
            continue
        cells[key] = record_row(
            alignment.slots, columns, integer=True, section=SECTION, name=f"row {key}", issues=issues
        )
    if runs:
        split_rows(runs, columns, fmt, cells, issues)
    _check_subtotal(cells, columns, issues)
    missing = [k for k in keys if k not in matched.values()]
    if missing:
        issues.append(ParseIssue("error", SECTION, f"table 3 rows not found: {', '.join(missing)}", None))
    return _table(cells, columns, template), used


def _row_check(columns: list[str]):
    """Constraint of one table 3 row: total = the six applicants (and 小计 = the five organisations)."""
    total, sub = columns.index("total"), columns.index(SUBTOTAL) if SUBTOTAL in columns else None
    parts = [i for i, c in enumerate(columns) if c not in ("total", SUBTOTAL)]
    orgs = [i for i, c in enumerate(columns) if c in _ORG]

    def check(cut: tuple[int, ...]) -> bool:
        if len(cut) < len(columns):
            return True
        if sub is not None and cut[sub] != sum(cut[i] for i in orgs):
            return False
        return cut[total] == sum(cut[i] for i in parts)

    return check


def split_rows(
    runs: dict[str, tuple[str, int | None, str]],
    columns: list[str],
    fmt: str,
    cells: RowCells,
    issues: list[ParseIssue],
) -> None:
    """Recover rows whose cells ran together: by the row total, then by the column identities."""
    check = _row_check(columns)
    pending: dict[str, list[tuple[int, ...]]] = {}
    for key, (digits, line, ref) in runs.items():
        split = cuts(digits, len(columns), check)
        if len(split.candidates) == 1:
            _keep(cells, key, columns, split.candidates[0], line, ref)
            issues.append(ParseIssue(
                "info", SECTION,
                f"row {key}: run-together cells {digits} split as {_show(split.candidates[0])}: the only split "
                "whose six applicant columns sum to the total (t3.row_total)", line,
            ))  # fmt: skip
        elif not split.candidates:
            issues.append(ParseIssue(
                "error", SECTION, f"row {key}: no split of the run-together cells {digits} makes the applicant "
                "columns sum to the total; row left unsplit", line,
            ))  # fmt: skip
        else:
            pending[key] = split.candidates
    if pending:
        _split_by_columns(pending, runs, columns, fmt, cells, issues)


def _split_by_columns(pending, runs, columns, fmt, cells, issues) -> None:
    """Choose among several row splits by the column identities (t3.column_balance, t3.outcome_total)."""
    keys = list(pending)
    combos = 1
    for key in keys:
        combos *= len(pending[key])
    solutions = []
    if combos <= MAX_COMBINATIONS:
        outcome_rows = [r.key for r in table3_rows(fmt) if r.key not in _NON_OUTCOME]
        for choice in itertools.product(*(pending[k] for k in keys)):
            trial = dict(zip(keys, choice, strict=True))
            if _columns_hold(trial, columns, outcome_rows, cells):
                solutions.append(trial)
                if len(solutions) > 1:
                    break
    if len(solutions) == 1:
        for key, cut in solutions[0].items():
            _keep(cells, key, columns, cut, runs[key][1], runs[key][2])
            issues.append(ParseIssue(
                "info", SECTION,
                f"row {key}: run-together cells {runs[key][0]} split as {_show(cut)}: the only split that fits the "
                "row total and the column identities (t3.row_total, t3.column_balance, t3.outcome_total)",
                runs[key][1],
            ))  # fmt: skip
        return
    for key in keys:
        shown = ", ".join(_show(c) for c in pending[key][:3]) + (" …" if len(pending[key]) > 3 else "")
        issues.append(ParseIssue(
            "error", SECTION,
            f"row {key}: {len(pending[key])} splits of the run-together cells {runs[key][0]} fit the row total "
            f"({shown}) and the column identities do not single one out; row left unsplit, not guessed",
            runs[key][1],
        ))  # fmt: skip


def _columns_hold(trial, columns, outcome_rows, cells) -> bool:
    def value(row: str, col: str) -> float | None:
        if row in trial:
            return trial[row][columns.index(col)]
        recs = cells.get(row)
        return recs[columns.index(col)].value if recs is not None else None

    for col in columns:
        if col == SUBTOTAL:
            continue
        balance = [value(r, col) for r in ("new_received", "carried_over", "total_processed", "carried_forward")]
        if None not in balance and balance[0] + balance[1] != balance[2] + balance[3]:
            return False
        outcome = [value(r, col) for r in outcome_rows]
        total = value("total_processed", col)
        if total is not None and None not in outcome and sum(outcome) != total:  # type: ignore[arg-type]
            return False
    return True


def _keep(cells: RowCells, key: str, columns: list[str], cut: tuple[int, ...], line: int | None, ref: str) -> None:
    if len(cut) != len(columns):
        raise ValueError(f"row {key}: {len(cut)} numbers for {len(columns)} columns")
    cells[key] = [CellRecord(float(number), str(number), "inferred", line, ref) for number in cut]


def _show(cut: tuple[int, ...]) -> str:
    return "|".join(map(str, cut))


def _check_subtotal(cells: RowCells, columns: list[str], issues: list[ParseIssue]) -> None:
    """Compare each row's 法人或其他组织小计 with the sum of its five organisation columns."""
    if SUBTOTAL not in columns:
        return
    at = columns.index(SUBTOTAL)
    orgs = [columns.index(c) for c in _ORG]
    for key, recs in cells.items():
        sub = recs[at]
        parts = [recs[i] for i in orgs]
        if sub.value is not None and all(p.value is not None for p in parts):
            total = sum(p.value for p in parts)  # type: ignore[misc]
            if total != sub.value:
                issues.append(
                    ParseIssue(
                        "warning",
                        SECTION,
                        f"row {key}: 法人或其他组织小计 {sub.raw} differs from the sum of its columns ({total:g})",
                        sub.source_line,
                    )
                )


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
