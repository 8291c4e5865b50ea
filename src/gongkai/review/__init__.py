"""A researcher's own judgements, kept beside the raw data and applied on every build.

* ``RAW_DIR/corrections.csv`` (report_id, table, row, column, value, note): the
  cell takes the value, status ``corrected``, before the audit runs;
* ``RAW_DIR/reviews.csv`` (report_id, rule, table, row, column, verdict, note):
  ``confirmed``/``dismissed`` attached to the matching finding after the audit.

``gongkai build`` calls :meth:`Judgements.correct` on the parsed reports and
:meth:`Judgements.review` on the audit's findings. Every problem is an
``InputIssue`` in the ``review_issues`` table; stale verdicts are ``stale_reviews``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gongkai.report import Report
from gongkai.review.corrections import CORRECTED, apply_corrections
from gongkai.review.inputs import (
    ISSUE_COLUMNS,
    JUDGEMENT_FILES,
    Correction,
    InputIssue,
    Review,
    read_corrections,
    read_reviews,
)
from gongkai.review.reviews import attach_reviews
from gongkai.rules import rules

__all__ = ["JUDGEMENT_FILES", "Judgements", "issues_frame", "summary_lines"]


@dataclass
class Judgements:
    """The corrections and reviews of one raw folder, and every problem met reading or applying them."""

    corrections: list[Correction] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    issues: list[InputIssue] = field(default_factory=list)

    @classmethod
    def read(cls, raw_dir: Path) -> Judgements:
        """Read both files of ``raw_dir`` (either may be absent)."""
        corrections, c_issues = read_corrections(raw_dir)
        reviews, r_issues = read_reviews(raw_dir, frozenset(rules()))
        return cls(corrections, reviews, [*c_issues, *r_issues])

    def correct(self, reports: Sequence[Report]) -> list[Report]:
        """The reports with the corrections applied (new reports where corrected; the others as they were)."""
        out, problems = apply_corrections(reports, self.corrections)
        self.issues += problems
        return out

    def review(self, findings: pd.DataFrame, report_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
        """The output tables: ``findings`` with the verdicts, ``stale_reviews`` and ``review_issues``."""
        reviewed, stale = attach_reviews(findings, self.reviews, report_ids)
        return {"findings": reviewed, "stale_reviews": stale, "review_issues": issues_frame(self.issues)}


def issues_frame(issues: Sequence[InputIssue]) -> pd.DataFrame:
    """One row per problem, ordered by file and line."""
    ordered = sorted(issues, key=lambda i: (i.file, i.line or 0))
    rows = [(i.file, i.line, i.severity, i.report_id, i.message) for i in ordered]
    df = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    df["line"] = df["line"].astype("Int64")
    return df.astype({c: "string" for c in ISSUE_COLUMNS if c != "line"})


def summary_lines(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The build summary's lines about corrections and reviews (none when neither file was used)."""
    f, stale, issues = (tables.get(n) for n in ("findings", "stale_reviews", "review_issues"))
    if f is None or stale is None or issues is None or "review" not in f:
        return []
    cells = [tables[t]["cell_status"] for t in ("table2", "table3", "table4") if t in tables]
    n_corrected = sum(int((s == CORRECTED).sum()) for s in cells)
    counts = f["review"].value_counts()
    if not (n_corrected or counts.sum() or len(stale) or len(issues)):
        return []
    lines = [
        f"  judgements: {n_corrected} cells corrected; findings confirmed: {counts.get('confirmed', 0)}, "
        f"dismissed: {counts.get('dismissed', 0)}, unreviewed: {int(f['review'].isna().sum())}; "
        f"stale reviews: {len(stale)}"
    ]
    for _, s in stale.iterrows():
        lines.append(f"  stale    reviews.csv line {s['line']}: {s['rule']} of {s['report_id']}: {s['reason']}")
    for _, i in issues.iterrows():
        where = f"{i['file']} line {i['line']}" if not pd.isna(i["line"]) else i["file"]
        lines.append(f"  {i['severity']:<8} {where}: {i['message']}")
    return lines
