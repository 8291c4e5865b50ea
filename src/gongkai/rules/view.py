"""Plain-text rendering of one report's audit for the terminal (``gongkai check FILE``)."""

from __future__ import annotations

import textwrap

import pandas as pd

from gongkai.report import Report

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _num(x: object) -> str:
    return "" if x is None or pd.isna(x) else f"{float(x):.10g}"  # type: ignore[arg-type]


def _where(f: pd.Series) -> str:
    parts = [f"表{['', '', '二', '三', '四'][int(f['table'])]}" if not pd.isna(f["table"]) else ""]
    parts += [str(f[k]) for k in ("row", "column") if isinstance(f[k], str) and f[k]]
    return " ".join(p for p in parts if p)


def render(report: Report, result) -> str:
    """Header, failed findings by severity, not-assessable ones, then the narrative claims."""
    f, claims, checks = result.findings, result.claims, result.checks
    lines = [
        f"{report.report_id}  {report.issuer or '?'} {report.year or '?'}  format {report.format or '?'}"
        f"  parse status {report.status}",
        f"source: {report.source_file}",
    ]
    fails = f[f["status"] == "fail"].copy()
    na = f[f["status"] == "not_assessable"]
    counts = fails["severity"].value_counts()
    lines.append(
        "findings: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "info"))
        + f"; {len(na)} not assessable; "
        + f"{int(checks['n_pass'].sum())} checks passed"
    )
    if len(fails):
        fails["_o"] = fails["severity"].map(SEVERITY_ORDER)
        lines.append("")
        for _, x in fails.sort_values(["_o", "rule"], kind="stable").iterrows():
            lines.append(f"[{x['severity'].upper():7}] {x['rule']:22} {_where(x)}")
            lines.append(textwrap.indent(textwrap.fill(x["message"], 100), "    "))
            if x["evidence"]:
                lines.append(textwrap.indent(textwrap.shorten(x["evidence"], 300), "    evidence: "))
    if len(na):
        lines.append("")
        lines.append("not assessable:")
        for _, x in na.iterrows():
            lines.append(f"  {x['rule']:22} {_where(x)}: {x['message']}")
    if len(claims):
        st = claims["status"].value_counts()
        lines.append("")
        lines.append(
            f"narrative claims: {st.get('match', 0)} match, {st.get('mismatch', 0)} mismatch, "
            f"{st.get('unmatched', 0)} unmatched"
        )
        for _, c in claims.iterrows():
            cell = f"{c['matched_row']}/{c['matched_column']}" if isinstance(c["matched_row"], str) else "-"
            val = f"{_num(c['value'])}{c['unit'] or ''}"
            lines.append(
                f"  {c['status']:9} §{c['section']}@{c['offset']:<5} {c['kind']:5} {val:>9}  "
                f"{cell} = {_num(c['table_value'])}  {c['note']}".rstrip()
            )
    return "\n".join(lines)
