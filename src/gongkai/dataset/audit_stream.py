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
from collections.abc import Callable
from dataclasses import dataclass

from gongkai.report import Report
from gongkai.rules.crossyear import carry_over, copy_paste, docs_in_force, judge_yoy, no_previous
from gongkai.rules.gridbatch import batch_grids
from gongkai.rules.grids import Grid, ReportGrids, axes
from gongkai.rules.identities import evaluate_identities
from gongkai.rules.narrative import Judged, judge_narrative
from gongkai.rules.results import Collector
from gongkai.rules.sanity import check_blank_tables, check_negative, numbers_present

CROSS_YEAR_RULES = ("xy.carry_over", "xy.docs_in_force", "sanity.copy_paste")


@dataclass
class ReportAudit:
    """The single-report half of the audit of one report."""

    findings: list[tuple]
    counts: dict[str, list[int]]  # rule -> [pass, fail, not assessable]
    judged: list[Judged]  # every claim, in order; year-on-year ones are judged by cross_year
    grids: bytes  # pack_grids of the report's grids


def _pack_grid(g: Grid) -> tuple:
    if g.records is not None:
        raw = [r[1] for r in g.records]
        lines = [r[3] for r in g.records]
    else:
        raw, lines = list(g.raw), list(g.lines)
    return (g.axes.table, g.values, g.status, g.pos, raw, lines)


def pack_grids(g: ReportGrids) -> bytes:
    """The grids as compressed bytes: numbers, statuses, and each cell's raw text and line."""
    data = (g.fmt, [_pack_grid(t) for t in (g.t2, g.t3, g.t4)])
    return zlib.compress(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack_grids(blob: bytes) -> ReportGrids:
    """The :class:`ReportGrids` of :func:`pack_grids` (describe, value, total and same_numbers as before)."""
    fmt, packed = pickle.loads(zlib.decompress(blob))
    grids = [Grid(axes(t), values, status, pos, raw, lines) for t, values, status, pos, raw, lines in packed]
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
        judged = judge_narrative(r.report_id, r.sections or {}, g, out)
        audits.append(ReportAudit(out.findings[start:], {}, judged, pack_grids(g)))
    position = {rid: k for k, rid in enumerate(ids)}
    for (rid, rule), c in out.counts.items():
        audits[position[rid]].counts[rule] = list(c)
    return audits


def audit_report(report: Report) -> ReportAudit:
    """:func:`audit_reports` of one report."""
    return audit_reports([report])[0]


Lookup = Callable[[str, int], "tuple[str, ReportGrids] | None"]  # (series, year) -> (report_id, grids)


def cross_year(
    report_id: str,
    year: int | None,
    sid: str | None,
    cur: ReportGrids,
    judged: list[Judged],
    lookup: Lookup,
    out: Collector,
) -> None:
    """The cross-year rules of one report, then its claims rows (as ``audit_all`` emits them)."""
    prev = lookup(sid, int(year) - 1) if sid is not None and year is not None else None
    if prev is None:
        why = (
            f"no {int(year) - 1} report of series {sid!r} in the corpus"
            if year is not None and sid
            else "year or issuer unknown: no series"
        )
        for rule in CROSS_YEAR_RULES:
            no_previous(report_id, rule, why, out)
    else:
        prev_id, prev_grids = prev
        carry_over(report_id, cur, prev_grids, out)
        docs_in_force(report_id, cur, prev_grids, out)
        copy_paste(report_id, cur, prev_grids, prev_id, out)
    for j in judged:
        if j.claim.kind != "yoy":
            continue
        ref = j.claim.ref_year or (int(year) - 1 if year is not None else None)
        ref_entry = lookup(sid, ref) if sid is not None and ref is not None else None
        judge_yoy(report_id, j, cur, ref_entry[1] if ref_entry else None, ref or 0, out)
    for j in judged:
        out.claim(tuple(j.row))
