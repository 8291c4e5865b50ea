"""The views of the region audit notebook, each a small function returning a frame or text.

Column headings and verdicts are shown in Chinese (``labels.csv``,
``verdicts.csv``); the notebook only calls these functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pandas as pd
from pandas.io.formats.style import Styler

from gongkai import templates
from gongkai.analysis.region_data import RegionData
from gongkai.analysis.table3_view import style_table3
from gongkai.analysis.trends import Thresholds, detect_trends, report_figures, yearly_totals
from gongkai.datafiles import package_csv

LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "unknown": "未知"}


@cache
def labels() -> dict[str, str]:
    """Column key -> Chinese heading."""
    return {r["key"]: r["label"] for r in package_csv(__package__, "labels.csv")}


@cache
def verdicts() -> dict[str, str]:
    """Status or rule key -> Chinese wording."""
    return {r["status"]: r["label"] for r in package_csv(__package__, "verdicts.csv")}


@cache
def cross_year_rules() -> dict[str, str]:
    """Audit rules that compare a report with the previous year's, with their wording."""
    return {r["rule"]: r["label"] for r in package_csv(__package__, "cross_year_rules.csv")}


def _heading(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns={c: labels().get(c, c) for c in df.columns})


def _cell_labels() -> dict[str, str]:
    out = {c.key: c.label for c in templates.table3_columns()}
    for fmt in templates.FORMATS:
        out.update({r.key: r.label for r in templates.table3_rows(fmt)})
    out.update({c.proceeding: c.proceeding_label for c in templates.table4_cells()})
    out.update({c.outcome: c.outcome_label for c in templates.table4_cells()})
    return out


def cell_name(row: object, column: object) -> str:
    """A table cell named with its official labels, e.g. "（一）予以公开 × 自然人"."""
    names = _cell_labels()
    parts = [names.get(str(v), str(v)) for v in (row, column) if v is not None and not pd.isna(v) and str(v)]
    return " × ".join(parts)


@dataclass
class RegionAudit:
    """A region's data with the figures and trends derived from it."""

    data: RegionData
    figures: pd.DataFrame
    yearly: pd.DataFrame
    trends: pd.DataFrame


def build_audit(data: RegionData, thresholds: Thresholds | None = None) -> RegionAudit:
    """Derive figures, yearly totals and flagged trends for a region."""
    figures = report_figures(data.tables)
    return RegionAudit(data, figures, yearly_totals(figures), detect_trends(figures, thresholds))


def title(audit: RegionAudit) -> str:
    """The page title, in Chinese."""
    return f"{audit.data.region.name} 政府信息公开工作年度报告审查"


def summary_markdown(audit: RegionAudit) -> str:
    """A short Markdown paragraph: what the region holds, or why it is empty."""
    d = audit.data
    if d.empty:
        why = f"（{d.note}）" if d.note else ""
        return f"**{d.region.key}**：没有可审查的年度报告{why}。"
    years = d.years
    span = f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年" if years else "年度不详"
    f = d.tables.findings
    fails = f[f["status"] == "fail"] if len(f) else f
    sev = fails["severity"].value_counts() if len(fails) else pd.Series(dtype=int)
    counts = "、".join(f"{labels().get(k, k)} {int(sev.get(k, 0))} 条" for k in ("error", "warning", "info"))
    level = LEVEL_NAMES.get(d.region.level, d.region.level)
    single = "（仅一个年度，无法比较年度变化）" if len(years) == 1 else ""
    n_issuers = d.reports["issuer"].nunique()
    return (
        f"**{d.region.key}**（{level}）：{n_issuers} 个发布机关的 {len(d.reports)} 份报告，"
        f"{span}{single}。审查发现：{counts}。"
    )


def reports_table(audit: RegionAudit) -> pd.DataFrame:
    """The reports covered: issuer, year, format, parse status and message."""
    r = audit.data.reports[["issuer", "year", "format", "layout", "status", "message", "report_id"]].copy()
    r["status"] = r["status"].map(lambda s: verdicts().get(s, s))
    return _heading(r.reset_index(drop=True))


@dataclass
class ReportSection:
    """What the notebook shows for one report."""

    heading: str
    table3: Styler | None
    findings: pd.DataFrame
    parse_issues: pd.DataFrame


def report_sections(audit: RegionAudit) -> Iterator[ReportSection]:
    """For each report: table 3 with failing cells highlighted, its unreviewed findings and parse issues.

    Findings a researcher confirmed or dismissed (reviews.csv) are listed apart (``reviewed.py``);
    a dismissed finding highlights no cell.
    """
    for _, rep in audit.data.reports.iterrows():
        part = audit.data.tables.for_report(rep["report_id"])
        heading = f"{rep['issuer']} {rep['year']}年（{rep['report_id']}）"
        review = part.findings["review"]
        styler = None
        if len(part.table3):
            styler = style_table3(
                part.table3,
                part.findings[review.ne("dismissed").fillna(True).astype(bool)],
                rep.get("format"),
                caption="三、收到和处理政府信息公开申请情况",
            )
        yield ReportSection(
            heading,
            styler,
            findings_table(part.findings[review.isna()]),
            _heading(part.parse_issues[["severity", "section", "message", "source_line"]].reset_index(drop=True)),
        )


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with the cell named by its labels, expected/actual values and evidence."""
    cols = [
        "rule",
        "severity",
        "status",
        "table",
        "cell",
        "expected",
        "actual",
        "difference",
        "message",
        "evidence",
    ]
    if findings.empty:
        return _heading(pd.DataFrame(columns=cols))
    f = findings.copy()
    f["cell"] = [cell_name(r, c) for r, c in zip(f["row"], f["column"], strict=True)]
    f["status"] = f["status"].map(lambda s: verdicts().get(s, s))
    f["severity"] = f["severity"].map(lambda s: labels().get(s, s))
    return _heading(f[cols].reset_index(drop=True)).rename(columns={"cell": "单元格"})


def claims_table(audit: RegionAudit) -> pd.DataFrame:
    """Narrative claims with the cell they were matched to and the verdict."""
    c = audit.data.tables.claims
    reps = audit.data.reports[["report_id", "issuer", "year"]]
    cols = ["issuer", "year", "kind", "value", "sentence", "matched_cell", "table_value", "verdict"]
    if c.empty:
        return _heading(pd.DataFrame(columns=cols))
    c = c.merge(reps, on="report_id", how="left")
    c["matched_cell"] = [cell_name(r, k) for r, k in zip(c["matched_row"], c["matched_column"], strict=True)]
    c["verdict"] = c["status"].map(lambda s: verdicts().get(s, s))
    return _heading(c[cols].sort_values(["issuer", "year"], kind="stable").reset_index(drop=True))


def claim_counts(audit: RegionAudit) -> pd.DataFrame:
    """Claims per verdict and year."""
    c = audit.data.tables.claims.merge(audit.data.reports[["report_id", "year"]], on="report_id")
    if c.empty:
        return pd.DataFrame()
    t = c.pivot_table(index="year", columns="status", values="report_id", aggfunc="count", fill_value=0)
    return t.rename(columns=lambda s: verdicts().get(s, s))


def cross_year_findings(audit: RegionAudit) -> pd.DataFrame:
    """Findings and checks of the rules that compare consecutive years."""
    f = audit.data.tables.findings
    rules = cross_year_rules()
    hit = f[f["rule"].isin(list(rules))].reset_index(drop=True) if len(f) else f
    out = findings_table(hit)
    if len(hit):
        meta = hit[["report_id"]].merge(audit.data.reports[["report_id", "issuer", "year"]], on="report_id", how="left")
        out.insert(0, labels()["issuer"], meta["issuer"].to_list())
        out.insert(1, labels()["year"], meta["year"].to_list())
        out["规则说明"] = [rules.get(r, "") for r in hit["rule"]]
    return out


def carry_over_view(audit: RegionAudit) -> pd.DataFrame:
    """Per issuer and consecutive years: 结转下年度 (N−1) beside 上年结转 (N), total column.

    ``一致`` when equal, ``不一致`` when not, ``无法判断`` when a cell is not a number.
    """
    t3 = audit.data.tables.table3
    reps = audit.data.reports.dropna(subset=["year"]).sort_values(["series_id", "year"], kind="stable")
    rows = []
    for _, grp in reps.groupby("series_id", sort=False):
        grp = grp.drop_duplicates("year", keep="last")
        for (_, prev), (_, cur) in zip(grp.iloc[:-1].iterrows(), grp.iloc[1:].iterrows(), strict=True):
            if int(cur["year"]) - int(prev["year"]) != 1:
                continue
            a = _number(t3, prev["report_id"], "carried_forward")
            b = _number(t3, cur["report_id"], "carried_over")
            verdict = "not_assessable" if a is None or b is None else "match" if a == b else "mismatch"
            rows.append(
                {
                    "issuer": cur["issuer"],
                    "year_from": int(prev["year"]),
                    "carried_forward_prev": a,
                    "year_to": int(cur["year"]),
                    "carried_over": b,
                    "verdict": verdicts()[verdict],
                }
            )
    cols = ["issuer", "year_from", "carried_forward_prev", "year_to", "carried_over", "verdict"]
    return _heading(pd.DataFrame(rows, columns=cols))


def _number(t3: pd.DataFrame, rid: str, row: str) -> int | None:
    hit = t3[(t3["report_id"] == rid) & (t3["row"] == row) & (t3["applicant"] == "total")]
    numeric = ("number", "inferred", "corrected")
    if hit.empty or hit["cell_status"].iloc[0] not in numeric or pd.isna(hit["value"].iloc[0]):
        return None
    return int(hit["value"].iloc[0])


def trends_table(audit: RegionAudit) -> pd.DataFrame:
    """The flagged trends, worded in Chinese, each with its two years and values."""
    t = audit.trends.copy()
    cols = ["issuer", "label", "rule", "year_from", "value_from", "year_to", "value_to", "change"]
    if t.empty:
        return _heading(pd.DataFrame(columns=cols))
    t["rule"] = t["rule"].map(lambda s: verdicts().get(s, s))
    for c in ("value_from", "value_to", "change"):
        t[c] = t[c].astype(float).round(2)
    return _heading(t[cols].reset_index(drop=True))


def checks_table(audit: RegionAudit) -> pd.DataFrame:
    """Pass/fail/not-assessable counts per rule over the region's reports."""
    c = audit.data.tables.checks
    if c.empty:
        return pd.DataFrame()
    return _heading(c.groupby("rule")[["n_pass", "n_fail", "n_not_assessable"]].sum().reset_index())
