"""The views of the corpus overview notebook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gongkai.analysis.data import Tables, load_tables
from gongkai.analysis.region_report import labels, verdicts
from gongkai.analysis.selection import UNPLACED, list_regions, report_path
from gongkai.analysis.trends import report_figures

MAIN_FIGURES = {
    "new_total": "本年新收申请（件）",
    "processed_total": "办理结果总计（件）",
    "review_total": "行政复议（件）",
    "litigation_total": "行政诉讼（件）",
}


@dataclass
class Corpus:
    """All processed tables plus the per-report figures."""

    tables: Tables
    figures: pd.DataFrame


def load_corpus(processed: str | Path) -> Corpus:
    """Load every processed table and compute the per-report figures."""
    tables = load_tables(processed)
    return Corpus(tables, report_figures(tables))


def summary_html(corpus: Corpus) -> str:
    """One escaped line: how many reports, issuers, regions and findings."""
    import html

    return f"<p>{html.escape(summary_text(corpus))}</p>"


def summary_text(corpus: Corpus) -> str:
    """One line: how many reports, issuers, regions and findings."""
    r = corpus.tables.reports
    if r.empty:
        return "没有报告：处理后的数据为空。"
    f = corpus.tables.findings
    n_fail = int((f["status"] == "fail").sum()) if len(f) else 0
    years = r["year"].dropna()
    span = f"{int(years.min())}–{int(years.max())}年" if len(years) else "年度不详"
    return (
        f"共 {len(r)} 份报告，{r['issuer'].nunique()} 个发布机关，{r['province'].nunique()} 个省份，{span}；"
        f"审查发现问题 {n_fail} 条。"
    )


def reports_by_province_year(corpus: Corpus) -> pd.DataFrame:
    """Report counts, provinces × years (reports without a province under 未定位)."""
    r = corpus.tables.reports
    if r.empty:
        return pd.DataFrame()
    prov = r["province"].fillna("未定位")
    t = pd.crosstab(prov, r["year"].astype("Int64"))
    t.index.name, t.columns.name = None, None
    return t


def parse_status(corpus: Corpus) -> pd.DataFrame:
    """Reports per parse status and year."""
    r = corpus.tables.reports
    if r.empty:
        return pd.DataFrame()
    t = pd.crosstab(r["status"].map(lambda s: verdicts().get(s, s)), r["year"])
    t.index.name, t.columns.name = labels()["status"], labels()["year"]
    return t


def rule_failure_rates(corpus: Corpus) -> pd.DataFrame:
    """Per rule: checks passed, failed, not assessable, and the failure rate among assessed checks (%)."""
    c = corpus.tables.checks
    if c.empty:
        return pd.DataFrame()
    t = c.assign(rule_label=c["rule_label"].fillna(c["rule"])).groupby("rule_label", sort=False)[
        ["n_pass", "n_fail", "n_not_assessable"]
    ].sum()
    t.index.name = "规则"
    assessed = (t["n_pass"] + t["n_fail"]).where(lambda s: s > 0)
    t["未通过率（%）"] = (100.0 * t["n_fail"] / assessed).astype(float).round(2)
    t = t.sort_values("未通过率（%）", ascending=False)
    return t.rename(columns=labels())


def _findings_per_report(corpus: Corpus) -> pd.DataFrame:
    f = corpus.tables.findings
    if f.empty:
        return pd.DataFrame(columns=["report_id", "error", "warning", "info"])
    fails = f[f["status"] == "fail"]
    t = pd.crosstab(fails["report_id"], fails["severity"])
    for s in ("error", "warning", "info"):
        if s not in t:
            t[s] = 0
    return t[["error", "warning", "info"]].reset_index()


def top_issuers(corpus: Corpus, n: int = 15) -> pd.DataFrame:
    """Issuers with the most failing findings, by severity."""
    per = _findings_per_report(corpus).merge(corpus.tables.reports[["report_id", "issuer"]], on="report_id")
    if per.empty:
        return pd.DataFrame()
    t = per.groupby("issuer")[["error", "warning", "info"]].sum()
    t["findings"] = t.sum(axis=1)
    t = t[t["findings"] > 0].sort_values("findings", ascending=False).head(n)
    t.index.name = labels()["issuer"]
    return t.rename(columns=labels())


def region_keys(path: tuple[str, ...]) -> list[str]:
    """The keys of the regions a report lies in (the unplaced region when none)."""
    return ["/".join(path[:d]) for d in range(1, len(path) + 1)] or [UNPLACED]


def region_summary(reports: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Every region (list_regions) with its failing findings by severity: error, warning, info."""
    regions = list_regions(reports)
    per = _findings_per_report(Corpus(Tables(reports=reports, findings=findings), pd.DataFrame()))
    keys = (
        reports.apply(lambda r: region_keys(report_path(r)), axis=1)
        if len(reports)
        else pd.Series(dtype=object)
    )
    link = pd.DataFrame({"report_id": reports["report_id"], "key": keys}).explode("key").dropna()
    counts = link.merge(per, on="report_id", how="left").fillna({"error": 0, "warning": 0, "info": 0})
    sums = counts.groupby("key")[["error", "warning", "info"]].sum().astype(int)
    out = regions.merge(sums, left_on="key", right_index=True, how="left")
    out[["error", "warning", "info"]] = out[["error", "warning", "info"]].fillna(0).astype(int)
    return out


def top_regions(corpus: Corpus, n: int = 15) -> pd.DataFrame:
    """Regions (any level) with the most failing findings, by severity."""
    t = region_summary(corpus.tables.reports, corpus.tables.findings)
    if t.empty:
        return pd.DataFrame()
    t["findings"] = t[["error", "warning", "info"]].sum(axis=1)
    t = t[t["findings"] > 0].sort_values(["findings", "n_reports"], ascending=[False, True]).head(n)
    t = t.set_index("key")[["n_reports", "error", "warning", "info", "findings"]]
    t.index.name = "地区"
    return t.rename(columns=labels())


def table_html(df: pd.DataFrame) -> str:
    """A summary table as escaped HTML: missing values as —, whole numbers without decimals, scrollable."""
    if df.empty:
        return '<p class="muted">无数据。</p>'

    def fmt(v: float) -> str:
        return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"

    body = df.to_html(na_rep="—", escape=True, float_format=fmt, border=0, classes="gk-table")
    return f'<div class="gk-scroll">{body}</div>'
