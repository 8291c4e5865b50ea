"""The researcher's verdicts on the region page: confirmed and dismissed findings apart from unreviewed ones.

``review``/``review_note`` come from ``RAW_DIR/reviews.csv`` (applied by
``gongkai build``); a verdict whose finding no longer exists is a stale review,
shown with the reason rather than dropped. Rendered as escaped HTML like the
other views.
"""

from __future__ import annotations

import pandas as pd

from gongkai.analysis import problems as pr
from gongkai.analysis.html import render
from gongkai.analysis.region_report import FINDING_COLUMNS, RegionAudit, finding_rows, verdicts

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


def review_summary(audit: RegionAudit) -> str:
    """One line: findings per verdict, and the stale reviews of the region's reports."""
    counts = review_counts(audit.data.tables.findings)
    n_stale = len(audit.data.tables.stale_reviews)
    text = "，".join(f"{verdicts()[k]} {v} 条" for k, v in counts.items())
    stale = f"；{n_stale} 条复核已失效（其问题已不存在：报告、解析或规则已变化），见下表" if n_stale else ""
    return f"人工复核（reviews.csv）：{text}{stale}。"


REVIEWED_COLUMNS = [("issuer", "发布机关", "text"), ("year", "年度", "short"), *FINDING_COLUMNS[:-1]]
REVIEWED_COLUMNS.append(("review_note", "复核说明", "text"))
STALE_COLUMNS = [
    ("line", "所在行", "num"),
    ("report_id", "报告", "text"),
    ("rule", "核对规则", "text"),
    ("cell", "单元格（行 × 列）", "text"),
    ("verdict", "复核结论", "short"),
    ("note", "说明", "text"),
    ("reason", "原因", "text"),
]


def reviewed_rows(audit: RegionAudit, verdict: str) -> list[dict[str, object]]:
    """The region's findings with one verdict, each with its report and the reviewer's note."""
    f = audit.data.tables.findings
    hit = f[_review(f) == verdict].reset_index(drop=True)
    meta = audit.data.reports.set_index("report_id")
    rows = finding_rows(hit, audit.data.tables)
    for row, (_, item) in zip(rows, hit.iterrows(), strict=True):
        rid = item["report_id"]
        row.update(
            issuer=pr.text(meta["issuer"].get(rid)),
            year=pr.text(meta["year"].get(rid)),
            review_note=pr.text(item.get("review_note")),
            _class="",
        )
    return rows


def stale_rows(audit: RegionAudit) -> list[dict[str, object]]:
    """The region's reviews.csv lines that match no finding, with the reason."""
    from gongkai.dataset.labels import cell_label, label

    rows = []
    for _, s in audit.data.tables.stale_reviews.iterrows():
        cell = pr.cell_label(cell_label(s["table"], "row", s["row"]), cell_label(s["table"], "column", s["column"]))
        rows.append(
            {
                "line": pr.text(s["line"]),
                "report_id": pr.text(s["report_id"]),
                "rule": label("rule", s["rule"]) or pr.text(s["rule"]),
                "cell": cell,
                "verdict": verdicts().get(pr.text(s["verdict"]), pr.text(s["verdict"])),
                "note": pr.text(s["note"]),
                "reason": pr.text(s["reason"]),
            }
        )
    return rows


def reviewed_html(audit: RegionAudit) -> str:
    """The 人工复核 section: the counts, the confirmed and the dismissed findings, the stale reviews."""
    blocks = [
        {"title": verdicts()[v], "rows": reviewed_rows(audit, v), "columns": REVIEWED_COLUMNS} for v in REVIEWS
    ]
    stale = {"title": "已失效的复核", "rows": stale_rows(audit), "columns": STALE_COLUMNS}
    return render("reviewed.html.j2", summary=review_summary(audit), blocks=[*blocks, stale])
