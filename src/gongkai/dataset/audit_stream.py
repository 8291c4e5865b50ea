"""The audit of :func:`gongkai.rules.audit_all`, split so that a build never holds the corpus in memory.

* :func:`audit_report` (per file, in a worker): every rule that needs one report only (identities,
  sanity, the narrative), plus the report's :class:`SeriesEntry`, what the cross-year rules need later.
* :func:`cross_year` (after every file was seen): carry-over, documents in force, copy-paste and the
  year-on-year claims, over the entries of the reports' series.

An entry holds the report's three grids (values, statuses and the raw text and line of each cell, for
the evidence) and its year-on-year claims, packed into a few kilobytes (:func:`pack_grids`). Run one
after the other over the same reports, in order, the two halves give the same findings, claims and
checks as ``audit_all`` (``tests/test_build_scale.py`` holds them to it).
"""

from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass

from gongkai.report import Report
from gongkai.rules.crossyear import SERIES_RULES, judge_yoy
from gongkai.rules.gridbatch import batch_grids
from gongkai.rules.grids import Grid, ReportGrids, axes
from gongkai.rules.identities import evaluate_identities
from gongkai.rules.narrative import Judged, judge_narrative
from gongkai.rules.results import Collector
from gongkai.rules.sanity import check_blank_tables, check_negative, numbers_present
from gongkai.rules.subject import Subject


@dataclass
class ReportAudit:
    """The single-report half of the audit of one report."""

    findings: list[tuple]
    counts: dict[str, list[int]]  # rule -> [pass, fail, not assessable]
    judged: list[Judged]  # every claim, in order; year-on-year ones are judged by cross_year
    grids: bytes  # pack_grids of the report's grids


def _pack_grid(g: Grid) -> tuple:
    return (g.axes.table, g.values, g.status, g.pos, tuple(g.records), g.usable, g.relied)


def pack_grids(g: ReportGrids) -> bytes:
    """The grids as compressed bytes: numbers, statuses, the cells (for evidence) and which cells rules may read."""
    data = (g.fmt, [_pack_grid(t) for t in (g.t2, g.t3, g.t4)])
    return zlib.compress(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack_grids(blob: bytes) -> ReportGrids:
    """The :class:`ReportGrids` of :func:`pack_grids` (describe, value, total and same_numbers as before)."""
    fmt, packed = pickle.loads(zlib.decompress(blob))
    grids = [Grid(axes(t), *arrays) for t, *arrays in packed]
    return ReportGrids(fmt, *grids)


def audit_reports(reports: list[Report]) -> list[ReportAudit]:
    """The rules that need only one report, for each report (the table rules run on the batch at once)."""
    ids = [r.report_id for r in reports]
    out = Collector()
    batch = batch_grids(reports)
    identity_findings = evaluate_identities(batch, ids, out)
    negative_findings = check_negative(batch, ids, out)
    has_number = numbers_present(batch)
    audits = []
    for k, r in enumerate(reports):
        out.start(r.report_id)
        start = len(out.findings)
        g = batch.reports[k]
        out.findings.extend(identity_findings[k])
        out.findings.extend(negative_findings[k])
        check_blank_tables(g, r.report_id, out, has_number[k])
        # the narrative needs no other year: the subject's series is filled in by the cross-year pass
        judged = judge_narrative(
            Subject(r.report_id, None if r.year is None else int(r.year), g), r.sections or {}, out
        )
        audits.append(ReportAudit(out.findings[start:], {}, judged, pack_grids(g)))
    position = {rid: k for k, rid in enumerate(ids)}
    for (rid, rule), c in out.counts.items():
        audits[position[rid]].counts[rule] = list(c)
    return audits


def audit_report(report: Report) -> ReportAudit:
    """:func:`audit_reports` of one report."""
    return audit_reports([report])[0]


def cross_year(s: Subject, judged: list[Judged], out: Collector) -> None:
    """The series rules of one report, then its claims rows, year-on-year ones judged (as ``audit_all``)."""
    for rule in SERIES_RULES:
        rule(s, out)
    for j in judged:
        out.claim((judge_yoy(s, j, out) if j.claim.kind == "yoy" else j).row(s.report_id))
