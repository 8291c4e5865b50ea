"""PDF pages without a text layer (scans) read by OCR: rendered with pypdfium2, then ``ocr.read_page_image``.

``readers/pdf.py`` calls :func:`ocr_pages` for the pages where it found no text. A table that ends one
page and continues at the top of the next (with no more grid columns; aligned on the right, where the
value columns are) is merged into one block, and a row cut in two by the page break is joined (the
continuation's cells are appended to the row above when the continuation has no number of its own),
each merge noted, as ``pdf.py`` does for ruled tables with a text layer.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import numpy as np
import pypdfium2 as pdfium

from gongkai.readers.base import Block, Cell, TableBlock, TextLine

if TYPE_CHECKING:
    from gongkai.readers.ocr import PageReading

RENDER_DPI = 150
_NUMBER = re.compile(r"^[\s\d.,，%％]+$")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,4}[-—–\s]*$|^第\s*\d{1,4}\s*页")


def render_pages(data: bytes, numbers: list[int]) -> dict[int, np.ndarray]:
    """Pages (1-based numbers) of a PDF as grey images at RENDER_DPI."""
    pdf = pdfium.PdfDocument(io.BytesIO(data))
    try:
        return {n: np.array(pdf[n - 1].render(scale=RENDER_DPI / 72, grayscale=True).to_pil().convert("L"))
                for n in numbers}
    finally:
        pdf.close()


def ocr_pages(data: bytes, numbers: list[int]) -> dict[int, PageReading]:
    """Each listed page read by OCR, with tables continued across page breaks merged."""
    if not numbers:
        return {}
    from gongkai.readers.ocr import read_page_image  # the engine and OpenCV load only when a page needs them

    readings = {n: read_page_image(image, f"page {n}") for n, image in render_pages(data, numbers).items()}
    for reading in readings.values():
        _drop_page_numbers(reading)
    _merge_continued(readings)
    return readings


def _drop_page_numbers(reading: PageReading) -> None:
    """Remove a page-number line ("- 4 -", "第4页", "4") that is the first or last block of the page."""
    for position in (-1, 0):
        if reading.blocks:
            block = reading.blocks[position]
            if isinstance(block, TextLine) and _PAGE_NUMBER.match(block.text.strip()):
                reading.notes.append(f"dropped page number {block.text!r} ({block.ref})")
                reading.blocks.remove(block)


def _significant(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if not (isinstance(b, TextLine) and _PAGE_NUMBER.match(b.text.strip()))]


def _merge_continued(readings: dict[int, PageReading]) -> None:
    """Merge a table ending page n with one starting page n + 1 when it has no more grid columns.

    A table may run over several pages: the page whose only block was merged into the page above
    passes the open table on to the next page.
    """
    open_table: tuple[PageReading, TableBlock, int] | None = None  # the reading holding it, it, its page
    for n in sorted(readings):
        reading = readings[n]
        items = _significant(reading.blocks)
        if open_table is not None and items and isinstance(items[0], TableBlock) and open_table[2] == n - 1:
            holder, upper, _ = open_table
            lower = items[0]
            if len(lower.rows[0]) <= len(upper.rows[0]):
                merged = _join(upper, _widen(lower, len(upper.rows[0])), holder.notes)
                holder.blocks[holder.blocks.index(upper)] = merged
                reading.blocks.remove(lower)
                holder.notes.append(f"the table ending page {n - 1} continues on page {n}: merged into one table")
                items = items[1:]
                if not items:
                    open_table = (holder, merged, n)
                    continue
        last = items[-1] if items else None
        open_table = (reading, last, n) if isinstance(last, TableBlock) else None


def _widen(table: TableBlock, width: int) -> TableBlock:
    """A continuation with fewer grid columns (label columns merged on its page), aligned on the right.

    The value columns are the rightmost; the continuation's first column is repeated over the extra
    label columns on the left, as a merged cell.
    """
    extra = width - len(table.rows[0])
    if extra <= 0:
        return table
    rows = [[row[0]] * extra + list(row) for row in table.rows]
    spanned = {(r, c + extra) for r, c in table.spanned}
    spanned |= {(r, c) for r in range(len(rows)) for c in range(1, extra + 1)}
    return TableBlock(rows=rows, spanned=spanned)


def _join(upper: TableBlock, lower: TableBlock, notes: list[str]) -> TableBlock:
    """The rows of both parts; the first row of ``lower`` joined to the last of ``upper`` when it continues it."""
    rows = [list(r) for r in upper.rows]
    spanned = set(upper.spanned)
    offset = len(rows)
    start = 0
    first = lower.rows[0]
    if not any(_NUMBER.match(c.text) for c in first if c.text) and any(c.text for c in first):
        last = rows[-1]
        for c, cell in enumerate(first):
            if cell.text and not (c > 0 and first[c - 1] == cell):
                above = last[c]
                joined = Cell(f"{above.text}\n{cell.text}" if above.text else cell.text, above.line, above.ref)
                rows[-1] = [joined if x == above else x for x in rows[-1]]
                last = rows[-1]
                notes.append(f"joined cell cut by the page break: {above.ref} + {cell.ref}")
        start, offset = 1, offset - 1
    rows.extend(list(row) for row in lower.rows[start:])
    spanned |= {(r + offset, c) for r, c in lower.spanned if r >= start}
    return TableBlock(rows=rows, spanned=spanned)


def place_pages(blocks: list[Block], readings: dict[int, PageReading]) -> list[Block]:
    """``blocks`` (refs ``page P …``) with each OCR'd page's blocks put before the first block of a later page."""
    out: list[Block] = []
    pending = sorted(readings)

    def page_of(block: Block) -> int | None:
        cell = block.rows[0][0] if isinstance(block, TableBlock) and block.rows and block.rows[0] else block
        match = re.match(r"page (\d+)", getattr(cell, "ref", ""))
        return int(match.group(1)) if match else None

    for block in blocks:
        page = page_of(block)
        while pending and page is not None and pending[0] < page:
            out.extend(readings[pending.pop(0)].blocks)
        out.append(block)
    for n in pending:
        out.extend(readings[n].blocks)
    return out
