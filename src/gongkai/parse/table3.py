"""Table 3 (三、收到和处理政府信息公开申请情况): 7 applicant columns × 25 (2021) or 23 (2019) rows."""

from __future__ import annotations

from functools import cache

import pandas as pd

from gongkai.parse.align import Alignment, LabelledRow, align_values, settle_ambiguous
from gongkai.parse.cells import MISSING, CellRecord, record
from gongkai.parse.frames import FrameTemplate
from gongkai.parse.match import match_template_key
from gongkai.parse.normalize import norm
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


def parse_table3(rows: list[LabelledRow], fmt: str, issues: list[ParseIssue]) -> tuple[pd.DataFrame, set[int]]:
    """Parse table 3 from its section's rows. Returns the frame and the source lines it used."""
    template = table3_rows(fmt)
    keys = tuple(r.key for r in template)
    lrows = [r for r in rows if r.is_data]
    data_rows = lrows
    if not data_rows:
        issues.append(ParseIssue("error", SECTION, "table 3 not found (no values in section 三)", None))
        return _frame({}, template), set()
    columns = header_columns(data_rows[0].label_text, issues, data_rows[0].line)
    n = len(columns)
    matched: dict[int, str] = {}
    for i, row in enumerate(data_rows):
        key = match_template_key(row.label_text, "table3_row", keys)
        label = "".join(s.cell.text for s in row.labels[-3:]).strip() or "(no label)"
        if key is None:
            issues.append(ParseIssue("error", SECTION, f"values under an unrecognised row label {label!r}", row.line))
        elif key in matched.values():
            issues.append(ParseIssue("error", SECTION, f"row {key} appears twice (second time as {label!r})", row.line))
        else:
            matched[i] = key
    aligned: dict[int, Alignment] = {i: align_values(data_rows[i].values, n) for i in matched}
    settle_ambiguous(data_rows, aligned, n)
    cells: dict[tuple[str, str], CellRecord] = {}
    used: set[int] = set()
    for i, key in matched.items():
        row, alignment = data_rows[i], aligned[i]
        used.update(s.cell.line for s in row.labels + row.values if s.cell.line)
        if alignment.slots is None:
            raw = " ".join(s.cell.text for s in row.values if not s.empty)
            issues.append(ParseIssue("error", SECTION, f"row {key}: {alignment.problem}: [{raw}]", row.line))
            continue
        for col, slot in zip(columns, alignment.slots, strict=True):
            cells[(key, col)] = record(slot, integer=True, section=SECTION, where=f"row {key}, {col}", issues=issues)
    _check_subtotal(cells, columns, issues)
    missing = [k for k in keys if k not in matched.values()]
    if missing:
        issues.append(ParseIssue("error", SECTION, f"table 3 rows not found: {', '.join(missing)}", None))
    return _frame(cells, template), used


def _check_subtotal(cells: dict[tuple[str, str], CellRecord], columns: list[str], issues: list[ParseIssue]) -> None:
    if SUBTOTAL not in columns:
        return
    for (key, col), sub in list(cells.items()):
        if col != SUBTOTAL:
            continue
        parts = [cells.get((key, c)) for c in _ORG]
        if sub.value is not None and all(p and p.value is not None for p in parts):
            total = sum(p.value for p in parts if p)
            if total != sub.value:
                issues.append(
                    ParseIssue(
                        "warning",
                        SECTION,
                        f"row {key}: 法人或其他组织小计 {sub.raw} differs from the sum of its columns ({total:g})",
                        sub.source_line,
                    )
                )
        del cells[(key, col)]


@cache
def _template(template: tuple[Table3Row, ...]) -> FrameTemplate:
    pairs = [(row.key, col.key) for row in template for col in table3_columns()]
    return FrameTemplate.build({"row": [r for r, _ in pairs], "applicant": [a for _, a in pairs]})


def _frame(cells: dict[tuple[str, str], CellRecord], template: tuple[Table3Row, ...]) -> pd.DataFrame:
    records = [cells.get((row.key, col.key), MISSING) for row in template for col in table3_columns()]
    return _template(template).frame(records, integer=True)


__all__ = ["LabelledRow", "header_columns", "parse_table3"]
