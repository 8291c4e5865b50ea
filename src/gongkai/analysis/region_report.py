"""The views of the region audit notebook, each a small function returning escaped HTML.

The page opens with the problem list, then the items that could not be checked (collapsed),
then each report. Labels come from the data (the label columns of the processed tables, the
templates' printed labels); the notebook only calls these functions and displays their HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pandas as pd

from gongkai.analysis import problems as pr
from gongkai.analysis.html import figure_html, render
from gongkai.analysis.region_data import RegionData
from gongkai.analysis.sources import source_href
from gongkai.analysis.table3_view import table3_html
from gongkai.analysis.trends import Thresholds, detect_trends, report_figures
from gongkai.datafiles import package_csv

LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "unknown": "未知", "unplaced": "未能确定所属地区"}


@cache
def labels() -> dict[str, str]:
    """Column key -> Chinese heading."""
    return {r["key"]: r["label"] for r in package_csv(__package__, "labels.csv")}


@cache
def verdicts() -> dict[str, str]:
    """Status or rule key -> Chinese wording."""
    return {r["status"]: r["label"] for r in package_csv(__package__, "verdicts.csv")}


@dataclass
class RegionAudit:
    """A region's data with the figures and trends derived from it, and where its links point."""

    data: RegionData
    figures: pd.DataFrame
    trends: pd.DataFrame
    links: pr.Links


def build_audit(data: RegionData, thresholds: Thresholds | None = None, sources: str = "../sources") -> RegionAudit:
    """Derive figures and flagged trends for a region; ``sources`` is the folder of the source pages."""
    figures = report_figures(data.tables)
    links = pr.Links(sources=sources, processed=data.processed)
    return RegionAudit(data, figures, detect_trends(figures, thresholds), links)


def title(audit: RegionAudit) -> str:
    """The page title, in Chinese."""
    return f"{audit.data.region.name} 政府信息公开工作年度报告审查"


def _span(years: list[int]) -> str:
    if not years:
        return "年度不详"
    return f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


def header_html(audit: RegionAudit) -> str:
    """Title and a one-paragraph summary: what the region holds and how many problems, or why it is empty."""
    d = audit.data
    f = d.tables.findings
    fails = f[f["status"] == "fail"] if len(f) else f
    counts = {s: int((fails["severity"] == s).sum()) if len(fails) else 0 for s in ("error", "warning", "info")}
    return render(
        "region_header.html.j2",
        title=title(audit),
        key=d.region.key,
        level=LEVEL_NAMES.get(d.region.level, d.region.level),
        empty=d.empty,
        note=d.note,
        n_issuers=int(d.reports["issuer"].nunique()) if not d.empty else 0,
        n_reports=len(d.reports),
        span=_span(d.years),
        single=len(d.years) == 1,
        counts=counts,
        n_not_checked=int((f["status"] == "not_assessable").sum()) if len(f) else 0,
        shared_with=list(d.shared_with),
    )


def problems_html(audit: RegionAudit) -> str:
    """The failures, one row each, with links to the report's section and to the source."""
    rows = pr.problem_rows(audit.data.tables, audit.links)
    return render("problems.html.j2", rows=rows, columns=pr.PROBLEM_COLUMNS, empty=audit.data.empty)


def not_checked_html(audit: RegionAudit) -> str:
    """The items that could not be checked, apart and collapsed, each with why."""
    rows = pr.not_checked_rows(audit.data.tables, audit.links)
    return render("not_checked.html.j2", rows=rows, columns=pr.NOT_CHECKED_COLUMNS)


REPORT_COLUMNS = [
    ("issuer", "发布机关", "text"),
    ("year", "年度", "short"),
    ("format", "格式", "short"),
    ("status", "解析状态", "short"),
    ("n_fail", "问题数", "num"),
    ("links", "链接", "links"),
]


def reports_html(audit: RegionAudit) -> str:
    """The reports covered, each with its problem count and links to its section and source."""
    d = audit.data
    f = d.tables.findings
    per = f[f["status"] == "fail"].groupby("report_id").size() if len(f) else pd.Series(dtype=int)
    rows = []
    for _, r in d.reports.iterrows():
        rid = r["report_id"]
        rows.append(
            {
                "issuer": pr.text(r["issuer"]),
                "year": pr.text(r["year"]),
                "format": pr.text(r.get("format_label")),
                "status": pr.text(r.get("status_label")),
                "n_fail": f"{int(per.get(rid, 0))} 条",
                "links": [
                    {"href": f"#{pr.report_anchor(rid)}", "text": "报告详情"},
                    {"href": source_href(audit.links.sources, rid, r["source_file"]), "text": "原文"},
                ],
            }
        )
    return render("table.html.j2", columns=REPORT_COLUMNS, rows=rows, caption="")


FINDING_COLUMNS = [
    ("severity", "严重程度", "short"),
    ("status", "结论", "short"),
    ("table", "表格", "short"),
    ("cell", "单元格（行 × 列）", "text"),
    ("actual", "报告所载", "num"),
    ("expected", "应为", "num"),
    ("difference", "差值", "num"),
    ("rule", "核对规则", "text"),
    ("why", "说明", "text"),
]
ISSUE_COLUMNS = [("severity", "严重程度", "short"), ("section", "部分", "text"), ("where", "位置", "link")]


@dataclass
class ReportSection:
    """What the page shows for one report, as HTML."""

    html: str


def finding_rows(findings: pd.DataFrame, tables: object) -> list[dict[str, object]]:
    rows = []
    for _, f in findings.iterrows():
        unit = pr._unit(f, tables)  # type: ignore[arg-type]
        failed = f["status"] == "fail"
        rows.append(
            {
                "_class": f"gk-sev-{pr.text(f['severity'])}" if failed else "",
                "severity": pr.text(f.get("severity_label")) if failed else "—",
                "status": pr.text(f.get("status_label")),
                "table": pr.TABLE_NAMES.get(int(f["table"]), "") if pr.text(f.get("table")) else "",
                "cell": pr.cell_label(f.get("row_label"), f.get("column_label")),
                "actual": pr.number(f.get("actual"), unit),
                "expected": pr.number(f.get("expected"), unit),
                "difference": pr.signed(f.get("difference"), unit),
                "rule": pr.text(f.get("rule_label")),
                "why": "" if failed else pr.reason_zh(f.get("message")),
            }
        )
    return rows


def report_sections(audit: RegionAudit) -> Iterator[ReportSection]:
    """For each report: heading (its anchor), table 3 as printed with failing cells highlighted,
    its unreviewed findings and its parse issues.

    Findings a researcher confirmed or dismissed (reviews.csv) are listed apart (:mod:`reviewed`);
    a dismissed finding highlights no cell.
    """
    for _, rep in audit.data.reports.iterrows():
        rid = rep["report_id"]
        part = audit.data.tables.for_report(rid)
        review = part.findings["review"]
        t3 = ""
        if len(part.table3):
            caption = "三、收到和处理政府信息公开申请情况"
            shown = part.findings[review.ne("dismissed").fillna(True).astype(bool)]
            t3 = table3_html(part.table3, shown, rep.get("format"), caption=caption)
        open_ = part.findings[review.isna()]
        fails = open_.sort_values("status", key=lambda s: s.map({"fail": 0}).fillna(1), kind="stable")
        issues = [
            {
                "severity": pr.text(i.get("severity_label")),
                "section": pr.text(i["section"]),
                "where": {
                    "href": source_href(audit.links.sources, rid, rep["source_file"], i["source_line"]),
                    "text": f"原文第{int(i['source_line'])}行" if pr.text(i["source_line"]) else "原文",
                },
            }
            for _, i in part.parse_issues.iterrows()
        ]
        yield ReportSection(
            render(
                "report_section.html.j2",
                anchor=pr.report_anchor(rid),
                issuer=pr.text(rep["issuer"]) or "（发布机关不详）",
                year=pr.text(rep["year"]),
                title=pr.text(rep["title"]),
                file=rid,
                source={"href": source_href(audit.links.sources, rid, rep["source_file"]), "text": "查看原文"},
                table3=t3,
                findings=finding_rows(fails, audit.data.tables),
                finding_columns=FINDING_COLUMNS,
                issues=issues,
                issue_columns=ISSUE_COLUMNS,
            )
        )


CLAIM_COLUMNS = [
    ("issuer", "发布机关", "text"),
    ("year", "年度", "short"),
    ("value", "叙述数值", "num"),
    ("cell", "对应单元格", "text"),
    ("table_value", "表格数值", "num"),
    ("verdict", "结论", "text"),
    ("sentence", "原文", "text"),
]


def claims_html(audit: RegionAudit) -> str:
    """Figures the narrative states, the cell each was matched to, and the verdict."""
    c = audit.data.tables.claims
    if c.empty:
        return render("table.html.j2", columns=CLAIM_COLUMNS, rows=[], caption="正文中没有可核对的数字。")
    c = c.merge(audit.data.reports[["report_id", "issuer", "year"]], on="report_id", how="left")
    rows = []
    for _, r in c.sort_values(["issuer", "year", "offset"], kind="stable").iterrows():
        unit = "%" if pr.text(r["unit"]) == "%" else pr.text(r["unit"])
        rows.append(
            {
                "_class": "gk-sev-error" if r["status"] == "mismatch" else "",
                "issuer": pr.text(r["issuer"]),
                "year": pr.text(r["year"]),
                "value": pr.number(r["value"], unit),
                "cell": pr.cell_label(r.get("matched_row_label"), r.get("matched_column_label")),
                "table_value": pr.number(r["table_value"], "件" if unit == "件" else ""),
                "verdict": pr.text(r.get("status_label")),
                "sentence": pr.text(r["sentence"]),
            }
        )
    return render("table.html.j2", columns=CLAIM_COLUMNS, rows=rows, caption="")


def checks_html(audit: RegionAudit) -> str:
    """Passed, failed and not-assessable counts per rule over the region's reports."""
    c = audit.data.tables.checks
    if c.empty:
        return ""
    t = c.groupby(["rule", "rule_label"], dropna=False, sort=False)[["n_pass", "n_fail", "n_not_assessable"]].sum()
    rows = [
        {
            "_class": "gk-sev-error" if int(v["n_fail"]) else "",
            "rule": pr.text(label) or "（未命名规则）",
            "n_pass": f"{int(v['n_pass'])} 次",
            "n_fail": f"{int(v['n_fail'])} 次",
            "n_na": f"{int(v['n_not_assessable'])} 次",
        }
        for (_, label), v in t.iterrows()
    ]
    columns = [
        ("rule", "核对规则", "text"),
        ("n_pass", "通过", "num"),
        ("n_fail", "未通过", "num"),
        ("n_na", "无法判断", "num"),
    ]
    return render("table.html.j2", columns=columns, rows=rows, caption="")


def compare_html(audit: RegionAudit) -> str:
    """Year against year for each issuer: table 3 and 4 totals side by side, changes marked, and the
    cross-year checks of each year beside them."""
    from gongkai.analysis.compare import issuer_comparisons

    blocks = issuer_comparisons(audit.data.tables)
    return render("compare.html.j2", blocks=blocks)


def trends_html(audit: RegionAudit) -> str:
    """Per issuer series, the main figures over the years (never summed across issuers); a region
    where no issuer has two years gets a row of facts instead."""
    from gongkai.analysis.plots import series_figure

    f = audit.figures.dropna(subset=["year"])
    multi = f.groupby("series")["year"].nunique()
    if f.empty:
        return render("facts.html.j2", facts=[], note="没有可用的年度数据。")
    if (multi < 2).all():
        facts = []
        for _, r in f.sort_values(["issuer", "year"]).iterrows():
            facts.append(
                {
                    "title": f"{pr.text(r['issuer'])} {pr.text(r['year'])}年",
                    "items": [
                        ("本年新收申请", pr.number(r["new_total"], "件")),
                        ("办理结果总计", pr.number(r["processed_total"], "件")),
                        ("行政复议", pr.number(r["review_total"], "件")),
                        ("行政诉讼", pr.number(r["litigation_total"], "件")),
                    ],
                }
            )
        return render("facts.html.j2", facts=facts, note="每个发布机关只有一个年度的报告，无法比较年度变化。")
    fig, alt = series_figure(f[f["series"].isin(multi[multi >= 2].index)])
    return figure_html(fig, alt)


TREND_COLUMNS = [
    ("issuer", "发布机关", "text"),
    ("label", "指标", "text"),
    ("rule", "变化", "text"),
    ("year_from", "起始年度", "short"),
    ("value_from", "起始数值", "num"),
    ("year_to", "对比年度", "short"),
    ("value_to", "对比数值", "num"),
    ("change", "幅度", "num"),
]


def _change(kind: str, change: object) -> str:
    """The size of a flagged change in words: a ratio, percentage points or the rate itself."""
    if kind in ("growth", "shrink"):
        return "由 0 增加" if change == float("inf") else f"为上年的 {float(change):.1f} 倍"  # type: ignore[arg-type]
    if kind == "share_shift":
        return pr.signed(change, "个百分点")
    return pr.number(change, "%")


def trends_table_html(audit: RegionAudit) -> str:
    """The flagged changes between consecutive years of one issuer, worded in Chinese."""
    t = audit.trends
    rows = []
    for _, r in t.iterrows():
        kind = r["rule"]
        unit = "%" if str(r["figure"]).startswith(("share_", "correction_rate")) else "件"
        change = _change(kind, r["change"])
        rows.append(
            {
                "issuer": pr.text(r["issuer"]),
                "label": pr.text(r["label"]),
                "rule": verdicts().get(kind, ""),
                "year_from": pr.text(r["year_from"]),
                "value_from": pr.number(r["value_from"], unit),
                "year_to": pr.text(r["year_to"]),
                "value_to": pr.number(r["value_to"], unit),
                "change": change,
            }
        )
    over = [r for r in rows if _over_100(r["value_from"]) or _over_100(r["value_to"])]
    caption = "" if rows else "没有超出阈值的变化。"
    if over:
        caption = (
            "占比超过 100% 的，是该报告表三各项办理结果之和大于“（七）总计”：表格本身不一致，见问题清单。"
        )
    return render("table.html.j2", columns=TREND_COLUMNS, rows=rows, caption=caption)


def _over_100(shown: object) -> bool:
    text = str(shown)
    return text.endswith("%") and float(text.removesuffix("%")) > 100
