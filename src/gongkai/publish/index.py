"""reports/index.html: every region with its report count, findings by severity and links.

Run outcomes are kept in ``status.json`` beside the index, so a later run for
one region keeps what earlier runs rendered (and their errors).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd

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


def write_index(
    out_dir: Path,
    summary: pd.DataFrame,
    status: dict[str, dict[str, object]],
    n_reports: int,
    n_unplaced: int = 0,
) -> Path:
    """Write index.html from the region summary (overview.region_summary) and the run status."""
    from jinja2 import Template

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
                **_links(out_dir, status.get(f"region:{r['key']}")),
            }
        )
    corpus_pages = [
        {"title": e["title"], **_links(out_dir, e)} for k, e in sorted(status.items()) if k.startswith("corpus:")
    ]
    n_failed = sum(1 for page in [*regions, *corpus_pages] if page["error"])
    text = resources.files(__package__).joinpath("templates/site_index.html.j2").read_text("utf-8")
    html = Template(text, autoescape=True).render(
        title=TITLE,
        subtitle=f"{n_reports} 份报告，{len(regions)} 个地区",
        regions=regions,
        corpus_pages=corpus_pages,
        n_failed=n_failed,
        n_unplaced=n_unplaced,
    )
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
