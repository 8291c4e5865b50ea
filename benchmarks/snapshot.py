"""Dump everything the parser and the audit produce, to check that a speed-up changed no behaviour.

Run ``python benchmarks/snapshot.py OUT.txt [--n 600] [--extra DIR ...]`` before and after a
change and ``diff`` the two files: reports (every field, every table cell with its dtype, every
issue) and the audit's findings, claims and checks are written as plain text in a stable order.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from corpus import write_corpus

from gongkai import Report, read_report
from gongkai.readers import supported_suffixes
from gongkai.rules import audit_all

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "data" / "raw", ROOT / "tests" / "fixtures")


def frame_text(name: str, df: pd.DataFrame) -> str:
    """A table with its dtypes, every cell shown by repr (so NaN, None and <NA> differ)."""
    head = f"{name} {df.columns!r} {[str(t) for t in df.dtypes]} index={df.index!r}"
    rows = (" | ".join(repr(v) for v in row) for row in df.itertuples(index=False, name=None))
    return "\n".join([head, *rows])


def report_text(r: Report) -> str:
    fields = {k: getattr(r, k) for k in ("report_id", "sha256", "title", "issuer", "year", "published", "format")}
    parts = [
        f"== {r.source_file}",
        repr(fields),
        f"layout={r.layout!r} encoding={r.encoding!r} status={r.status!r} message={r.message!r}",
        repr(r.sections),
        repr(r.section_lines),
        *(repr(i) for i in r.issues),
        frame_text("table2", r.table2),
        frame_text("table3", r.table3),
        frame_text("table4", r.table4),
    ]
    return "\n".join(parts)


def sources(extra: Sequence[Path]) -> list[Path]:
    """Seeds, test fixtures and any extra folders: every file a reader supports."""
    out: list[Path] = []
    for folder in (*SOURCES, *extra):
        out += sorted(p for p in folder.iterdir() if p.suffix.lower() in supported_suffixes())
    return out


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=600, help="synthetic reports (default 600)")
    ap.add_argument("--extra", type=Path, nargs="*", default=[], help="more folders of reports")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gongkai-snapshot-") as tmp:
        files = [p for _, p in write_corpus(Path(tmp), args.n)] + sources(args.extra)
        reports = [read_report(p, report_id=p.name) for p in files]
        result = audit_all(reports)
        parts = [report_text(r) for r in reports]
        parts += [frame_text(k, getattr(result, k)) for k in ("findings", "claims", "checks")]
        text = "\n".join(parts).replace(tmp, "<tmp>")  # the temporary folder differs between runs
        args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{len(reports)} reports written to {args.out}")


if __name__ == "__main__":
    main()
