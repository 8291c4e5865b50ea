"""Judge the claims of one report against its own tables: counts and shares (YoY waits for the series)."""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from gongkai.rules.claims import Claim, extract_claims
from gongkai.rules.results import ClaimRow, Collector, fmt_number
from gongkai.rules.subject import Subject
from gongkai.rules.targets import Target, candidates, pct_reading, share_bases


class Verdict(NamedTuple):
    """How a claim was judged: status, note, the cell shown beside it and that cell's value."""

    status: str = "unmatched"
    note: str = ""
    shown: Target | None = None
    table_value: float | None = None


class Judged(NamedTuple):
    """A claim, its verdict, and the cell it was read as (what shares and YoY of it refer to)."""

    claim: Claim
    verdict: Verdict = Verdict()
    read_as: Target | None = None

    def row(self, report_id: str) -> ClaimRow:
        c, v, t = self.claim, self.verdict, self.verdict.shown
        return ClaimRow(
            report_id,
            c.section,
            c.kind,
            c.value,
            c.unit,
            c.sentence,
            c.offset,
            t.table if t else None,
            t.row_label if t else None,
            t.col_label if t else None,
            v.table_value,
            v.status,
            v.note,
        )


def judge_count(s: Subject, c: Claim, sentence_counts: tuple[float, ...], out: Collector) -> Judged:
    """A count against the cells it may quote: match, mismatch, or unmatched (never a false alarm).

    ``sentence_counts``: the values of every count of its sentence, itself included."""
    cands, why = candidates(c, s.grids.fmt)
    if not cands:
        return Judged(c, Verdict("unmatched", why))
    values = []
    for i, t in enumerate(cands):
        v, bad_cells = t.value(s.grids)
        if v is not None and abs(v - c.value) < 1e-9:  # type: ignore[operator]
            out.result(s.report_id, "claim.count", "pass")
            note = "" if i == 0 else f"matched the alternative reading {t.row_label}"
            return Judged(c, Verdict("match", note, t, v), t)
        values.append((t, v, bad_cells))
    t0, v0, _ = values[0]
    bad = [b for _, v, bb in values if v is None for b in bb]
    derived = ""
    if bad and c.strong:  # a blank total whose parts are all numbers is compared as their sum
        sums = [t.derived_value(s.grids) if v is None else None for t, v, _ in values]
        for i, ((t, _, _), d) in enumerate(zip(values, sums, strict=True)):
            if d is None:
                continue
            if abs(d[0] - c.value) < 1e-9:  # type: ignore[operator]
                out.result(s.report_id, "claim.count", "pass")
                return Judged(c, Verdict("match", d[1], t, d[0]), t)
            if i == 0:
                t0, v0, derived = t, d[0], d[1]
        if derived and all(v is not None or d is not None for (_, v, _), d in zip(values, sums, strict=True)):
            bad = []
    if not c.strong:
        why = "weak reading (keyword inherited or ambiguous); no candidate cell equals it"
        return Judged(c, Verdict("unmatched", why, t0, v0))
    if bad:
        out.result(
            s.report_id,
            "claim.count",
            "not_assessable",
            table=t0.table,
            row=t0.row_label,
            column=t0.col_label,
            message=f"stated {fmt_number(c.value)}{c.unit}: {t0.describe()} cannot be summed (not a number)",
            evidence=c.evidence + " | cells: " + ", ".join(f"{r}/{k}" for r, k in bad),
        )
        return Judged(c, Verdict("unmatched", "a candidate cell is not a number", t0, v0))
    adding = _adds_up(c, sentence_counts, v0)  # type: ignore[arg-type]
    if adding:
        note = f"{adding} = {fmt_number(v0)}: figures of the same sentence add up to the cell; not a disagreement"
        return Judged(c, Verdict("unmatched", note, t0, v0))
    out.result(
        s.report_id,
        "claim.count",
        "fail",
        table=t0.table,
        row=t0.row_label,
        column=t0.col_label,
        expected=v0,
        actual=c.value,
        message=f"narrative states {fmt_number(c.value)}{c.unit} but {t0.describe()} = {fmt_number(v0)}"
        + (f" ({derived})" if derived else ""),
        evidence=c.evidence + (f" | {derived}" if derived else ""),
    )
    return Judged(c, Verdict("mismatch", derived, t0, v0), t0)


def _adds_up(c: Claim, sentence_counts: tuple[float, ...], cell: float) -> str:
    """``393 + 77`` when the claim and up to three other counts of its sentence sum to ``cell``, else ""."""
    others = list(sentence_counts)
    if c.value in others:
        others.remove(c.value)
    for n in range(1, min(3, len(others)) + 1):
        for combo in combinations(others, n):
            if abs(c.value + sum(combo) - cell) < 1e-9:  # type: ignore[operator]
                return " + ".join(fmt_number(x) for x in (c.value, *combo))
    return ""


def judge_share(s: Subject, j: Judged, out: Collector, of: Judged | None = None) -> Judged:
    """A share against the count it is of (``of``, already judged) and the totals it may be taken of."""
    c = j.claim
    if of is None or of.read_as is None:
        return Judged(c, Verdict("unmatched", "the count this share is of was not matched to a cell"))
    target = of.read_as
    bases = share_bases(target, s.grids.fmt)
    if not bases:
        return Judged(c, Verdict("unmatched", "no base total known for this share", target))
    num = of.claim.value
    readings: list[tuple[Target, float, str | None]] = []
    na = []
    for b in bases:
        v, bad = b.value(s.grids)
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
        note = f"{fmt_number(num)} of {b.row_label}/{b.col_label} = {share:.{c.decimals + 3}f}%"
        out.result(s.report_id, "claim.share", "pass")
        if kind == "round":
            out.result(s.report_id, "claim.pct_truncated", "pass")
        else:
            out.result(
                s.report_id,
                "claim.pct_truncated",
                "fail",
                table=target.table,
                row=target.row_label,
                column=target.col_label,
                expected=round(share, c.decimals),
                actual=c.value,
                message=f"stated {fmt_number(c.value)}% is {note} truncated, not rounded "
                f"({round(share, c.decimals):.{c.decimals}f}%)",
                evidence=c.evidence,
            )
        verdict = Verdict(
            "match", note + ("" if kind == "round" else "; truncated"), target, round(share, c.decimals + 3)
        )
        return Judged(c, verdict)
    if not readings or na:
        out.result(
            s.report_id,
            "claim.share",
            "not_assessable",
            table=target.table,
            row=target.row_label,
            column=target.col_label,
            message=f"stated {fmt_number(c.value)}%: base total not available",
            evidence=c.evidence + (" | cells: " + ", ".join(f"{r}/{k}" for r, k in na) if na else ""),
        )
        return Judged(c, Verdict("unmatched", "base total not a number or zero", target))
    b, share, _ = readings[0]
    out.result(
        s.report_id,
        "claim.share",
        "fail",
        table=target.table,
        row=target.row_label,
        column=target.col_label,
        expected=round(share, c.decimals),
        actual=c.value,
        message=(
            f"stated {fmt_number(c.value)}% of {fmt_number(num)} is neither rounded nor truncated "
            f"{fmt_number(num)}/{b.row_label}/{b.col_label} = {share:.{c.decimals + 3}f}%"
        ),
        evidence=c.evidence,
    )
    note = f"{fmt_number(num)} of {b.row_label}/{b.col_label} = {share:.{c.decimals + 3}f}%"
    return Judged(c, Verdict("mismatch", note, target, round(share, c.decimals + 3)))


def _yoy_target(c: Claim, subject: Judged | None, fmt: str | None) -> Target | None:
    """The cell a year-on-year claim is about: its count's cell, or the first reading of its subject."""
    if subject is not None:
        if subject.read_as is not None:
            return subject.read_as
        if not subject.claim.strong:
            return None
        cands, _ = candidates(subject.claim, fmt)
        return cands[0] if cands else None
    if c.subject is not None and c.subject.domain is not None:
        cands, _ = candidates(c.subject, fmt)
        return cands[0] if cands else None
    return None


def judge_narrative(s: Subject, sections: dict[str, str], out: Collector) -> list[Judged]:
    """Extract and judge counts and shares; every claim in reading order (YoY ones still to be judged)."""
    claims = extract_claims(sections)
    counts: dict[tuple[str, str], list[float]] = {}
    for c in claims:
        if c.kind == "count":
            counts.setdefault((c.section, c.sentence), []).append(c.value)  # type: ignore[arg-type]
    by_sentence = {k: tuple(v) for k, v in counts.items()}
    done: dict[int, Judged] = {}
    judged: list[Judged] = []
    for c in claims:
        if c.kind == "count":
            j = judge_count(s, c, by_sentence[(c.section, c.sentence)], out)
        else:
            j = Judged(c)
        if c.kind == "share":
            j = judge_share(s, j, out, done.get(id(c.subject)) if c.subject is not None else None)
        done[id(c)] = j
        judged.append(j)
    return [
        Judged(j.claim, j.verdict, _yoy_target(j.claim, done.get(id(j.claim.subject)), s.grids.fmt))
        if j.claim.kind == "yoy" and j.claim.subject is not None
        else j
        for j in judged
    ]
