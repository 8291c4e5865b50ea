"""PDF speed: pages per CPU second for ``read_report`` on PDFs, beside the extraction floor.

``python benchmarks/bench_pdf.py [PDF ...] [--repeat 5]`` (default: every PDF under tests/fixtures).
Two figures per run, both CPU time (``time.process_time``) on one core, best of ``--repeat``:

- ``read_report``: the whole PDF path (PDFium characters and ruling lines, table reconstruction,
  margins, page-break merges, sections, parse of tables 2–4);
- floor: PDFium's characters with their boxes and the ruling lines only
  (``gongkai.readers.pdf_pdfium.read_page`` on every page), which no reader built on it can beat;
- pdfplumber on pdfminer.six: its tables (``find_tables`` + ``extract``) and text lines on every
  page, what the reader did before it read through PDFium (``--no-pdfplumber`` skips it: it is slow).

Pin it to one core (``taskset -c 0``) and state the machine's load beside the figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path

from gongkai import read_report
from gongkai.readers.pdf_pdfium import open_pdf, read_page

ROOT = Path(__file__).resolve().parent.parent


def best_cpu(run: Callable[[], None], repeat: int) -> float:
    """Fewest CPU seconds of ``repeat`` runs, each from a collected heap."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def floor(paths: list[Path]) -> None:
    for path in paths:
        doc = open_pdf(path.read_bytes())
        for i in range(len(doc)):
            read_page(doc, i)
        doc.close()


def pdfplumber_extraction(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                for table in page.find_tables():
                    table.extract()
                page.extract_text_lines(strip=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-pdfplumber", action="store_true")
    args = parser.parse_args()
    paths = args.pdfs or sorted((ROOT / "tests" / "fixtures").rglob("*.pdf"))
    pages = 0
    for path in paths:
        doc = open_pdf(path.read_bytes())
        pages += len(doc)
        doc.close()
    read_report(paths[0])  # warm the caches and imports once
    full = best_cpu(lambda: [read_report(p) for p in paths], args.repeat)
    bare = best_cpu(lambda: floor(paths), args.repeat)
    print(f"{len(paths)} PDFs, {pages} pages; load average {os.getloadavg()[0]:.2f}")
    print(f"read_report: {full:.3f} CPU s, {pages / full:.0f} pages/s")
    print(f"floor (PDFium chars + ruling lines): {bare:.3f} CPU s, {pages / bare:.0f} pages/s")
    if not args.no_pdfplumber:
        old = best_cpu(lambda: pdfplumber_extraction(paths), max(1, args.repeat // 2))
        print(f"pdfplumber tables + text lines (the reader before): {old:.3f} CPU s, {pages / old:.0f} pages/s")


if __name__ == "__main__":
    main()
