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


def run_audit(args: argparse.Namespace) -> int:
    """Render the chosen regions (and the overview), write index.html; non-zero if any notebook failed."""
    from gongkai.analysis.data import load_table, processed_exists, resolve_processed
    from gongkai.analysis.overview import region_summary
    from gongkai.analysis.selection import RegionNotFound, find_region, report_path, unknown_region
    from gongkai.publish.index import review_counts, update_status, write_index
    from gongkai.publish.runner import plan_jobs, run_jobs, staged_site
    from gongkai.staging import FolderLocked

    processed = resolve_processed(args.processed)
    if not processed_exists(processed):
        print(
            f"no processed tables in {processed}: run `gongkai build data/raw {processed}` first",
            file=sys.stderr,
        )
        return 2
    reports = load_table(processed, "reports")
    findings = load_table(processed, "findings")
    summary = region_summary(reports, findings)
    if args.all:
        regions = [find_region(summary, k) for k in summary["key"]]
    else:
        regions = []
        for sel in args.region:
            try:
                regions.append(find_region(summary, sel))
            except RegionNotFound as exc:
                print(f"warning: {exc}; rendering an empty audit", file=sys.stderr)
                regions.append(unknown_region(sel))
    site = args.out.resolve()
    try:
        with staged_site(site) as out_dir:  # the site is replaced whole when rendering ends, never half-written
            jobs = plan_jobs(regions, processed, out_dir, find_notebooks(args.notebooks), corpus=not args.no_overview)
            results = run_jobs(jobs, n_jobs=max(1, args.jobs), timeout=args.timeout, progress=not args.quiet)
            status = update_status(out_dir, results)
            n_unplaced = int(sum(1 for _, r in reports.iterrows() if not report_path(r)))
            reviews = review_counts(reports, findings)  # issue 15: the researcher's verdicts per region
            n_stale = len(load_table(processed, "stale_reviews"))
            written = write_index(out_dir, summary, status, len(reports), n_unplaced, reviews, n_stale)
            index = site / written.relative_to(out_dir)
    except FolderLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"FAILED {r.job.key}: {r.error}", file=sys.stderr)
    print(index)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m gongkai.publish.cli audit …``) until gongkai.cli wires it."""
    parser = argparse.ArgumentParser(prog="gongkai")
    sub = parser.add_subparsers(dest="command", required=True)
    add_audit_subcommand(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
