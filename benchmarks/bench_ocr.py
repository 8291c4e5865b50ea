"""OCR accuracy and speed on scanned fixtures made by ``tests/fixtures/make_ocr_fixtures.py``.

For each ``NAME.scan.pdf`` (and, when present, ``NAME.img.html`` / ``NAME.datauri.html``) in DIR: parse it,
compare every cell of tables 3 and 4 with ``NAME.truth.json`` (value and whether it is a number), and
time the read in CPU seconds (one core: the engine runs one thread; pin it with ``taskset -c N``). A wrong
cell is *caught* when it is below the low-confidence line or when an identity over it fails; the target is
that every wrong cell is.
``settled``: cells whose unsure OCR digit the table's identities settled (``parse/ocr_settle.py``).

    .venv/bin/python benchmarks/bench_ocr.py DIR [--only NAME ...] [--kinds scan.pdf img.html datauri.html]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gongkai import read_report
from gongkai.readers.ocr_ref import LOW_CONFIDENCE, ocr_confidence
from gongkai.rules import audit_all

KEYS = {3: ("row", "applicant"), 4: ("proceeding", "outcome")}


def score(path: Path, truth: dict) -> dict:
    start = time.process_time()
    report = read_report(path)
    seconds = time.process_time() - start
    findings = audit_all([report]).findings
    failed_evidence = " ".join(
        str(e) for e, s in zip(findings["evidence"], findings["status"], strict=True) if s == "fail"
    )
    exact = total = caught = settled = 0
    wrong: list[str] = []
    for table, (a, b) in KEYS.items():
        df = getattr(report, f"table{table}")
        got = {f"{r[a]}|{r[b]}": r for r in df.to_dict("records")}
        settled += sum(r["cell_status"] == "ocr" and bool(r["inferred_by"]) for r in got.values())
        for key, (value, status) in truth[str(table)].items():
            total += 1
            cell = got.get(key)
            read = None if cell is None or cell["value"] is None or str(cell["value"]) == "<NA>" else int(cell["value"])
            if read == value and (cell is not None) and ((status == "number") == (read is not None)):
                exact += 1
                continue
            confidence = ocr_confidence(cell["source_ref"]) if cell is not None else None
            row, column = key.split("|")
            in_failure = f"{row}/{column}=" in failed_evidence or f"{column}/{row}=" in failed_evidence
            low = confidence is not None and confidence < LOW_CONFIDENCE
            caught += low or in_failure or cell is None or cell["cell_status"] in ("missing", "text")
            raw, kind = (cell["raw"], cell["cell_status"]) if cell is not None else (None, "absent")
            wrong.append(
                f"t{table} {key}: read {raw!r} ({kind}, conf {confidence}), truth {value}"
                f"{' caught' if low or in_failure else ''}"
            )
    return {"file": path.name, "seconds": round(seconds, 2), "exact": exact, "cells": total,
            "caught": caught, "settled": settled, "wrong": wrong, "status": report.status}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--kinds", nargs="*", default=["scan.pdf", "img.html", "datauri.html"])
    args = parser.parse_args(argv)
    rows = []
    for truth_file in sorted(args.dir.glob("*.truth.json")):
        name = truth_file.name.removesuffix(".truth.json")
        if args.only and name not in args.only:
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        for kind in args.kinds:
            path = args.dir / f"{name}.{kind}"
            if path.exists():
                result = score(path, truth)
                rows.append(result)
                print(json.dumps(result, ensure_ascii=False), flush=True)
    exact = sum(r["exact"] for r in rows)
    cells = sum(r["cells"] for r in rows)
    wrong = cells - exact
    caught = sum(r["caught"] for r in rows)
    print(f"tables 3 and 4: {exact}/{cells} cells exact ({100 * exact / max(cells, 1):.2f} %), "
          f"{wrong} wrong, {caught} of them low-confidence or in a failing identity")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
