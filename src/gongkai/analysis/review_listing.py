"""``gongkai review FILE``: one report's findings with the reviews.csv line to paste for each.

The terminal view; reading and applying the two files is ``gongkai.review``.

The findings are those of the last ``gongkai build`` when the processed tables
hold this report unchanged (same sha256): cross-year rules need the other years,
so only the build's findings are the ones reviews.csv is matched against.
Otherwise the report is audited alone, and the listing says so. With ``cells``,
every cell of tables 2–4 follows, as a corrections.csv line holding its value.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gongkai.analysis.data import load_table, processed_exists
from gongkai.dataset.build import parse_one
from gongkai.report import Report
from gongkai.review import Judgements
from gongkai.review.keys import KEY_FIELDS, printed_label
from gongkai.rules import audit_all


@dataclass
class Listing:
    report: Report
    findings: pd.DataFrame  # with review and review_note
    stale: pd.DataFrame
    source: str  # where the findings come from


def _csv_line(values: list[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(["" if v is None or pd.isna(v) else v for v in values])
    return buf.getvalue()


def _processed_findings(processed: Path | None, report: Report) -> pd.DataFrame | None:
    """The build's findings of this report, when the processed tables hold it as it is now."""
    if processed is None or not processed_exists(processed):
        return None
    reports = load_table(processed, "reports", report_ids=[report.report_id])
    if reports.empty or reports["sha256"].iloc[0] != report.sha256:
        return None
    findings = load_table(processed, "findings", report_ids=[report.report_id])
    return findings.drop(columns=["review", "review_note"])


def build_listing(file: Path, raw_dir: Path, processed: Path | None) -> Listing:
    """Parse (and correct) one report, find its findings, attach the verdicts of raw_dir/reviews.csv."""
    judgements = Judgements.read(raw_dir)
    report = parse_one(file, file.resolve().relative_to(raw_dir.resolve()).as_posix())
    [report] = judgements.correct([report])
    findings = _processed_findings(processed, report)
    source = f"the build in {processed}"
    if findings is None:
        manifest = raw_dir / "manifest.csv"
        findings = audit_all([report], manifest if manifest.is_file() else None).findings
        source = "this report audited alone (cross-year rules need `gongkai build`; rebuild before reviewing them)"
    tables = judgements.review(findings, [report.report_id])
    stale = tables["stale_reviews"]
    return Listing(report, tables["findings"], stale[stale["report_id"] == report.report_id], source)


def _where(table: object, row: object, column: object) -> str:
    """表三 （一）予以公开 × 自然人: the table and the cell's printed labels (keys without a label as they are)."""
    if table is None or pd.isna(table):  # type: ignore[arg-type]
        return ""
    t = int(table)  # type: ignore[call-overload]
    parts = [printed_label(t, axis, str(k)) for axis, k in enumerate((row, column)) if isinstance(k, str) and k]
    return f"表{'二三四'[t - 2]} " + " × ".join(parts)


def render_listing(listing: Listing, *, cells: bool = False) -> str:
    """The findings (each with its reviews.csv line), the stale reviews, and optionally every cell."""
    r, f = listing.report, listing.findings
    lines = [
        f"{r.report_id}  {r.issuer or '?'} {r.year or '?'}  format {r.format or '?'}  parse status {r.status}",
        f"{len(f)} findings, from {listing.source}",
        "",
        "reviews.csv lines (report_id,rule,table,row,column,verdict,note): fill in verdict "
        "(confirmed or dismissed) and note",
    ]
    for k, (_, x) in enumerate(f.iterrows(), 1):
        verdict = x["review"] if isinstance(x["review"], str) else "unreviewed"
        lines.append(
            f"[{k}] {x['status']} {x['severity']} {x['rule']}  {_where(*x[['table', 'row', 'column']])}  ({verdict})"
        )
        lines.append(f"    {x['message']}")
        note = x["review_note"] if isinstance(x["review_note"], str) else ""
        fill = [x["review"], note] if isinstance(x["review"], str) else [None, None]
        lines.append("    " + _csv_line([r.report_id, x["rule"], x["table"], x["row"], x["column"], *fill]))
    for _, s in listing.stale.iterrows():
        lines.append(f"stale: reviews.csv line {s['line']} ({s['rule']}): {s['reason']}")
    if cells:
        lines += ["", "corrections.csv lines (report_id,table,row,column,value,note): edit value, add a note"]
        for table in (2, 3, 4):
            frame = getattr(r, f"table{table}")
            a, b = KEY_FIELDS[table]
            for _, c in frame.iterrows():
                line = "-" if pd.isna(c["source_line"]) else c["source_line"]
                value = None if pd.isna(c["value"]) else f"{float(c['value']):.10g}"
                lines.append(f"  {_where(table, c[a], c[b])}: {c['cell_status']} '{c['raw']}', source line {line}")
                lines.append("    " + _csv_line([r.report_id, table, c[a], c[b], value, None]))
    else:
        lines += ["", "(--cells lists every cell with its corrections.csv line)"]
    return "\n".join(lines)
