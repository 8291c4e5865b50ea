"""Rules across consecutive years of one issuer: carry-over, documents in force, copy-paste, YoY claims."""

from __future__ import annotations

from gongkai.rules.grids import ReportGrids
from gongkai.rules.narrative import Judged, Verdict
from gongkai.rules.results import Collector
from gongkai.rules.results import fmt_number as _fmt
from gongkai.rules.subject import Subject
from gongkai.rules.targets import pct_reading
from gongkai.templates import table3_columns

DOC_CATEGORIES = ("regulation", "normative_document")


def previous_year(s: Subject) -> tuple[str, ReportGrids] | None:
    """(report_id, grids) of the series' report of the year before, if in the corpus."""
    return s.other_year(s.year_before())


def _no_previous(s: Subject, rule: str, out: Collector) -> bool:
    """Record ``rule`` as not assessable when the series has no report of the year before."""
    if previous_year(s) is not None:
        return False
    why = (
        f"no {s.year - 1} report of series {s.series_id!r} in the corpus"
        if s.year is not None and s.series_id
        else "year or issuer unknown: no series"
    )
    out.result(s.report_id, rule, "not_assessable", message=why)
    return True


def carry_over(s: Subject, out: Collector) -> None:
    """Identity 5, per column: carried_over(N) = carried_forward(N-1)."""
    if _no_previous(s, "xy.carry_over", out):
        return
    report_id, cur, prev = s.report_id, s.grids, previous_year(s)[1]  # type: ignore[index]
    for col in (c.key for c in table3_columns()):
        a = cur.t3.value("carried_over", col)
        e = prev.t3.value("carried_forward", col)
        if a is None or e is None:
            out.result(
                report_id,
                "xy.carry_over",
                "not_assessable",
                table=3,
                row="carried_over",
                column=col,
                message=f"carried_over/{col} this year or carried_forward/{col} last year is not a number, "
                "or was cut from run-together digits by this very evidence (set aside)",
                evidence=f"this year {cur.t3.describe('carried_over', col)}; "
                f"last year {prev.t3.describe('carried_forward', col)}",
            )
        elif abs(a - e) > 1e-9:
            out.result(
                report_id,
                "xy.carry_over",
                "fail",
                table=3,
                row="carried_over",
                column=col,
                expected=e,
                actual=a,
                message=f"上年结转 {col} = {_fmt(a)} but last year's 结转下年度继续办理 = {_fmt(e)}"
                f" (difference {_fmt(a - e)})",
                evidence=f"this year {cur.t3.describe('carried_over', col)}; "
                f"last year {prev.t3.describe('carried_forward', col)}",
            )
        else:
            out.result(report_id, "xy.carry_over", "pass")


def _docs_evidence(cat: str, cur: ReportGrids, prev: ReportGrids) -> str:
    return (
        f"last year {prev.t2.describe(cat, 'in_force')}; this year {cur.t2.describe(cat, 'issued')}, "
        f"{cur.t2.describe(cat, 'repealed')}, {cur.t2.describe(cat, 'in_force')}"
    )


def docs_in_force(s: Subject, out: Collector) -> None:
    """Identity 6 (warning): in_force(N) = in_force(N-1) + issued(N) - repealed(N)."""
    if _no_previous(s, "xy.docs_in_force", out):
        return
    report_id, cur, prev = s.report_id, s.grids, previous_year(s)[1]  # type: ignore[index]
    for cat in DOC_CATEGORIES:
        a = cur.t2.value(cat, "in_force")
        parts = (prev.t2.value(cat, "in_force"), cur.t2.value(cat, "issued"), cur.t2.value(cat, "repealed"))
        if a is None or any(p is None for p in parts):
            out.result(
                report_id,
                "xy.docs_in_force",
                "not_assessable",
                table=2,
                row=cat,
                column="in_force",
                message=f"{cat}: a needed cell is not a number (2019 format has no 现行有效件数)",
                evidence=_docs_evidence(cat, cur, prev),
            )
            continue
        e = parts[0] + parts[1] - parts[2]  # type: ignore[operator]
        if abs(a - e) > 1e-9:
            out.result(
                report_id,
                "xy.docs_in_force",
                "fail",
                table=2,
                row=cat,
                column="in_force",
                expected=e,
                actual=a,
                message=f"{cat} 现行有效 = {_fmt(a)} but last year's {_fmt(parts[0])} + 制发 {_fmt(parts[1])}"
                f" - 废止 {_fmt(parts[2])} = {_fmt(e)} (difference {_fmt(a - e)})",
                evidence=_docs_evidence(cat, cur, prev),
            )
        else:
            out.result(report_id, "xy.docs_in_force", "pass")


def copy_paste(s: Subject, out: Collector) -> None:
    """Tables identical to last year's (and not all zero) look copied."""
    if _no_previous(s, "sanity.copy_paste", out):
        return
    report_id, cur, (prev_id, prev) = s.report_id, s.grids, previous_year(s)  # type: ignore[misc]
    same = all(cur.grid(t).same_numbers(prev.grid(t)) for t in (2, 3, 4))
    nonzero = same and any(((cur.grid(t).status == 0) & (cur.grid(t).values != 0)).any() for t in (2, 3, 4))
    if same and nonzero:
        out.result(
            report_id,
            "sanity.copy_paste",
            "fail",
            message=f"tables 2, 3 and 4 are identical to the previous year's report {prev_id}",
            evidence=f"previous report {prev_id}",
        )
    else:
        out.result(report_id, "sanity.copy_paste", "pass")


def judge_yoy(s: Subject, j: Judged, out: Collector) -> Judged:
    """A year-on-year claim against the same cell of the series' report of the year it names (else the
    year before)."""
    c, t = j.claim, j.read_as
    ref_year = c.ref_year or s.year_before()
    ref = s.other_year(ref_year) if s.series_id is not None else None

    def verdict(status: str, note: str, value: float | None = None) -> Judged:
        return Judged(c, Verdict(status, note, t, value), t)

    if ref is None:
        out.result(
            s.report_id,
            "claim.yoy",
            "not_assessable",
            table=t.table if t else None,
            row=t.row_label if t else None,
            column=t.col_label if t else None,
            message=f"year-on-year claim needs the {ref_year or 0} report of the same issuer, not in the corpus",
            evidence=c.evidence,
        )
        return verdict("unmatched", f"no {ref_year or 0} report of this issuer in the corpus")
    prev = ref[1]
    if t is None or c.unit == "个百分点":
        return verdict("unmatched", "could not tell which figure the change is about")
    subj_value = c.subject.value if c.subject is not None and c.subject.kind == "count" else None
    p, bad = t.value(prev)
    if subj_value is None:
        subj_value = t.value(s.grids)[0]
    if p is None or subj_value is None:
        out.result(
            s.report_id,
            "claim.yoy",
            "not_assessable",
            table=t.table,
            row=t.row_label,
            column=t.col_label,
            message="year-on-year claim: previous or current value is not a number",
            evidence=c.evidence + " | " + ", ".join(f"{r}/{k}" for r, k in bad),
        )
        return verdict("unmatched", "previous or current value is not a number")
    delta = subj_value - p
    sign = (delta > 0) - (delta < 0)
    if c.value is None or c.direction == 0:
        ok = sign == c.direction
        computed = delta
        reading = "direction"
    elif c.unit == "件":
        computed = delta
        ok = abs(delta - c.direction * c.value) < 1e-9  # type: ignore[operator]
        reading = "count"
    else:
        if p == 0:
            out.result(
                s.report_id,
                "claim.yoy",
                "not_assessable",
                table=t.table,
                row=t.row_label,
                column=t.col_label,
                message="previous year's value is 0",
                evidence=c.evidence,
            )
            return verdict("unmatched", "previous value is 0: no percentage change")
        computed = 100.0 * delta / p
        r = pct_reading(c.value, c.decimals, abs(computed)) if sign == c.direction else None
        ok = r is not None
        reading = r or "none"
    note = f"previous {_fmt(p)}, current {_fmt(subj_value)}, change {_fmt(computed)}"
    if ok:
        out.result(s.report_id, "claim.yoy", "pass")
        if reading == "trunc":
            out.result(
                s.report_id,
                "claim.pct_truncated",
                "fail",
                table=t.table,
                row=t.row_label,
                column=t.col_label,
                expected=round(abs(computed), c.decimals),
                actual=c.value,
                message=f"stated change {_fmt(c.value)}% is truncated, not rounded ({note})",
                evidence=c.evidence,
            )
        elif reading == "round":
            out.result(s.report_id, "claim.pct_truncated", "pass")
        return verdict("match", note + ("; truncated" if reading == "trunc" else ""), computed)
    out.result(
        s.report_id,
        "claim.yoy",
        "fail",
        table=t.table,
        row=t.row_label,
        column=t.col_label,
        expected=computed,
        actual=(c.direction or 0) * (c.value if c.value is not None else 1),
        message=f"stated change {'+' if c.direction > 0 else '-' if c.direction < 0 else '±'}"  # type: ignore[operator]
        f"{_fmt(c.value) if c.value is not None else ''}{c.unit or ''} but {note}",
        evidence=c.evidence,
    )
    return verdict("mismatch", note, computed)


SERIES_RULES = (carry_over, docs_in_force, copy_paste)  # in this order for every report
