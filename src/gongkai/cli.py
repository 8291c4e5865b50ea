"""Command line: ``gongkai build``, ``gongkai parse`` and ``gongkai check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gongkai.dataset.build import BuildResult, build
from gongkai.dataset.manifest import load_manifest_file
from gongkai.publish.cli import add_audit_subcommand
from gongkai.review import summary_lines


def _summary(result: BuildResult, out_dir: Path) -> str:
    reports = result.tables["reports"]
    issues = result.tables["parse_issues"]
    lines = [f"{len(reports)} files parsed → {out_dir}"]
    for col in ("status", "format", "layout"):
        counts = reports[col].fillna("—").value_counts().sort_index()
        lines.append(f"  {col:<7} " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    sev = issues["severity"].value_counts()
    lines.append("  parse issues: " + ", ".join(f"{k}: {sev.get(k, 0)}" for k in ("error", "warning", "info")))
    if "findings" in result.tables:
        f = result.tables["findings"]
        fails = f[f["status"] == "fail"]["severity"].value_counts()
        lines.append(
            "  audit: "
            + ", ".join(f"{k} failures: {fails.get(k, 0)}" for k in ("error", "warning", "info"))
            + f", not assessable: {(f['status'] == 'not_assessable').sum()}"
        )
        unresolved = reports[reports["division_code"].isna() & reports["issuer"].notna()]["issuer"].unique()
        if len(unresolved):
            lines.append("  issuers without a region: " + ", ".join(unresolved))
    lines += [f"  {p}" for p in result.manifest_problems]
    lines += summary_lines(result.tables)
    bad = reports[reports["status"] != "ok"]
    for _, r in bad.iterrows():
        lines.append(f"  {r['status']:<8}{r['report_id']}: {r['message']}")
    return "\n".join(lines)


def cmd_build(args: argparse.Namespace) -> int:
    raw, out = Path(args.raw_dir), Path(args.out_dir)
    if not raw.is_dir():
        print(f"error: {raw} is not a folder", file=sys.stderr)
        return 2
    result = build(raw, out)
    print(_summary(result, out))
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from gongkai import read_report

    report = read_report(args.file)
    print(
        f"{report.report_id}: {report.title}\n  issuer {report.issuer}, year {report.year}, "
        f"published {report.published}, format {report.format}, layout {report.layout}, status {report.status}"
    )
    t3 = report.table3.pivot(index="row", columns="applicant", values="value")
    print(t3.reindex(index=report.table3["row"].unique(), columns=report.table3["applicant"].unique()).to_string())
    print(report.table4.set_index(["proceeding", "outcome"])["value"].unstack().to_string())
    for issue in report.issues:
        print(f"  {issue.severity:<8}[{issue.section}] line {issue.source_line or '-'}: {issue.message}")
    return 0 if report.status != "failed" else 1


def cmd_check(args: argparse.Namespace) -> int:
    """Audit one report and print its findings; exit 1 when an error-severity rule fails."""
    from gongkai import read_report
    from gongkai.rules import audit_all, format_findings

    report = read_report(args.file)
    manifest = Path(args.manifest) if args.manifest else Path(args.file).parent / "manifest.csv"
    entries = None
    if manifest.is_file():
        frame, problems = load_manifest_file(manifest)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        entries = frame.reset_index() if len(frame) else None
    result = audit_all([report], entries)
    print(format_findings(report, result))
    f = result.findings
    return 1 if ((f["status"] == "fail") & (f["severity"] == "error")).any() else 0


def cmd_review(args: argparse.Namespace) -> int:
    """List one report's findings with the reviews.csv line of each (and, with --cells, its cells)."""
    from gongkai.analysis.review_listing import build_listing, render_listing

    file = Path(args.file)
    raw = Path(args.raw_dir) if args.raw_dir else file.parent
    if not file.is_file():
        print(f"error: {file} is not a file", file=sys.stderr)
        return 2
    if not file.resolve().is_relative_to(raw.resolve()):
        print(f"error: {file} is not inside the raw folder {raw}", file=sys.stderr)
        return 2
    print(render_listing(build_listing(file, raw, Path(args.processed)), cells=args.cells))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gongkai", description="Parse and audit 政府信息公开工作年度报告.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse every file under RAW_DIR into tables in OUT_DIR")
    b.add_argument("raw_dir", nargs="?", default="data/raw")
    b.add_argument("out_dir", nargs="?", default="data/processed")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("parse", help="parse one file and print its tables and issues")
    s.add_argument("file")
    s.set_defaults(func=cmd_parse)
    c = sub.add_parser("check", help="audit one file and print its findings")
    c.add_argument("file")
    c.add_argument("--manifest", help="manifest.csv with series_id overrides (default: beside FILE)")
    c.set_defaults(func=cmd_check)
    v = sub.add_parser("review", help="list one file's findings with the lines to paste into reviews.csv")
    v.add_argument("file")
    v.add_argument("--raw-dir", help="the raw folder holding reviews.csv and corrections.csv (default: FILE's)")
    v.add_argument("--processed", default="data/processed", help="the build's tables (default data/processed)")
    v.add_argument("--cells", action="store_true", help="also list every cell with its corrections.csv line")
    v.set_defaults(func=cmd_review)
    add_audit_subcommand(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
