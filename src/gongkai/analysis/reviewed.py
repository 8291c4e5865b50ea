"""The researcher's verdicts on the region page: confirmed and dismissed findings apart from unreviewed ones.

``review``/``review_note`` come from ``RAW_DIR/reviews.csv`` (applied by
``gongkai build``); a verdict whose finding no longer exists is a stale review,
shown with the reason rather than dropped.
"""

from __future__ import annotations

import pandas as pd

from gongkai.analysis.region_report import RegionAudit, findings_table, labels, verdicts

REVIEWS = ("confirmed", "dismissed")


def _review(findings: pd.DataFrame) -> pd.Series:
    if "review" not in findings:
        return pd.Series([None] * len(findings), index=findings.index, dtype=object)
    return findings["review"]


def unreviewed(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings no verdict has been given on."""
    return findings[_review(findings).isna()]


def not_dismissed(findings: pd.DataFrame) -> pd.DataFrame:
    """Every finding except those a researcher dismissed (a dismissed finding highlights no cell)."""
    return findings[_review(findings).ne("dismissed").fillna(True).astype(bool)]


def review_counts(findings: pd.DataFrame) -> dict[str, int]:
    """How many findings are confirmed, dismissed and unreviewed."""
    review = _review(findings)
    return {
        "confirmed": int((review == "confirmed").sum()),
        "dismissed": int((review == "dismissed").sum()),
        "unreviewed": int(review.isna().sum()),
    }


def review_markdown(audit: RegionAudit) -> str:
    """One line: findings per verdict, and the stale reviews of the region's reports."""
    counts = review_counts(audit.data.tables.findings)
    n_stale = len(audit.data.tables.stale_reviews)
    text = "，".join(f"{verdicts()[k]} {v} 条" for k, v in counts.items())
    stale = f"；{n_stale} 条复核已失效（其问题已不存在：报告、解析或规则已变化），见下表" if n_stale else ""
    return f"人工复核（reviews.csv）：{text}{stale}。"


def reviewed_findings(audit: RegionAudit, verdict: str) -> pd.DataFrame:
    """The region's findings with one verdict, each with its report and the reviewer's note."""
    f = audit.data.tables.findings
    hit = f[_review(f) == verdict].reset_index(drop=True)
    out = findings_table(hit)
    if len(hit):
        meta = hit[["report_id"]].merge(audit.data.reports[["report_id", "issuer", "year"]], on="report_id", how="left")
        out.insert(0, labels()["issuer"], meta["issuer"].to_list())
        out.insert(1, labels()["year"], meta["year"].to_list())
        out[labels()["review_note"]] = hit["review_note"].to_list()
    return out


def stale_reviews_table(audit: RegionAudit) -> pd.DataFrame:
    """The region's reviews.csv lines that match no finding, with the reason."""
    s = audit.data.tables.stale_reviews
    cols = ["line", "report_id", "rule", "table", "row", "column", "verdict", "note", "reason"]
    s = s[cols].copy()
    s["verdict"] = s["verdict"].map(lambda v: verdicts().get(v, v))
    return s.rename(columns={c: labels().get(c, c) for c in cols}).reset_index(drop=True)
