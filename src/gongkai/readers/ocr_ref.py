"""How a cell read by OCR says so: its confidence at the end of its locator (``ref``).

``page 4 table 1 row 7 cell 3, OCR confidence 0.874``. Kept apart from the OCR reader so that the
parse stage and the audit can tell OCR cells without loading the engine.
"""

from __future__ import annotations

import re

OCR_REF = re.compile(r", OCR confidence (\d\.\d+)$")
LOW_CONFIDENCE = 0.9  # below this a reading is reported as uncertain


def ocr_ref(base: str, confidence: float) -> str:
    """The locator of a cell read by OCR, with its confidence."""
    return f"{base}, OCR confidence {confidence:.3f}"


def ocr_confidence(ref: str) -> float | None:
    """The OCR confidence written in a cell's locator, or None when the cell was not read by OCR."""
    if "OCR" not in ref:
        return None
    match = OCR_REF.search(ref)
    return float(match.group(1)) if match else None
