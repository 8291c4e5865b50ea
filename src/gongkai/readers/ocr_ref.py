"""How a cell read by OCR says so: its confidence at the end of its locator (``ref``).

``page 4 table 1 row 7 cell 3, OCR confidence 0.874``; a number cell with an unsure digit also lists the
readings with that digit replaced by the model's runner-up: ``…, OCR confidence 0.612 (alternatives 18 13)``,
which the parser may settle by the table's identities (``parse/ocr_settle.py``). Kept apart from the
OCR reader so that the parse stage and the audit can tell OCR cells without loading the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_MARK = "OCR"  # in every locator of a cell read by OCR
OCR_REF = re.compile(r", OCR confidence (\d\.\d+)(?: \(alternatives ([\d ]+)\))?$")
LOW_CONFIDENCE = 0.9  # below this a reading is reported as uncertain


def ocr_ref(base: str, confidence: float, alternatives: tuple[str, ...] = ()) -> str:
    """The locator of a cell read by OCR, with its confidence (and its alternative digit readings)."""
    also = f" (alternatives {' '.join(alternatives)})" if alternatives else ""
    return f"{base}, OCR confidence {confidence:.3f}{also}"


def ocr_confidence(ref: str) -> float | None:
    """The OCR confidence written in a cell's locator, or None when the cell was not read by OCR."""
    if _MARK not in ref:
        return None
    match = OCR_REF.search(ref)
    return float(match.group(1)) if match else None


def any_read_by_ocr(refs: Iterable[object]) -> bool:
    """Whether any of these locators may be of a cell read by OCR: one quick test of them all, before reading
    any cell's confidence (a locator that is not text is read as its text)."""
    return _MARK in "\n".join(map(str, refs))


def ocr_alternatives(ref: str) -> tuple[str, ...]:
    """The alternative readings written in a cell's locator (none for most cells)."""
    if "alternatives" not in ref:
        return ()
    match = OCR_REF.search(ref)
    return tuple(match.group(2).split()) if match and match.group(2) else ()
