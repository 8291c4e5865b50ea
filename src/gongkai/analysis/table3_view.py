"""Table 3 (section 三) laid out like the official table, failing cells highlighted (escaped HTML).

A finding names the cell it concerns by ``row`` and ``column`` (canonical keys
of table 3). When both are given that cell is highlighted; when only one is
given, the header of that row or column is.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from gongkai import templates
from gongkai.datafiles import package_csv

FAIL_CLASS = "gk-fail"
SUSPECT_CLASS = "gk-suspect"
ROW_TOTAL_COLUMN = "total"  # a failing row total is reported on this column
OUTCOME_TOTAL_ROW = "total_processed"  # a failing outcome total is reported on this row


@cache
def cell_display() -> dict[str, dict[str, str]]:
    """How each cell status is shown: css class and a format of value/raw."""
    return {r["cell_status"]: r for r in package_csv(__package__, "cell_display.csv")}


def infer_format(table3: pd.DataFrame, fmt: object = None) -> str:
    """The report's format, else the one its table-3 rows imply."""
    if str(fmt) in templates.FORMATS:
        return str(fmt)
    return "2019" if (table3["row"] == "other_handling").any() else "2021"


def _row_index(fmt: str) -> pd.MultiIndex:
    rows = templates.table3_rows(fmt)
    pairs = [(r.group or r.label, "" if not r.group else r.label) for r in rows]
    return pd.MultiIndex.from_tuples(pairs)


def _col_index() -> pd.MultiIndex:
    return pd.MultiIndex.from_tuples([(c.group, c.label) for c in templates.table3_columns()])


def _shown(cell: pd.Series | None) -> tuple[str, str]:
    if cell is None:
        return cell_display()["missing"]["shown"], cell_display()["missing"]["css_class"]
    status = str(cell.get("cell_status") or "missing")
    spec = cell_display().get(status, cell_display()["text"])
    value = cell.get("value")
    value_text = "" if value is None or pd.isna(value) else f"{int(value)}"
    raw = "" if cell.get("raw") is None or pd.isna(cell.get("raw")) else str(cell.get("raw"))
    return spec["shown"].format(value=value_text, raw=raw), spec["css_class"]


def table3_grid(table3: pd.DataFrame, fmt: object = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Display text and CSS classes of table 3, rows and columns in the official order.

    Cells the report lacks show as missing; rows of the other format are left out.
    """
    fmt = infer_format(table3, fmt)
    row_keys = [r.key for r in templates.table3_rows(fmt)]
    col_keys = [c.key for c in templates.table3_columns()]
    by_key = {(r["row"], r["applicant"]): r for _, r in table3.iterrows()}
    text = [[_shown(by_key.get((r, c)))[0] for c in col_keys] for r in row_keys]
    css = [[_shown(by_key.get((r, c)))[1] for c in col_keys] for r in row_keys]
    idx, cols = _row_index(fmt), _col_index()
    return pd.DataFrame(text, index=idx, columns=cols), pd.DataFrame(css, index=idx, columns=cols)


def _text(value: object) -> str:
    """A findings field as text; NA and None become ""."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def is_table3(table: object) -> bool:
    """Whether a findings ``table`` value designates table 3."""
    t = _text(table).strip().lower()
    return t in {"3", "table3", "table_3", "三", "t3"}


def failing_targets(findings: pd.DataFrame) -> tuple[set[tuple[str, str]], set[str], set[str]]:
    """Cells, rows and columns of table 3 named by failing findings (errors and warnings; info is not a failure)."""
    cells: set[tuple[str, str]] = set()
    rows: set[str] = set()
    cols: set[str] = set()
    if findings.empty:
        return cells, rows, cols
    failing = (findings["status"] == "fail") & findings["severity"].isin(["error", "warning"])
    hits = findings[failing & findings["table"].map(is_table3)]
    for _, f in hits.iterrows():
        row, col = _text(f["row"]), _text(f["column"])
        if row and col:
            cells.add((row, col))
        elif row:
            rows.add(row)
        elif col:
            cols.add(col)
    return cells, rows, cols


def suspect_cells(cells: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Cells at the crossing of a failing row total and a failing outcome total.

    One wrong number there breaks both identities, so it is the likely culprit.
    """
    rows = {r for r, c in cells if c == ROW_TOTAL_COLUMN and r != OUTCOME_TOTAL_ROW}
    cols = {c for r, c in cells if r == OUTCOME_TOTAL_ROW and c != ROW_TOTAL_COLUMN}
    return {(r, c) for r in rows for c in cols}


def _messages(findings: pd.DataFrame) -> dict[tuple[str, str], str]:
    """What each failing cell breaks, in Chinese: the rule's description, expected and printed values."""
    out: dict[tuple[str, str], list[str]] = {}
    if findings.empty:
        return {}
    failing = (findings["status"] == "fail") & findings["severity"].isin(["error", "warning"])
    hits = findings[failing & findings["table"].map(is_table3)]
    for _, f in hits.iterrows():
        label = _text(f.get("rule_label")) or "核对未通过"
        values = f"（应为 {_count(f.get('expected'))}，实为 {_count(f.get('actual'))}）"
        out.setdefault((_text(f["row"]), _text(f["column"])), []).append(label + values)
    return {k: "；".join(v) for k, v in out.items()}


def _count(v: object) -> str:
    text = _text(v)
    return f"{int(float(text))}" if text else "—"


def _spans(values: list[str]) -> list[int]:
    """Rowspan of each run of equal values: the first of a run gets its length, the others 0."""
    out = [0] * len(values)
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        out[i] = j - i
        i = j
    return out


def table3_html(table3: pd.DataFrame, findings: pd.DataFrame, fmt: object = None, caption: str | None = None) -> str:
    """Table 3 laid out as printed (HTML, escaped): failing cells carry ``gk-fail``, likely culprits ``gk-suspect``.

    A highlighted cell's ``title`` says why; a failing row or column total marks its heading.
    """
    from gongkai.analysis.html import render

    fmt = infer_format(table3, fmt)
    text, css = table3_grid(table3, fmt)
    rows = templates.table3_rows(fmt)
    cols = templates.table3_columns()
    cells, fail_rows, fail_cols = failing_targets(findings)
    tips = _messages(findings)
    suspects = suspect_cells(cells)
    groups = [r.group for r in rows]
    spans = _spans(groups)
    body = []
    for i, r in enumerate(rows):
        out_cells = []
        for j, c in enumerate(cols):
            classes = css.iat[i, j]
            tip = ""
            if (r.key, c.key) in cells:
                classes, tip = f"{classes} {FAIL_CLASS}".strip(), tips.get((r.key, c.key), "")
            elif (r.key, c.key) in suspects:
                classes, tip = f"{classes} {SUSPECT_CLASS}".strip(), "可能的错误单元格：所在行与所在列的合计均不成立"
            out_cells.append({"text": text.iat[i, j], "css": classes, "title": tip})
        body.append(
            {
                "group": r.group,
                "group_span": spans[i] if r.group else 0,
                "label": r.label,
                "fail": r.key in fail_rows,
                "cells": out_cells,
            }
        )
    top = cols[0].group  # 申请人情况 spans every column; 法人或其他组织 spans its five
    col_spans = _spans([c.group for c in cols])
    second, nested = [], []
    for c, n in zip(cols, col_spans, strict=True):
        cell = {"label": c.label, "fail": c.key in fail_cols}
        if c.group == top:
            second.append({**cell, "rowspan": 2, "colspan": 1})
        else:
            if n:
                second.append({"label": c.group, "fail": False, "rowspan": 1, "colspan": n})
            nested.append(cell)
    return render(
        "table3.html.j2", caption=caption or "", top=top, n_cols=len(cols), second=second, nested=nested, rows=body
    )
