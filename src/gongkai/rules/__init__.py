"""The audit engine: table identities, narrative claims, percentages, cross-year and sanity rules.

``audit_all(reports, manifest)`` returns an :class:`AuditResult` with three tables:

* ``findings``: one row per failed or not-assessable evaluation (info findings included);
* ``claims``: every figure the narrative states, with the cell it was matched to;
* ``checks``: per report and rule, how many evaluations passed, failed, or could not be assessed.

Rules are data (``rules.csv``, ``identities.csv``, ``claim_terms.csv``, ``claim_domains.csv``)
evaluated by small functions; see docs/methodology.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gongkai.gc_spare import paused_collector, spare_collector
from gongkai.report import Report
from gongkai.rules.catalog import Rule, rules
from gongkai.rules.crossyear import SERIES_RULES, judge_yoy
from gongkai.rules.gridbatch import batch_grids
from gongkai.rules.grids import ReportGrids
from gongkai.rules.identities import evaluate_identities
from gongkai.rules.narrative import Judged, judge_narrative
from gongkai.rules.results import Collector
from gongkai.rules.sanity import check_blank_tables, check_negative, numbers_present
from gongkai.rules.series import (
    assign_series,
    index_series,
    manifest_overrides,
    normalise_issuer,
    record_links,
    series_links,
)
from gongkai.rules.subject import Subject

__all__ = [
    "AuditResult",
    "Rule",
    "audit",
    "audit_all",
    "format_findings",
    "normalise_issuer",
    "rules",
    "series_links",
]


@dataclass
class AuditResult:
    """Findings, claims and checks of an audit run."""

    findings: pd.DataFrame
    claims: pd.DataFrame
    checks: pd.DataFrame

    def for_report(self, report_id: str) -> AuditResult:
        """The part of the result that concerns one report."""
        return AuditResult(*(df[df["report_id"] == report_id] for df in (self.findings, self.claims, self.checks)))

    def write(self, outdir: str | Path) -> list[Path]:
        """Write findings, claims and checks as Parquet and CSV; returns the paths written."""
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, df in (("findings", self.findings), ("claims", self.claims), ("checks", self.checks)):
            df.to_parquet(out / f"{name}.parquet", index=False)
            df.to_csv(out / f"{name}.csv", index=False)
            paths += [out / f"{name}.parquet", out / f"{name}.csv"]
        return paths


def audit_all(reports: Iterable[Report], manifest: pd.DataFrame | str | Path | None = None) -> AuditResult:
    """Audit reports: every rule on every report, cross-year rules within each issuer's series."""
    reports = list(reports)
    # The batch's reports are input (spared), and the audit makes no garbage for a collection to find (it
    # reads no files): no collection runs until it is done.
    with spare_collector(), paused_collector():
        return _audit(reports, manifest)


def _audit(reports: list[Report], manifest: pd.DataFrame | str | Path | None) -> AuditResult:
    out = Collector()
    ids = [r.report_id for r in reports]
    batch = batch_grids(reports)
    overrides = manifest_overrides(manifest)
    assignment = assign_series(reports, overrides)
    sids = list(assignment.ids)
    index = index_series(reports, overrides, sids)
    position = {id(r): k for k, r in enumerate(reports)}
    by_series: dict[str, dict[int, tuple[str, ReportGrids]]] = {}
    for (sid, year), r in index.items():
        by_series.setdefault(sid, {})[year] = (r.report_id, batch.reports[position[id(r)]])
    subjects = [
        Subject(r.report_id, None if r.year is None else int(r.year), batch.reports[k], sid, by_series.get(sid, {}))
        for k, (r, sid) in enumerate(zip(reports, sids, strict=True))
    ]
    # Table rules run on the whole batch at once; their findings are placed report by report below.
    identity_findings = evaluate_identities(batch, ids, out)
    negative_findings = check_negative(batch, ids, out)
    has_number = numbers_present(batch)
    judged: list[list[Judged]] = []
    for k, (r, s) in enumerate(zip(reports, subjects, strict=True)):
        out.start(r.report_id)
        out.findings.extend(identity_findings[k])
        out.findings.extend(negative_findings[k])
        check_blank_tables(s.grids, r.report_id, out, has_number[k])
        judged.append(judge_narrative(s, r.sections or {}, out))
    record_links(assignment.links, out)
    for s, claims in zip(subjects, judged, strict=True):
        for rule in SERIES_RULES:
            rule(s, out)
        for j in claims:
            out.claim((judge_yoy(s, j, out) if j.claim.kind == "yoy" else j).row(s.report_id))
    return AuditResult(*out.frames())


def audit(reports: Iterable[Report] | Report, manifest: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The findings DataFrame of :func:`audit_all` (one report or many)."""
    if isinstance(reports, Report):
        reports = [reports]
    return audit_all(reports, manifest).findings


def format_findings(report: Report, result: AuditResult) -> str:
    """A terminal view of one report's audit: header, findings by severity, claims summary."""
    from gongkai.rules.view import render

    return render(report, result.for_report(report.report_id))
