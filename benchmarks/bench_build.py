"""Time ``gongkai build`` at scale: cold builds, unchanged and one-file-changed rebuilds, ``--jobs 1`` and ``2``.

    python benchmarks/bench_build.py --n 1000 --jobs 1 2 [--work DIR] [--no-nice]

The corpus is ``n`` distinct reports: generated text and HTML reports in every layout
(benchmarks/corpus.py), plus Word and PDF reports (5 %: 2 % PDF, 3 % Word), which are the test
fixtures made distinct by a trailing PDF comment or a Word core property, so their parse cost is
real while their content repeats. Each build runs as its own process (``gongkai build``), under
``nice`` unless ``--no-nice``. Reported per run: wall time, CPU time of the process tree (user +
system, workers included), the CPU time of the main process alone (its last 0.5 s sample, so at most
0.5 s short), reports/s (wall), and the peak memory of the process tree, sampled every
0.5 s as the sum of the processes' PSS (shared pages counted once) and of their RSS. The load
average of the machine is printed with each run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PDFS = ("seed_003.pdf", "edge_table3_page_break.pdf", "text_only_003.pdf", "huaian_2024.pdf")
DOCXS = ("seed_000.docx", "seed_003.docx", "seed_004.docx", "edge_vmerge_blank.docx")


def write_mixed_corpus(folder: Path, n: int, office: float = 0.05, seed: int = 0) -> None:
    """``n`` distinct reports: generated text/HTML, and ``office`` of them Word (3/5) and PDF (2/5)."""
    n_office = round(n * office)
    n_pdf = round(n_office * 2 / 5)
    n_docx = n_office - n_pdf
    write_corpus(folder / "generated", n - n_office, seed=seed)
    (folder / "pdf").mkdir(parents=True, exist_ok=True)
    for i in range(n_pdf):
        name = PDFS[i % len(PDFS)]
        data = (FIXTURES / name).read_bytes() + f"\n%gongkai-bench {seed} {i}\n".encode()
        (folder / "pdf" / f"{i:05d}_{name}").write_bytes(data)
    (folder / "docx").mkdir(parents=True, exist_ok=True)
    templates = {name: docx.Document(FIXTURES / name) for name in DOCXS}
    for i in range(n_docx):
        name = DOCXS[i % len(DOCXS)]
        document = templates[name]
        document.core_properties.title = f"gongkai-bench {seed} {i}"
        document.save(folder / "docx" / f"{i:05d}_{name}")


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """Sum of PSS and of RSS (bytes) of ``pids``."""
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return pss, rss


def _own_cpu(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` itself (not its children), or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


NICE = True  # --no-nice: run the builds at normal priority


def timed_build(args: list[str]) -> dict[str, float]:
    """Run ``gongkai build ARGS`` (niced unless --no-nice); wall, tree CPU and peak tree memory."""
    gongkai = Path(sys.executable).parent / "gongkai"
    start = time.perf_counter()
    cmd = [*(["nice"] if NICE else []), str(gongkai), "build", *args, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = [0, 0]
    main_cpu = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pss, rss = _memory(_tree(proc.pid))
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            own = _own_cpu(proc.pid)  # nice execs the build: the same pid
            if own is not None:
                main_cpu[0] = own
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {args}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "main": main_cpu[0], "pss": peak[0], "rss": peak[1]}


def _row(label: str, n: int, jobs: int, r: dict[str, float]) -> str:
    load = os.getloadavg()[0]
    return (
        f"| {n:,} | {jobs} | {label} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['main']:.1f} s | "
        f"{n / r['wall']:.0f} | {r['pss'] / 2**20:.0f} MB | {r['rss'] / 2**20:.0f} MB | {load:.1f} |"
    )


def bench(n: int, jobs_list: list[int], work: Path) -> None:
    raw = work / f"raw_{n}"
    if not raw.exists():  # written aside and renamed: an interrupted run leaves no half corpus to reuse
        t0 = time.perf_counter()
        partial = work / f".raw_{n}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        write_mixed_corpus(partial, n)
        partial.rename(raw)
        print(f"corpus of {n} reports written in {time.perf_counter() - t0:.0f} s", flush=True)
    print(
        "| reports | --jobs | run | wall | CPU (tree) | CPU (main) | reports/s "
        "| peak PSS (tree) | peak RSS (tree) | load |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for jobs in jobs_list:
        out, cache = work / f"out_{n}_{jobs}", work / f"cache_{n}_{jobs}"
        for old in (cache, out):  # an output left by an earlier run of the same inputs would be up to date
            shutil.rmtree(old, ignore_errors=True)
        common = [str(raw), str(out), "--jobs", str(jobs), "--cache", str(cache)]
        print(_row("cold", n, jobs, timed_build(common)), flush=True)
        print(_row("unchanged", n, jobs, timed_build(common)), flush=True)
        victim = sorted((raw / "generated").glob("*.txt"))[0]
        text = victim.read_text(encoding="utf-8")
        victim.write_text(text + f"\n附注：第{random.randint(1, 10**6)}次修改。\n", encoding="utf-8")
        print(_row("one file changed", n, jobs, timed_build(common)), flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, nargs="+", default=[1000])
    p.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    p.add_argument("--work", type=Path, default=None, help="folder for corpora, outputs and caches (kept)")
    p.add_argument("--no-nice", action="store_true", help="run the builds at normal priority")
    args = p.parse_args()
    global NICE
    NICE = not args.no_nice
    work = args.work or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder {work}; {os.cpu_count()} cores", flush=True)
    for n in args.n:
        bench(n, args.jobs, work)


if __name__ == "__main__":
    main()
