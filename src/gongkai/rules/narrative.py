"""Judge the claims of one report against its own tables: counts and shares (YoY waits for the series)."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.rules.claims import Claim, extract_claims
from gongkai.rules.grids import ReportGrids
from gongkai.rules.results import Collector
from gongkai.rules.targets import Target, candidates, pct_reading, share_bases


@dataclass
class Judged:
    """A claim, its row in the claims table (filled in place) and the cell it was read as."""

    claim: Claim
    row: list
    target: Target | None = None


def _evidence(c: Claim) -> str:
    return f"section {c.section} offset {c.offset}: {c.sentence}"


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.10g}"


def _row(report_id: str, c: Claim) -> list:
    return [
        report_id,
        c.section,
        c.kind,
        c.value,
        c.unit,
        c.sentence,
        c.offset,
        None,
        None,
        None,
        None,
        "unmatched",
        "",
    ]


def _set(row: list, target: Target | None, value: float | None, status: str, note: str) -> None:
    if target is not None:
        row[7:10] = [target.table, target.row_label, target.col_label]
    row[10] = value
    row[11] = status
    row[12] = note


def judge_count(report_id: str, j: Judged, grids: ReportGrids, out: Collector) -> None:
    c = j.claim
    cands, why = candidates(c, grids.fmt)
    if not cands:
        _set(j.row, None, None, "unmatched", why)
        return
    values = []
    for i, t in enumerate(cands):
        v, bad_cells = t.value(grids)
        if v is not None and abs(v - c.value) < 1e-9:  # type: ignore[operator]
            j.target = t
            _set(j.row, t, v, "match", "" if i == 0 else f"matched the alternative reading {t.row_label}")
            out.result(report_id, "claim.count", "pass")
            return
        values.append((t, v, bad_cells))
    t0, v0, _ = values[0]
    bad = [b for _, v, bb in values if v is None for b in bb]
    if not c.strong:
        _set(
            j.row,
            t0,
            v0,
            "unmatched",
            "weak reading (keyword inherited or ambiguous); no candidate cell equals it",
        )
        return
    if bad:
        _set(j.row, t0, v0, "unmatched", "a candidate cell is not a number")
        out.result(
            report_id,
            "claim.count",
            "not_assessable",
            table=t0.table,
            row=t0.row_label,
            column=t0.col_label,
            message=f"stated {_fmt(c.value)}{c.unit}: {t0.describe()} cannot be summed (not a number)",
            evidence=_evidence(c) + " | cells: " + ", ".join(f"{r}/{k}" for r, k in bad),
        )
        return
    j.target = t0
    _set(j.row, t0, v0, "mismatch", "")
    out.result(
        report_id,
        "claim.count",
        "fail",
        table=t0.table,
        row=t0.row_label,
        column=t0.col_label,
        expected=v0,
        actual=c.value,
        message=f"narrative states {_fmt(c.value)}{c.unit} but {t0.describe()} = {_fmt(v0)}",
        evidence=_evidence(c),
    )


def judge_share(report_id: str, j: Judged, by_claim: dict[int, Judged], grids: ReportGrids, out: Collector) -> None:
    c = j.claim
    subj = by_claim.get(id(c.subject)) if c.subject is not None else None
    if subj is None or subj.target is None:
        _set(j.row, None, None, "unmatched", "the count this share is of was not matched to a cell")
        return
    bases = share_bases(subj.target, grids.fmt)
    if not bases:
        _set(j.row, subj.target, None, "unmatched", "no base total known for this share")
        return
    num = subj.claim.value
    readings: list[tuple[Target, float, str | None]] = []
    na = []
    for b in bases:
        v, bad = b.value(grids)
        if v is None:
            na.extend(bad)
        elif v > 0:
            share = 100.0 * num / v  # type: ignore[operator]
            readings.append((b, share, pct_reading(c.value, c.decimals, share)))  # type: ignore[arg-type]
    for kind in ("round", "trunc"):
        hit = next((r for r in readings if r[2] == kind), None)
        if hit is None:
            continue
        b, share, _ = hit
        note = f"{_fmt(num)} of {b.row_label}/{b.col_label} = {share:.{c.decimals + 3}f}%"
        _set(
            j.row,
            subj.target,
            round(share, c.decimals + 3),
            "match",
            note + ("" if kind == "round" else "; truncated"),
        )
        out.result(report_id, "claim.share", "pass")
        if kind == "round":
            out.result(report_id, "claim.pct_truncated", "pass")
        else:
            out.result(
                report_id,
                "claim.pct_truncated",
                "fail",
                table=subj.target.table,
                row=subj.target.row_label,
                column=subj.target.col_label,
                expected=round(share, c.decimals),
                actual=c.value,
                message=f"stated {_fmt(c.value)}% is {note} truncated, not rounded "
                f"({round(share, c.decimals):.{c.decimals}f}%)",
                evidence=_evidence(c),
            )
        return
    if not readings or na:
        _set(j.row, subj.target, None, "unmatched", "base total not a number or zero")
        out.result(
            report_id,
            "claim.share",
            "not_assessable",
            table=subj.target.table,
            row=subj.target.row_label,
            column=subj.target.col_label,
            message=f"stated {_fmt(c.value)}%: base total not available",
            evidence=_evidence(c) + (" | cells: " + ", ".join(f"{r}/{k}" for r, k in na) if na else ""),
        )
        return
    b, share, _ = readings[0]
    _set(
        j.row,
        subj.target,
        round(share, c.decimals + 3),
        "mismatch",
        f"{_fmt(num)} of {b.row_label}/{b.col_label} = {share:.{c.decimals + 3}f}%",
    )
    out.result(
        report_id,
        "claim.share",
        "fail",
        table=subj.target.table,
        row=subj.target.row_label,
        column=subj.target.col_label,
        expected=round(share, c.decimals),
        actual=c.value,
        message=(
            f"stated {_fmt(c.value)}% of {_fmt(num)} is neither rounded nor truncated "
            f"{_fmt(num)}/{b.row_label}/{b.col_label} = {share:.{c.decimals + 3}f}%"
        ),
        evidence=_evidence(c),
    )


def judge_narrative(report_id: str, sections: dict[str, str], grids: ReportGrids, out: Collector) -> list[Judged]:
    """Extract and judge counts and shares; returns every judged claim (YoY ones still pending)."""
    judged = [Judged(c, _row(report_id, c)) for c in extract_claims(sections)]
    by_claim = {id(j.claim): j for j in judged}
    for j in judged:
        if j.claim.kind == "count":
            judge_count(report_id, j, grids, out)
        elif j.claim.kind == "share":
            judge_share(report_id, j, by_claim, grids, out)
    for j in judged:
        if j.claim.kind == "yoy" and j.claim.subject is not None:
            subj = by_claim.get(id(j.claim.subject))
            if subj is not None:
                j.target = subj.target if subj.target is not None else None
                if subj.target is None and subj.claim.strong:
                    cands, _ = candidates(subj.claim, grids.fmt)
                    j.target = cands[0] if cands else None
            elif j.claim.subject.domain is not None:
                cands, _ = candidates(j.claim.subject, grids.fmt)
                j.target = cands[0] if cands else None
    return judged
