"""Parse and audit throughput on one core: synthetic reports per layout group, the seeds, office fixtures.

Run ``python benchmarks/bench_parse.py [--n 2000] [--layouts ...] [--tables] [--docx] [--pdf]``.
Reports are generated into a temporary folder first (not timed); then
``gongkai.read_report`` is timed over every file, and separately parse +
``gongkai.rules.audit_all`` over the parsed reports (``--tables``: and parse + audit +
the batch's tidy tables, as ``gongkai build`` makes them before writing). ``read_report``
keeps each table as records; its DataFrame is built on first access, which the
parse figure does not include (the build path never builds per-report frames). Both CPU time
(``time.process_time``, robust on a shared machine) and wall time are shown.
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus import TEXT_LAYOUTS, group_of, write_corpus

from gongkai import read_report
from gongkai.dataset.tables import all_tables
from gongkai.gc_spare import spare_collector
from gongkai.rules import audit_all
from gongkai.synthetic import LAYOUTS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"


@dataclass
class Timing:
    """CPU and wall seconds for ``count`` reports."""

    count: int
    cpu: float
    wall: float

    def rate(self) -> str:
        cpu = self.count / self.cpu if self.cpu else float("inf")
        wall = self.count / self.wall if self.wall else float("inf")
        return f"{cpu:8.0f}/s cpu {wall:8.0f}/s wall"


REPEAT = 5  # --repeat: each measurement is the best of this many runs


def timed(fn: Callable[[], object], count: int) -> Timing:
    """Run ``fn`` ``REPEAT`` times and keep the fastest run (CPU time), as timeit does.

    Each run starts from a collected heap, so that no run pays for a full collection
    of the garbage (or the unfrozen reports) an earlier run left behind.
    """
    best: Timing | None = None
    for _ in range(REPEAT):
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        run = Timing(count, time.process_time() - c0, time.perf_counter() - w0)
        best = run if best is None or run.cpu < best.cpu else best
    assert best is not None
    return best


KEEP_GC = False  # --keep-gc: parse without gongkai.gc_spare.spare_collector
WITH_TABLES = False  # --tables: also time parse + audit + the batch's tidy tables


def parse_all(paths: Sequence[Path]) -> list:
    """Parse every path, sparing the garbage collector the parsed reports as ``gongkai build`` does."""
    if KEEP_GC:
        return [read_report(p) for p in paths]
    out = []
    with spare_collector() as parsed:
        for p in paths:
            out.append(read_report(p))
            parsed()
    return out


def parse_and_audit(paths: Sequence[Path]) -> None:
    audit_all(parse_all(paths))


def parse_audit_tables(paths: Sequence[Path]) -> None:
    """What ``gongkai build`` does before writing: parse, audit, and the tidy tables of the batch."""
    reports = parse_all(paths)
    audit_all(reports)
    all_tables(reports)


def bench_files(label: str, paths: Sequence[Path], repeat: int = 1) -> None:
    """Print parse-only, parse+audit and parse+audit+tables rates over ``paths`` (each read ``repeat`` times)."""
    work = list(paths) * repeat
    parse = timed(lambda: parse_all(work), len(work))
    both = timed(lambda: parse_and_audit(work), len(work))
    line = f"{label:<22} {len(work):6d} reports  parse {parse.rate()}   parse+audit {both.rate()}"
    if WITH_TABLES:
        build = timed(lambda: parse_audit_tables(work), len(work))
        line += f"   +tables {build.rate()}"
    print(line)


def bench_synthetic(n: int, layouts: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        t0 = time.perf_counter()
        files = write_corpus(Path(tmp), n, layouts)
        print(f"generated {len(files)} synthetic reports in {time.perf_counter() - t0:.1f}s (not timed)")
        parse_all([p for _, p in files[: len(layouts)]])  # warm caches: templates, label tables, imports
        for layout in layouts:
            bench_files(layout, [p for lay, p in files if lay == layout])
        for group in ("text", "html"):
            paths = [p for lay, p in files if group_of(lay) == group]
            if paths:
                bench_files(f"[{group} layouts]", paths)
        bench_files("[all synthetic]", [p for _, p in files])


def bench_office(kind: str, repeat: int) -> None:
    paths = sorted(FIXTURES.glob(f"*.{kind}"))
    if not paths:
        print(f"no *.{kind} fixtures in {FIXTURES}")
        return
    parse_all(paths[:1])
    work = paths * repeat
    t = timed(lambda: parse_all(work), len(work))
    line = f"{kind:<22} {len(work):6d} reports  parse {t.rate()}"
    if kind == "pdf":
        import pdfplumber

        pages = sum(len(pdfplumber.open(p).pages) for p in paths) * repeat
        line += f"   {pages} pages: {pages / t.cpu:6.1f} pages/s cpu {pages / t.wall:6.1f} pages/s wall"
    print(line)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="synthetic reports to generate (default 2000)")
    ap.add_argument("--layouts", nargs="+", choices=LAYOUTS, default=list(LAYOUTS))
    ap.add_argument("--seed-repeat", type=int, default=40, help="times each seed in data/raw is parsed")
    ap.add_argument("--docx", action="store_true", help="also time the .docx fixtures")
    ap.add_argument("--pdf", action="store_true", help="also time the .pdf fixtures")
    ap.add_argument("--office-repeat", type=int, default=3, help="times each office fixture is parsed")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement, the fastest kept (default 5)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    ap.add_argument(
        "--keep-gc", action="store_true", help="parse without sparing the garbage collector (as before that change)"
    )
    ap.add_argument(
        "--tables",
        action="store_true",
        help="also time parse + audit + the tidy tables of the batch (what gongkai build does before writing)",
    )
    args = ap.parse_args(argv)
    global KEEP_GC, WITH_TABLES, REPEAT
    KEEP_GC = args.keep_gc
    REPEAT = max(1, args.repeat)
    WITH_TABLES = args.tables
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        print(f"pinned to CPU {cpu}")
    print(f"text layouts: {', '.join(lay for lay in args.layouts if lay in TEXT_LAYOUTS)}")
    if args.n:
        bench_synthetic(args.n, tuple(args.layouts))
    seeds = sorted(SEEDS.glob("*.txt"))
    if seeds and args.seed_repeat:
        parse_all(seeds)
        bench_files("[seeds data/raw]", seeds, args.seed_repeat)
    if args.docx:
        bench_office("docx", args.office_repeat)
    if args.pdf:
        bench_office("pdf", args.office_repeat)


if __name__ == "__main__":
    main()
