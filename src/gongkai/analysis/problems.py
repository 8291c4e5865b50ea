"""The problem list a page opens with, and the items that could not be checked, worded for readers.

One row per failing finding: year, issuer, table, the cell named by its printed labels, the
printed and the expected value with their unit, the difference, the severity, and links to the
report's section of the page and to the place in the source file. Labels come from the label
columns of the processed tables (``gongkai.schema``); no rule id or internal key is shown.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from gongkai.analysis.data import Tables
from gongkai.analysis.sources import locate, read_lines, ref_zh, sentence_line, source_href
from gongkai.datafiles import package_csv

TABLE_NAMES = {2: "表二", 3: "表三", 4: "表四"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
PERCENT_RULES = ("claim.share", "claim.pct_truncated", "claim.yoy")
_KEYS = {2: ("category", "measure"), 3: ("row", "applicant"), 4: ("proceeding", "outcome")}


def text(value: object) -> str:
    """A value as text; NA and None become ""."""
    if value is None:
        return ""
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):  # a list or an array: not a single missing value
        pass
    return str(value)


def number(value: object, unit: str = "") -> str:
    """A number for readers: whole numbers without decimals, others to two places; NA is ""."""
    if text(value) == "":
        return ""
    v = float(value)  # type: ignore[arg-type]
    shown = f"{round(v)}" if abs(v - round(v)) < 1e-9 else f"{v:.2f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{shown}%"
    return f"{shown} {unit}".strip()


def signed(value: object, unit: str = "") -> str:
    """A difference with its sign (+3 件, −2 件)."""
    shown = number(value, unit)
    if not shown or shown.startswith("-"):
        return shown.replace("-", "−", 1)
    return "0" if float(value) == 0 else f"+{shown}"  # type: ignore[arg-type]


def report_anchor(report_id: str) -> str:
    """The id of a report's section on a region page (ASCII, whatever the file name)."""
    return "r" + hashlib.sha1(str(report_id).encode("utf-8")).hexdigest()[:10]


@cache
def _reasons() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(r["pattern"]), r["zh"]) for r in package_csv(__package__, "reasons.csv")]


def reason_zh(message: object) -> str:
    """Why an item could not be checked, in Chinese (``reasons.csv``)."""
    msg = text(message)
    for pattern, zh in _reasons():
        m = pattern.search(msg)
        if m:
            return zh.format(*m.groups())
    return "所需数据不完整，无法核对"


def cell_label(row_label: object, column_label: object) -> str:
    """A cell named by its printed labels: "（一）予以公开 × 总计"."""
    return " × ".join(t for t in (text(row_label), text(column_label)) if t)


@dataclass(frozen=True)
class Links:
    """Where the links of a page point: the source pages and the report sections."""

    sources: str = "../sources"  # folder of the source pages, relative to the page
    sections: str = ""  # page holding the report sections ("" = this page), e.g. "regions/x.html"
    processed: Path | None = None  # the processed folder: relative source paths are found near it


class Locator:
    """Finds the source line of a finding: its cell's line, or the line of the sentence it quotes."""

    def __init__(self, tables: Tables, processed: Path | None) -> None:
        self.tables = tables
        self.processed = processed
        self._lines: dict[str, list[str]] = {}
        reports = tables.reports
        pairs = zip(reports["source_file"], reports["sha256"], strict=True)
        self.files = dict(zip(reports["report_id"], pairs, strict=True))

    def lines(self, report_id: str) -> list[str]:
        if report_id not in self._lines:
            source_file, sha256 = self.files.get(report_id, (None, None))
            path = locate(source_file, near=self.processed, sha256=sha256)
            try:
                self._lines[report_id] = read_lines(path) if path and path.suffix.lower() != ".pdf" else []
            except OSError:
                self._lines[report_id] = []
        return self._lines[report_id]

    def cell(self, report_id: str, table: object, row: object, column: object) -> tuple[object, str]:
        """(source_line, source_ref) of a table cell (a glob row such as denied_* gives its first row)."""
        try:
            number_ = int(table)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None, ""
        if number_ not in _KEYS or not text(row):
            return None, ""
        a, b = _KEYS[number_]
        df = getattr(self.tables, f"table{number_}")
        part = df[df["report_id"] == report_id]
        rows = part[a].astype(str)
        hit = part[rows.map(lambda k: fnmatch.fnmatchcase(k, text(row)))]
        if text(column):
            hit = hit[hit[b].astype(str) == text(column)]
        if hit.empty:
            return None, ""
        first = hit.iloc[0]
        return first["source_line"], text(first["source_ref"])

    def finding(self, f: pd.Series) -> tuple[object, str]:
        """(line, locator text) of a finding's evidence in its source."""
        evidence = text(f.get("evidence"))
        if text(f.get("rule")).startswith("claim.") and ": " in evidence:
            sentence = evidence.split(": ", 1)[1]
            n = sentence_line(self.lines(f["report_id"]), sentence)
            if n:
                return n, f"line {n}"
        return self.cell(f["report_id"], f.get("table"), f.get("row"), f.get("column"))


def _unit(f: pd.Series, tables: Tables) -> str:
    if text(f.get("rule")).startswith(PERCENT_RULES):
        return "%"
    if text(f.get("table")) == "2":
        t2 = tables.table2
        hit = t2[(t2["category"] == text(f.get("row"))) & (t2["measure"] == text(f.get("column")))]
        return text(hit["unit"].iloc[0]) if len(hit) else ""
    return "件"


def _context(tables: Tables) -> pd.DataFrame:
    return tables.reports[["report_id", "issuer", "year", "source_file"]].drop_duplicates("report_id")


def problem_rows(tables: Tables, links: Links, pages: dict[str, str] | None = None) -> list[dict[str, object]]:
    """The failing findings, errors first, each a row of the problem list; a finding a researcher
    dismissed (reviews.csv) is not a problem (it is listed with the reviews).

    ``pages`` maps a report id to the page holding its section (for the index); by default it is
    ``links.sections``.
    """
    f = tables.findings
    fails = f[(f["status"] == "fail") & f["review"].ne("dismissed").fillna(True).astype(bool)] if len(f) else f
    if fails.empty:
        return []
    meta = _context(tables).set_index("report_id")
    locator = Locator(tables, links.processed)
    order = fails.assign(
        _sev=fails["severity"].map(lambda s: SEVERITY_ORDER.get(text(s), 9)),
        _issuer=fails["report_id"].map(lambda r: text(meta["issuer"].get(r))),
        _year=fails["report_id"].map(lambda r: meta["year"].get(r)),
    ).sort_values(["_sev", "_issuer", "_year"], kind="stable")
    rows = []
    for _, item in order.iterrows():
        rid = item["report_id"]
        unit = _unit(item, tables)
        line, ref = locator.finding(item)
        page = (pages or {}).get(rid, links.sections)
        rows.append(
            {
                "_class": f"gk-sev-{text(item['severity'])}",
                "year": text(meta["year"].get(rid)),
                "issuer": text(meta["issuer"].get(rid)),
                "table": TABLE_NAMES.get(int(item["table"]), "") if text(item.get("table")) else "",
                "cell": cell_label(item.get("row_label"), item.get("column_label")),
                "rule": text(item.get("rule_label")),
                "actual": number(item.get("actual"), unit),
                "expected": number(item.get("expected"), unit),
                "difference": signed(item.get("difference"), unit),
                "severity": text(item.get("severity_label")),
                "review": text(item.get("review_label")) or "未复核",
                "section": {"href": f"{page}#{report_anchor(rid)}", "text": "报告详情"},
                "source": {
                    "href": source_href(links.sources, rid, meta["source_file"].get(rid), line, ref),
                    "text": "原文" + (f" {ref_zh(ref)}" if ref else ""),
                },
            }
        )
    return rows


PROBLEM_COLUMNS = [
    ("severity", "严重程度", "short"),
    ("year", "年度", "short"),
    ("issuer", "发布机关", "text"),
    ("table", "表格", "short"),
    ("cell", "单元格（行 × 列）", "text"),
    ("actual", "报告所载", "num"),
    ("expected", "应为", "num"),
    ("difference", "差值", "num"),
    ("rule", "核对规则", "text"),
    ("review", "人工复核", "short"),
    ("section", "报告", "link"),
    ("source", "出处", "link"),
]


def not_checked_rows(tables: Tables, links: Links) -> list[dict[str, object]]:
    """The items that could not be assessed, each with why (in Chinese)."""
    f = tables.findings
    na = f[f["status"] == "not_assessable"] if len(f) else f
    if na.empty:
        return []
    meta = _context(tables).set_index("report_id")
    rows = []
    for _, item in na.iterrows():
        rid = item["report_id"]
        rows.append(
            {
                "year": text(meta["year"].get(rid)),
                "issuer": text(meta["issuer"].get(rid)),
                "table": TABLE_NAMES.get(int(item["table"]), "") if text(item.get("table")) else "",
                "cell": cell_label(item.get("row_label"), item.get("column_label")),
                "rule": text(item.get("rule_label")),
                "why": reason_zh(item.get("message")),
                "section": {"href": f"{links.sections}#{report_anchor(rid)}", "text": "报告详情"},
            }
        )
    return sorted(rows, key=lambda r: (r["issuer"], r["year"], r["rule"]))


NOT_CHECKED_COLUMNS = [
    ("year", "年度", "short"),
    ("issuer", "发布机关", "text"),
    ("rule", "核对规则", "text"),
    ("table", "表格", "short"),
    ("cell", "单元格（行 × 列）", "text"),
    ("why", "原因", "text"),
    ("section", "报告", "link"),
]
