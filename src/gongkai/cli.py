"""Command line: ``gongkai build``, ``gongkai parse`` and ``gongkai check``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gongkai.dataset.build import BuildResult, build
from gongkai.dataset.manifest import load_manifest_file
from gongkai.publish.cli import add_audit_subcommand


def _listed(title: str, names: list[str], total: int) -> list[str]:
    if not total:
        return []
    more = f" (the first {len(names)} shown; all in reports.csv)" if total > len(names) else ""
    return [f"  {title}: {total}{more}", *(f"    {n}" for n in names)]


def _summary(result: BuildResult, out_dir: Path) -> str:
    s = result.summary
    cached = f" ({s.cache_hits} from the parse cache)" if s.cache_hits else ""
    if result.up_to_date:
        cached = " (nothing changed since the build that wrote it: the tables were left as they are)"
    lines = [f"{s.n_reports} files parsed{cached} → {out_dir}"]
    for col in ("status", "format", "layout"):
        counts = sorted(getattr(s, col).items())
        lines.append(f"  {col:<7} " + ", ".join(f"{k}: {v}" for k, v in counts))
    lines.append("  parse issues: " + ", ".join(f"{k}: {s.severities.get(k, 0)}" for k in ("error", "warning", "info")))
    lines.append(
        "  audit: "
        + ", ".join(f"{k} failures: {s.failures.get(k, 0)}" for k in ("error", "warning", "info"))
        + f", not assessable: {s.not_assessable}"
    )
    if s.unresolved_issuers:
        lines.append("  issuers without a region: " + ", ".join(s.unresolved_issuers))
    lines += [f"  {line}" for line in s.manifest_lines]
    lines += s.judgement_lines
    not_ok = [f"{status:<8}{rid}: {message}" for status, rid, message in s.not_ok]
    lines += _listed("reports with errors (status failed or partial)", not_ok, s.n_not_ok)
    lines += _listed("reports with no issuer (no series, no region)", s.no_issuer, s.n_no_issuer)
    lines += _listed("reports with no year (no series)", s.no_year, s.n_no_year)
    return "\n".join(lines)


def cmd_build(args: argparse.Namespace) -> int:
    from gongkai.staging import FolderLocked

    raw, out = Path(args.raw_dir), Path(args.out_dir)
    if not raw.is_dir():
        print(f"error: {raw} is not a folder", file=sys.stderr)
        return 2
    if args.jobs is not None and args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return 2
    cache: Path | bool | None = None if args.no_cache else (Path(args.cache) if args.cache else True)
    try:
        result = build(raw, out, jobs=args.jobs, scheduler=args.scheduler, cache_dir=cache, progress=not args.quiet)
    except FolderLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except (OSError, RuntimeError) as exc:  # an unreachable or mismatched cluster, an unwritable folder
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
    b = sub.add_parser(
        "build",
        help="parse every file under RAW_DIR into tables in OUT_DIR",
        description="Parse and audit every report under RAW_DIR (recursively; manifest.csv and hidden files "
        "excepted) and write the tables (reports, table2-4, parse_issues, findings, claims, checks) to OUT_DIR "
        "as Parquet and CSV. OUT_DIR is replaced as a whole when the build succeeds, and one build at a time "
        "may write it. Files whose bytes, manifest row and parser are unchanged since a previous build are "
        "taken from the parse cache.",
    )
    b.add_argument(
        "raw_dir",
        nargs="?",
        default="data/raw",
        metavar="RAW_DIR",
        help="folder of raw reports, with an optional manifest.csv (default: %(default)s)",
    )
    b.add_argument(
        "out_dir",
        nargs="?",
        default="data/processed",
        metavar="OUT_DIR",
        help="folder the tables are written to (default: %(default)s)",
    )
    b.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="worker processes that parse files (default: the machine's cores, here "
        f"{os.cpu_count() or 1}); the output is the same for every N",
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="send the per-file work to the Dask cluster of this scheduler (tcp://host:8786) instead "
        "of local processes; RAW_DIR must be readable by the workers at the same path",
    )
    b.add_argument("--cache", metavar="DIR", help="parse cache folder (default: interim/gongkai-cache beside OUT_DIR)")
    b.add_argument("--no-cache", action="store_true", help="parse every file again and store nothing")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
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
