"""RapidOCR against Debian's tesseract (chi_sim) on the same cells of a table picture (docs/ocr.md).

The grid and the cutting of cells into text lines are gongkai's; only the recogniser changes
(tesseract is run once per line, ``--psm 7``). Scores the value cells of table 3 against a truth file
of ``tests/fixtures/make_ocr_fixtures.py``. Needs ``apt-get install tesseract-ocr tesseract-ocr-chi-sim``.

    .venv/bin/python benchmarks/compare_ocr_engines.py TABLE3.png NAME.truth.json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import cv2

import gongkai.readers.ocr as ocr
from gongkai.readers import ocr_engine
from gongkai.readers.base import TableBlock


def tesseract(strips: list) -> list[ocr_engine.Reading]:
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for k, strip in enumerate(strips):
            path = os.path.join(folder, f"{k}.png")
            cv2.imwrite(path, strip)
            run = subprocess.run(
                ["tesseract", path, "-", "-l", "chi_sim", "--psm", "7"],
                capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=False,
            )
            out.append(ocr_engine.Reading(run.stdout.strip().replace(" ", ""), 1.0))
    return out


def main(picture: str, truth_file: str) -> None:
    image = cv2.imread(picture, cv2.IMREAD_GRAYSCALE)
    want: dict[str, list] = {}
    with open(truth_file, encoding="utf-8") as f:
        truth = json.load(f)["3"]
    for key, (value, _) in truth.items():
        want.setdefault(key.split("|")[0], []).append(value)
    expected = list(want.values())
    for name, recognise in (("rapidocr", ocr_engine.recognise), ("tesseract", tesseract)):
        ocr.ocr_engine.recognise = recognise
        start, wall = time.process_time(), time.time()
        reading = ocr.read_page_image(image, "image")
        table = next(b for b in reading.blocks if isinstance(b, TableBlock))
        got = [[c.text for c in row[-7:]] for row in table.rows if len(row) >= 7][-len(expected):]
        exact = sum(str(a) == b for w, g in zip(expected, got, strict=True) for a, b in zip(w, g, strict=True))
        cells = sum(len(w) for w in expected)
        print(f"{name}: {exact}/{cells} value cells exact, {time.process_time() - start:.1f} s CPU "
              f"(this process), {time.time() - wall:.1f} s wall")


if __name__ == "__main__":
    main(*sys.argv[1:3])
