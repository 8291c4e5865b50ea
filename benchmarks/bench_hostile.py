"""Work bounds for hostile inputs (issue 12 item 2): CPU time and peak memory of ``read_report`` per file.

Builds each hostile file of the issue in a temporary folder (HTML span and cell floods, deep nesting, a
text node over 10 MB, Word spans and a ZIP bomb, a 5,000-digit run in crawled text), plus every ordinary
file of the repo (seeds, fixtures), and reads each in a fresh Python process, so that its peak RSS is its
own. Prints one line per file: size, CPU seconds and peak RSS in MB (best of ``--repeat`` processes, each
reading the file once, so no cache is warm), status.

    .venv/bin/python benchmarks/bench_hostile.py [--repeat 3] [--src OTHER_TREE/src]

``--src`` measures another tree (e.g. main) on the same files.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gongkai.synthetic import random_tables, render  # noqa: E402

CHILD = """
import json, resource, sys, time
from gongkai import read_report
best, report = None, None
for _ in range(int(sys.argv[2])):
    t = time.process_time()
    report = read_report(sys.argv[1])
    spent = time.process_time() - t
    best = spent if best is None else min(best, spent)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu": best, "rss": peak, "status": report.status}))
"""


def _docx_edit(source: Path, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def hostile_files(folder: Path) -> list[Path]:
    """The hostile inputs of issue 12, written to ``folder``."""
    rng = random.Random(3)
    tables = random_tables(rng, "2021", blank_rate=0.0, dash_rate=0.0, consistent=True)
    html = render(tables, "html_table", issuer="某县人民政府", year=2024, rng=rng)
    at = html.index("<table", html.index("三、"))
    seed_docx = ROOT / "tests" / "fixtures" / "seed_003.docx"
    files: dict[str, bytes | str] = {
        "html_ordinary.html": html,
        "html_spans_50x200x200.html": html[:at]
        + "<table>"
        + '<tr><td rowspan="200" colspan="200">1</td></tr>' * 50
        + "</table>"
        + html[at:],
        "html_100k_td_one_row.html": html[:at] + "<table><tr>" + "<td>1</td>" * 100_000 + "</tr></table>" + html[at:],
        "html_100k_td_ragged.html": html[:at]
        + "<table><tr>"
        + "<td>1</td>" * 50_000
        + "</tr>"
        + "<tr><td>1</td></tr>" * 50_000
        + "</table>"
        + html[at:],
        "html_nested_5000.html": html[:at] + "<span>" * 5000 + html[at:],
        "html_text_node_11MB.html": "<html><body><p>" + "好" * 11_000_000 + "</p></body></html>",
        "docx_gridspan_abc.docx": _docx_edit(
            seed_docx, lambda x: x.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="abc"/>', 1)
        ),
        "docx_gridspan_huge.docx": _docx_edit(
            seed_docx, lambda x: x.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="1000000"/>')
        ),
    }
    bomb = io.BytesIO()  # word/document.xml itself unpacks to 2.8 GB: whitespace after <w:body>, streamed
    with zipfile.ZipFile(seed_docx) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != "word/document.xml":
                dst.writestr(item, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with dst.open(item.filename, "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                chunk = b" " * 10_000_000
                for _ in range(280):
                    part.write(chunk)
                part.write(tail)
    files["docx_zip_bomb_2.8GB.docx"] = bomb.getvalue()
    crawl = (ROOT / "tests" / "fixtures" / "crawl" / "pingtan_2023_crawl.txt").read_text(encoding="utf-8")
    cut = crawl.index("（一）予以公开") + len("（一）予以公开")
    run = re.match(r"\d+", crawl[cut:])
    files["crawl_5000_digits.txt"] = crawl[:cut] + "1" * 5000 + crawl[cut + (run.end() if run else 0) :]
    paths = []
    for name, content in files.items():
        path = folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        paths.append(path)
    return paths


def ordinary_files() -> list[Path]:
    """Every report file of the repo under 1 MB: the seeds and the test fixtures."""
    found = [*sorted((ROOT / "data" / "raw").glob("*.txt"))]
    for suffix in ("docx", "pdf", "html", "txt"):
        found += sorted((ROOT / "tests" / "fixtures").rglob(f"*.{suffix}"))
    return [p for p in found if p.stat().st_size < 1_000_000]


def measure(path: Path, src: Path, repeat: int) -> dict:
    """Best CPU time and peak RSS over ``repeat`` fresh processes (a first read each: no warm caches)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), "1"], capture_output=True, text=True, env=env, timeout=900
        )
        if done.returncode:
            return {"cpu": None, "rss": None, "status": f"crashed: {done.stderr.strip().splitlines()[-1][:100]}"}
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {"cpu": min(r["cpu"] for r in runs), "rss": min(r["rss"] for r in runs), "status": runs[-1]["status"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--ordinary", action="store_true", help="also every ordinary file of the repo")
    parser.add_argument("--skip", default=None, help="leave out files whose name matches this regex")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = hostile_files(Path(tmp)) + (ordinary_files() if args.ordinary else [])
        print(f"{'file':<40}{'bytes':>12}{'cpu s':>8}{'peak MB':>9}  status")
        for path in paths:
            if args.skip and re.search(args.skip, path.name):
                continue
            m = measure(path, args.src, args.repeat)
            cpu = f"{m['cpu']:.2f}" if m["cpu"] is not None else "-"
            rss = f"{m['rss']:.0f}" if m["rss"] is not None else "-"
            print(f"{path.name:<40}{path.stat().st_size:>12,}{cpu:>8}{rss:>9}  {m['status']}", flush=True)


if __name__ == "__main__":
    main()
