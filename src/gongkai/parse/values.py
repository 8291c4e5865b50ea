"""Read the value of one table cell: number, blank, dash or text; never a silent zero."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from gongkai.templates import units, value_words

_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_DIGIT_GAP = re.compile(r"(?<=\d)[ \u3000]+(?=\d)")


@dataclass(frozen=True, slots=True)
class CellValue:
    """A cell's reading. ``value`` is None unless ``status`` is ``number``."""

    value: float | None
    status: str  # number, blank, dash, text
    decimal: bool = False
    unit: str | None = None
    grouped: bool = False  # thousands separators were present


@lru_cache(maxsize=65536)
def read_value(raw: str) -> CellValue:
    """Classify a cell's text. Full-width digits, thousands separators and a trailing unit are accepted."""
    s = unicodedata.normalize("NFKC", raw).replace("\xa0", " ").strip()
    if not s:
        return CellValue(None, "blank")
    kind = value_words().get(s)
    if kind == "dash":
        return CellValue(None, "dash")
    if kind == "text":
        return CellValue(None, "text")
    s = _DIGIT_GAP.sub("", s).replace("，", ",")
    unit = None
    for u in units():
        if s.endswith(u) and len(s) > len(u):
            s, unit = s[: -len(u)].strip(), u
            break
    m = _NUMBER.match(s)
    if not m:
        return CellValue(None, "text")
    sign, whole, frac = m.groups()
    number = float(f"{sign}{whole.replace(',', '')}.{frac or 0}")
    return CellValue(number, "number", decimal=frac is not None, unit=unit, grouped="," in whole)


def is_value_like(raw: str) -> bool:
    """Whether a cell reads as a value (number or dash), as opposed to label text or blank."""
    return read_value(raw).status in {"number", "dash"}
