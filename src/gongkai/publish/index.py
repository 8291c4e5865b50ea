"""reports/index.html: every region with its report count, findings by severity and links.

Run outcomes are kept in ``status.json`` beside the index, so a later run for
one region keeps what earlier runs rendered (and their errors).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from gongkai.analysis.data import Tables
from gongkai.analysis.region_report import LEVEL_NAMES
from gongkai.publish.runner import JobResult

STATUS_FILE = "status.json"
TITLE = "政府信息公开工作年度报告审查"


def update_status(out_dir: Path, results: list[JobResult]) -> dict[str, dict[str, object]]:
    """Merge the outcome of these runs into status.json; return the whole status."""
    path = out_dir / STATUS_FILE
    status: dict[str, dict[str, object]] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    for r in results:
        status[f"{r.job.scope}:{r.job.key}"] = {
            "title": r.job.title,
            "html": r.job.html.relative_to(out_dir).as_posix(),
            "ipynb": r.job.ipynb.relative_to(out_dir).as_posix(),
            "error": r.error,
            "seconds": round(r.seconds, 2),
        }
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(status, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    return status


def _links(out_dir: Path, entry: dict[str, object] | None) -> dict[str, object]:
    if not entry:
        return {"html": None, "ipynb": None, "error": ""}
    html, ipynb = str(entry["html"]), str(entry["ipynb"])
    return {
        "html": html if (out_dir / html).exists() else None,
        "ipynb": ipynb if (out_dir / ipynb).exists() else None,
        "error": entry.get("error", ""),
    }


REVIEW_COUNTS = ("confirmed", "dismissed", "unreviewed")


def review_counts(reports: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Per region key (every level, as region_summary): failing findings confirmed, dismissed and unreviewed
    by a researcher (reviews.csv)."""
    from gongkai.analysis.overview import region_keys
    from gongkai.analysis.selection import report_path

    fails = findings[findings["status"] == "fail"] if len(findings) else findings
    review = fails["review"] if "review" in fails else pd.Series([None] * len(fails), index=fails.index)
    per = pd.DataFrame({"report_id": fails["report_id"], "verdict": review.astype(object).fillna("unreviewed")})
    per = pd.crosstab(per["report_id"], per["verdict"]).reindex(columns=list(REVIEW_COUNTS), fill_value=0)
    rows = [(key, r["report_id"]) for _, r in reports.iterrows() for key in region_keys(report_path(r))]
    link = pd.DataFrame(rows, columns=["key", "report_id"])
    counts = link.merge(per, left_on="report_id", right_index=True, how="inner")
    return counts.groupby("key")[list(REVIEW_COUNTS)].sum().astype(int)


def _review_counts(reviews: pd.DataFrame | None, key: str) -> dict[str, int]:
    known = reviews is not None and key in reviews.index
    return {f"{k}_count": int(reviews.at[key, k]) if known else 0 for k in REVIEW_COUNTS}  # type: ignore[union-attr]


def _report_pages(out_dir: Path, summary: pd.DataFrame, status: dict[str, dict[str, object]],
                  reports: pd.DataFrame) -> dict[str, str]:
    """report id -> the rendered page (relative to the index) that holds its section."""
    from gongkai.analysis.selection import report_path

    page_key = dict(zip(summary["key"], summary["page_key"], strict=True))
    out = {}
    for _, r in reports.iterrows():
        key = "/".join(report_path(r))
        entry = status.get(f"region:{page_key.get(key, key)}")
        if entry and (out_dir / str(entry["html"])).exists():
            out[r["report_id"]] = str(entry["html"])
    return out


def write_index(
    out_dir: Path,
    summary: pd.DataFrame,
    status: dict[str, dict[str, object]],
    tables: Tables,
    n_unplaced: int = 0,
    processed: Path | None = None,
    n_stale: int = 0,
) -> Path:
    """Write index.html: the problem list of the whole corpus first, then every region with its page and
    the researcher's verdicts (reviews.csv) on its findings; ``n_stale`` counts the verdicts whose finding
    no longer exists."""
    from gongkai.analysis.html import render
    from gongkai.analysis.problems import PROBLEM_COLUMNS, Links, problem_rows

    reviews = review_counts(tables.reports, tables.findings)
    regions = []
    for _, r in summary.iterrows():
        regions.append(
            {
                "key": r["key"],
                "name": r["name"],
                "level": r["level"],
                "level_name": LEVEL_NAMES.get(r["level"], r["level"]),
                "n_reports": int(r["n_reports"]),
                "error_count": int(r["error"]),
                "warning_count": int(r["warning"]),
                "info_count": int(r["info"]),
                "shared": r["page_key"] != r["key"],
                **_review_counts(reviews, r["key"]),
                **_links(out_dir, status.get(f"region:{r['page_key']}")),
            }
        )
    corpus_pages = [
        {"title": e["title"], **_links(out_dir, e)} for k, e in sorted(status.items()) if k.startswith("corpus:")
    ]
    n_failed = sum(1 for page in [*regions, *corpus_pages] if page["error"])
    pages = _report_pages(out_dir, summary, status, tables.reports)
    problems = problem_rows(tables, Links(sources="sources", sections="", processed=processed), pages)
    for row in problems:  # a report without a rendered page has no section to link to
        section = row["section"]
        if isinstance(section, dict) and str(section["href"]).startswith("#"):
            row["section"] = None
    html = render(
        "site_index.html.j2",
        title=TITLE,
        subtitle=f"{len(tables.reports)} 份报告，{len(regions)} 个地区",
        regions=regions,
        corpus_pages=corpus_pages,
        n_failed=n_failed,
        n_unplaced=n_unplaced,
        n_stale=n_stale,
        problems=problems,
        problem_columns=PROBLEM_COLUMNS,
        css="assets/site.css",
    )
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
