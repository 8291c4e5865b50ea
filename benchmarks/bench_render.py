"""Time `gongkai audit --all` on a generated corpus of many regions, with 1 and with 2 jobs.

    python benchmarks/bench_render.py [--provinces 4] [--cities 3] [--counties 3] [--jobs 1 2]

The 5 sample issuers plus the issuers of 4 provinces (each 3 real prefectures of 3 counties; at most the
26 provinces that have that many prefectures), generated and built with `gongkai build`. About 1,000
regions: ``--provinces 77 --cities 9 --counties 4``. Prints seconds in total and per region notebook (amortised),
wall and CPU of the process tree. ``--sample K`` renders only K regions spread evenly over the generated
ones (each notebook still reads the whole corpus), to measure the per-notebook cost at a scale too large
to render in full; by default every region is rendered. Also printed: the peak memory of the process tree
(PSS and RSS summed over this process, the workers and their kernels, sampled every 0.5 s) and the size of the
rendered region pages (files and bytes under the output folder).
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from gongkai.analysis import sample
from gongkai.analysis.data import load_table
from gongkai.analysis.selection import find_region, list_regions
from gongkai.publish.cli import find_notebooks
from gongkai.publish.runner import plan_jobs, run_jobs

sys.path.insert(0, str(Path(__file__).parent))
from bench_build import _memory, _tree


def _tree_cpu() -> float:
    """CPU seconds of this process and of its children that ended (workers, kernels)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class PeakMemory:
    """Peak PSS and RSS (bytes) of this process's tree, sampled every ``period`` seconds while in use."""

    def __init__(self, period: float = 0.5) -> None:
        self.period, self.pss, self.rss = period, 0, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            pss, rss = _memory(_tree(os.getpid()))
            self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)
            self._done.wait(self.period)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def _size(folder: Path) -> tuple[int, int, str]:
    """Number of files and bytes under ``folder``, and the same per file suffix."""
    files = [f for f in folder.rglob("*") if f.is_file()]
    by_suffix: dict[str, list[int]] = {}
    for f in files:
        entry = by_suffix.setdefault(f.suffix or "(none)", [0, 0])
        entry[0] += 1
        entry[1] += f.stat().st_size
    detail = ", ".join(f"{k} {c} files {b / 2**20:.1f} MB" for k, (c, b) in sorted(by_suffix.items()))
    return len(files), sum(b for _, b in by_suffix.values()), detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=4, help="extra provinces (13 regions each by default)")
    parser.add_argument("--cities", type=int, default=3, help="prefectures per extra province")
    parser.add_argument("--counties", type=int, default=3, help="counties per prefecture")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--sample", type=int, default=0, help="render only this many regions, evenly spread")
    args = parser.parse_args()
    # write_raw reads extra_issuers from the module: the prefectures and counties per province set here
    sample.extra_issuers = functools.partial(sample.extra_issuers, cities=args.cities, counties=args.counties)
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
            load0 = os.getloadavg()[0]
            start, cpu0 = time.perf_counter(), _tree_cpu()
            with PeakMemory() as peak:
                results = run_jobs(jobs, n_jobs=n_jobs, timeout=args.timeout, progress=False)
            elapsed, cpu = time.perf_counter() - start, _tree_cpu() - cpu0
            failed = [r for r in results if not r.ok]
            n_files, n_bytes, detail = _size(out)
            print(
                f"jobs={n_jobs}: {elapsed:.1f} s for {len(jobs)} region notebooks, "
                f"{elapsed / len(jobs):.2f} s per notebook amortised, {len(failed)} failed; "
                f"CPU {cpu:.1f} s ({cpu / len(jobs):.2f} s per notebook); "
                f"peak PSS {peak.pss / 2**20:.0f} MB, RSS {peak.rss / 2**20:.0f} MB (tree); "
                f"site {n_files} files, {n_bytes / 2**20:.1f} MB ({detail}); "
                f"load {load0:.1f} at start, {os.getloadavg()[0]:.1f} at end",
                flush=True,
            )
            for r in failed[:10]:
                print(f"  failed: {r.job.key}: {r.error}", flush=True)


if __name__ == "__main__":
    main()
