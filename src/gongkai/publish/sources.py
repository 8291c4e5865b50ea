"""The source pages of the site (``sources/``): one per report, so a finding links to its place in the raw file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gongkai.analysis.problems import text
from gongkai.analysis.sources import locate, write_source_page


def write_sources(out_dir: Path, reports: pd.DataFrame, processed: Path | None) -> list[Path]:
    """Write ``sources/<slug>.html`` (and a copy of each PDF or Word file) for every report; the raw
    files are found near the ``processed`` folder (:func:`gongkai.analysis.sources.locate`)."""
    folder = out_dir / "sources"
    written = []
    for _, r in reports.iterrows():
        recorded = text(r["source_file"])
        found = locate(recorded, processed, r["sha256"])
        title = text(r["title"]) or text(r["report_id"])
        written.append(write_source_page(folder, text(r["report_id"]), title, found, recorded))
    return written
