"""Time `gongkai audit --all` on a generated corpus of many regions, with 1 and with 2 jobs.

    python benchmarks/bench_render.py [--provinces 4] [--jobs 1 2]

The 5 sample issuers plus the issuers of 4 provinces (each 3 real prefectures of 3 counties),
generated and built with `gongkai build`. Prints seconds in total and per region notebook (amortised),
wall and CPU of the process tree. ``--sample K`` renders only K regions spread evenly over the generated
ones (each notebook still reads the whole corpus), to measure the per-notebook cost at a scale too large
to render in full.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from gongkai.analysis import sample
from gongkai.analysis.data import load_table
from gongkai.analysis.selection import find_region, list_regions
from gongkai.publish.cli import find_notebooks
from gongkai.publish.runner import plan_jobs, run_jobs


def _tree_cpu() -> float:
    """CPU seconds of this process and of its children that ended (workers, kernels)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=4, help="extra provinces (13 regions each)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--sample", type=int, default=0, help="render only this many regions, evenly spread")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_render_") as tmp:
        root = Path(tmp)
        processed = sample.build_sample(root, extra_provinces=args.provinces)
        regions_frame = list_regions(load_table(processed, "reports"))
        regions = [find_region(regions_frame, k) for k in regions_frame["key"]]
        n_reports = len(load_table(processed, "reports"))
        print(f"{len(regions)} regions, {n_reports} reports")
        if args.sample and args.sample < len(regions):
            step = len(regions) / args.sample
            regions = [regions[int(i * step)] for i in range(args.sample)]
            print(f"rendering a sample of {len(regions)} regions")
        for n_jobs in args.jobs:
            out = root / f"reports_{n_jobs}"
            jobs = plan_jobs(regions, processed, out, find_notebooks(), corpus=False)
            start, cpu0 = time.perf_counter(), _tree_cpu()
            results = run_jobs(jobs, n_jobs=n_jobs, timeout=args.timeout, progress=False)
            elapsed, cpu = time.perf_counter() - start, _tree_cpu() - cpu0
            failed = sum(not r.ok for r in results)
            print(
                f"jobs={n_jobs}: {elapsed:.1f} s for {len(jobs)} region notebooks, "
                f"{elapsed / len(jobs):.2f} s per notebook amortised, {failed} failed; "
                f"CPU {cpu:.1f} s ({cpu / len(jobs):.2f} s per notebook); load {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
