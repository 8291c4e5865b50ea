"""``gongkai audit``: render the region audit notebooks, the overview and the index page.

Wire it into ``gongkai.cli`` with::

    from gongkai.publish.cli import add_audit_subcommand
    add_audit_subcommand(subparsers)   # sets args.func = run_audit
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_TIMEOUT = 300.0


def add_audit_subcommand(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``audit`` subcommand; its ``func`` default is :func:`run_audit`."""
    p = subparsers.add_parser("audit", help="render the audit notebooks of regions to HTML under reports/")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--region",
        action="append",
        metavar="NAME",
        help="a region name or path (山西省/晋城市); repeat for several",
    )
    which.add_argument("--all", action="store_true", help="every region that holds a report")
    p.add_argument("--processed", default="data/processed", type=Path, help="processed tables (default: %(default)s)")
    p.add_argument("--out", default="reports", type=Path, help="output folder (default: %(default)s)")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, help="notebooks run in parallel")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds allowed per cell")
    p.add_argument("--notebooks", type=Path, default=None, help="folder of the notebooks (default: notebooks/)")
    p.add_argument("--no-overview", action="store_true", help="do not render corpus_overview.ipynb")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_audit)
    return p


def find_notebooks(explicit: Path | None = None) -> Path:
    """The notebooks folder: as given, else ./notebooks, else the one of the source checkout."""
    import gongkai

    for cand in [explicit, Path("notebooks"), Path(gongkai.__file__).resolve().parents[2] / "notebooks"]:
        if cand is not None and (cand / "region_audit.ipynb").exists():
            return cand.resolve()
    raise FileNotFoundError("notebooks/region_audit.ipynb not found; pass --notebooks")


def _pages(summary: object, selectors: list[str] | None) -> tuple[list[object], list[str]]:
    """The page regions to render (nested regions with the same reports share one) and the errors."""
    from gongkai.analysis.selection import RegionNotFound, find_region

    keys = list(summary["key"]) if selectors is None else []  # type: ignore[index]
    errors = []
    for sel in selectors or []:
        try:
            keys.append(find_region(summary, sel).key)  # type: ignore[arg-type]
        except RegionNotFound as exc:
            errors.append(str(exc))
    page_of = dict(zip(summary["key"], summary["page_key"], strict=True))  # type: ignore[index]
    pages = list(dict.fromkeys(page_of[k] for k in keys))
    return [find_region(summary, k) for k in pages], errors  # type: ignore[arg-type]


def run_audit(args: argparse.Namespace) -> int:
    """Render the chosen regions (and the overview), write index.html; non-zero if any notebook failed
    or a region is unknown."""
    from gongkai.analysis.data import load_tables, processed_exists, resolve_processed
    from gongkai.analysis.overview import region_summary
    from gongkai.analysis.selection import report_path
    from gongkai.publish.html import write_assets
    from gongkai.publish.index import update_status, write_index
    from gongkai.publish.runner import plan_jobs, run_jobs, staged_site
    from gongkai.publish.sources import write_sources
    from gongkai.staging import FolderLocked

    processed = resolve_processed(args.processed)
    if not processed_exists(processed):
        print(
            f"no processed tables in {processed}: run `gongkai build data/raw {processed}` first",
            file=sys.stderr,
        )
        return 2
    tables = load_tables(processed, names=("reports", "table2", "table3", "table4", "findings", "stale_reviews"))
    reports, findings = tables.reports, tables.findings
    summary = region_summary(reports, findings)
    regions, unknown = _pages(summary, None if args.all else args.region)
    if unknown:
        for message in unknown:
            print(f"error: {message}", file=sys.stderr)
        return 2
    site = args.out.resolve()
    try:
        with staged_site(site) as out_dir:  # the site is replaced whole when rendering ends, never half-written
            write_assets(out_dir)
            write_sources(out_dir, reports, processed)
            jobs = plan_jobs(regions, processed, out_dir, find_notebooks(args.notebooks), corpus=not args.no_overview)
            results = run_jobs(jobs, n_jobs=max(1, args.jobs), timeout=args.timeout, progress=not args.quiet)
            status = update_status(out_dir, results)
            n_unplaced = int(sum(1 for _, r in reports.iterrows() if not report_path(r)))
            n_stale = len(tables.stale_reviews)  # issue 15: verdicts whose finding no longer exists
            written = write_index(out_dir, summary, status, tables, n_unplaced, processed, n_stale)
            index = site / written.relative_to(out_dir)
    except FolderLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"FAILED {r.job.key}: {r.error}", file=sys.stderr)
    print(audit_summary(summary, regions, status))
    print(f"open {index}")
    return 1 if failed else 0


def audit_summary(summary: object, regions: list[object], status: dict[str, dict[str, object]]) -> str:
    """One line per rendered region page: reports, problems by severity, and its file."""
    rows = summary.set_index("key")  # type: ignore[attr-defined]
    lines = [f"{len(regions)} region pages:"]
    for r in regions:
        row = rows.loc[r.key]  # type: ignore[attr-defined]
        entry = status.get(f"region:{r.key}", {})  # type: ignore[attr-defined]
        state = "FAILED" if entry.get("error") else entry.get("html", "")
        lines.append(
            f"  {r.key}: {int(row['n_reports'])} reports, {int(row['error'])} errors, "  # type: ignore[attr-defined]
            f"{int(row['warning'])} warnings, {int(row['info'])} notes  {state}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m gongkai.publish.cli audit …``) until gongkai.cli wires it."""
    parser = argparse.ArgumentParser(prog="gongkai")
    sub = parser.add_subparsers(dest="command", required=True)
    add_audit_subcommand(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
