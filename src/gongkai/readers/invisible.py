"""Characters that take no space on the page (zero-width spaces, BOMs, soft hyphens, direction marks).

A cell reading ``0\\u200b`` shows as 0, yet as text it is not a number. Every format character (Unicode
category Cf) is removed from the text a reader produced, and the document notes how many, which, and where.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from operator import attrgetter

from gongkai.readers.base import Cell, SourceDocument, TextLine

# Planes 0 and 1 and the tag block hold every Cf character (checked for Unicode 15); a fifth of the scan.
_CODE_POINTS = [*range(0x20000), *range(0xE0000, 0xE1000)]


def _ranges(points: list[int]) -> list[tuple[int, int]]:
    """Consecutive code points as (first, last) ranges."""
    out: list[tuple[int, int]] = []
    for c in points:
        if out and out[-1][1] == c - 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


FORMAT_CHARACTERS = [c for c in _CODE_POINTS if unicodedata.category(chr(c)) == "Cf"]


def _class_body(points: list[int]) -> str:
    """The inside of a regex class of ``points``, as ranges (a-b) rather than single characters: tested by range,
    far quicker."""
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _ranges(points)
    )


INVISIBLE = re.compile(f"[{_class_body(FORMAT_CHARACTERS)}]")
# The search over a whole document, split in two: a class of characters of the Basic Multilingual Plane alone is
# searched about 2.5 times faster, and the few format characters beyond it (tags, musical symbols) are only looked
# for in a text that has characters beyond it at all.
FORMAT_BMP = _class_body([c for c in FORMAT_CHARACTERS if c <= 0xFFFF])  # a class body, for a scan that joins it
_INVISIBLE_BMP = re.compile(f"[{FORMAT_BMP}]")
_INVISIBLE_ASTRAL = re.compile(f"[{_class_body([c for c in FORMAT_CHARACTERS if c > 0xFFFF])}]")


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a format character (the same answer as ``INVISIBLE.search``, quicker)."""
    return _INVISIBLE_BMP.search(text) is not None or has_invisible_beyond_bmp(text)


def has_invisible_beyond_bmp(text: str) -> bool:
    """Whether ``text`` holds a format character beyond the Basic Multilingual Plane."""
    beyond_bmp = len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)  # a pair for each such character
    return beyond_bmp and _INVISIBLE_ASTRAL.search(text) is not None


_MAX_PLACES = 5  # places named in the note; the count covers all


_TEXT = attrgetter("text")  # of a text line or a table block


def strip_invisible(doc: SourceDocument) -> None:
    """Remove invisible characters from every line and cell of ``doc`` in place, with one note saying so."""
    present = doc.format_characters if doc.text is not None else None  # the reader's own scan, when it made one
    if present is None:
        present = has_invisible(doc.text if doc.text is not None else "\n".join(map(_TEXT, doc.blocks)))
    if not present:
        return
    if doc.text is not None:
        doc.text = INVISIBLE.sub("", doc.text)
        doc.format_characters = False
    found: Counter[str] = Counter()
    places: list[str] = []
    cleaned: dict[int, Cell] = {}  # id of a cell → its clean copy, so a merged cell stays one cell

    def clean(cell: Cell, make: type[Cell]) -> Cell:
        if id(cell) in cleaned:
            return cleaned[id(cell)]
        chars = INVISIBLE.findall(cell.text)
        if chars:
            found.update(chars)
            places.append(
                cell.ref if cell.line is None or cell.ref == f"line {cell.line}" else f"{cell.ref} (line {cell.line})"
            )
            cell = make(INVISIBLE.sub("", cell.text), cell.line, cell.ref)
        cleaned[id(cell)] = cell
        return cell

    for i, block in enumerate(doc.blocks):
        if isinstance(block, TextLine):
            if INVISIBLE.search(block.text):
                doc.blocks[i] = clean(block, TextLine)
        else:
            for row in block.rows:
                row[:] = [clean(cell, Cell) for cell in row]
    total = sum(found.values())
    names = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'FORMAT CHARACTER')}" for ch in found)
    where = ", ".join(places[:_MAX_PLACES]) + (
        f" and {len(places) - _MAX_PLACES} more" if len(places) > _MAX_PLACES else ""
    )
    doc.notes.append(f"{total} invisible character{'s' if total > 1 else ''} removed ({names}) at {where}")
