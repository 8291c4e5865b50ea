"""Pages that are pictures (scanned PDF pages, tables printed as images in a web page) read by OCR.

A page image is turned upright, its ruled tables are found from their lines (``ocr_grid``) and each
cell is read on its own: the cell's ink is cut into text lines by its row profile and each line is
recognised (``ocr_engine``). Text outside the tables is found and read by the engine's detector. The
result is what every other reader produces: ``TextLine``\\ s and ``TableBlock``\\ s of positioned cells,
so the parse stage aligns them to the templates like any other layout.

Every cell read from an image carries its confidence (the engine's mean character probability, the
lowest over the cell's lines) at the end of its ``ref``: ``page 4 table 1 row 7 cell 3, OCR confidence
0.874`` (``ocr_ref``). The parser gives number cells with
such a ref the status ``ocr``; the audit checks them like numbers and, when an identity over them
fails, says a misread is possible and names the least confident cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from gongkai.readers import ocr_engine
from gongkai.readers.base import Block, Cell, TableBlock, TextLine
from gongkai.readers.ocr_grid import ImageTable, deskew, find_tables, ink, text_height
from gongkai.readers.ocr_ref import LOW_CONFIDENCE, ocr_confidence, ocr_ref

INSET = 3  # pixels cut from each side of a cell, so its ruling lines are not read as ink
MIN_INK = 12  # ink pixels: a cell with fewer is empty (specks of the scan)
PAD = 6  # white pixels around a text line before it is recognised
LINE_HEIGHT_SHARE = 1.35  # of the text height: ink rows spanning more than this are two lines


@dataclass
class PageReading:
    """The blocks read from one page image, and what the reader noticed."""

    blocks: list[Block]
    notes: list[str]


def _text_lines(binary: np.ndarray, char: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the text lines in a cell's ink, top to bottom."""
    rows = np.flatnonzero(binary.any(axis=1))
    if not len(rows):
        return []
    segments: list[list[int]] = [[int(rows[0]), int(rows[0])]]
    for y in rows[1:].tolist():
        if y == segments[-1][1] + 1:
            segments[-1][1] = y
        else:
            segments.append([y, y])
    lines: list[list[int]] = []
    limit = LINE_HEIGHT_SHARE * char
    for top, bottom in segments:
        if lines and bottom - lines[-1][0] + 1 <= limit:
            lines[-1][1] = bottom  # a stroke of the same line (the gaps inside 三, 二 …)
        else:
            lines.append([top, bottom])
    boxes = []
    for top, bottom in lines:
        columns = np.flatnonzero(binary[top : bottom + 1].any(axis=0))
        if int(binary[top : bottom + 1].sum() // 255) < MIN_INK:
            continue
        boxes.append((int(columns[0]), top, int(columns[-1]) + 1, bottom + 1))
    return boxes


def _strip(grey: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return cv2.copyMakeBorder(grey[y0:y1, x0:x1], PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)


def _read_tables(
    grey: np.ndarray, binary: np.ndarray, tables: list[ImageTable], char: int, where: str
) -> list[TableBlock]:
    """Each table's cells read line by line, all lines of the page recognised in one batch."""
    strips: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []  # (table, cell) of each strip
    for t, table in enumerate(tables):
        for k, cell in enumerate(table.cells):
            x0, y0, x1, y1 = cell.x0 + INSET, cell.y0 + INSET, cell.x1 - INSET, cell.y1 - INSET
            if x1 <= x0 or y1 <= y0:
                continue
            inside = binary[y0:y1, x0:x1]
            if int(inside.sum() // 255) < MIN_INK:
                continue
            for bx0, by0, bx1, by1 in _text_lines(inside, char):
                strips.append(_strip(grey, (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1)))
                owners.append((t, k))
    texts: dict[tuple[int, int], list[str]] = {}
    confidence: dict[tuple[int, int], float] = {}
    alternatives: dict[tuple[int, int], tuple[str, ...]] = {}
    for owner, reading in zip(owners, ocr_engine.recognise(strips), strict=True):
        texts.setdefault(owner, []).append(reading.text.strip())
        confidence[owner] = min(confidence.get(owner, 1.0), reading.confidence)
        alternatives[owner] = reading.alternatives
    for owner, lines in texts.items():
        if len(lines) > 1:
            alternatives[owner] = ()  # only a one-line number cell has alternative readings
    blocks = []
    for t, table in enumerate(tables):
        grid: list[list[Cell | None]] = [[None] * table.n_columns for _ in range(table.n_rows)]
        spanned: set[tuple[int, int]] = set()
        for k, cell in enumerate(table.cells):
            base = f"{where} table {t + 1} row {cell.row + 1} cell {cell.column + 1}"
            text = "\n".join(line for line in texts.get((t, k), []) if line)
            known = (t, k) in confidence
            ref = ocr_ref(base, confidence[(t, k)], alternatives[(t, k)]) if known else base
            placed = Cell(text, None, ref)
            for r in range(cell.row, cell.row + cell.rows):
                for c in range(cell.column, cell.column + cell.columns):
                    if grid[r][c] is None:
                        grid[r][c] = placed
                        if (r, c) != (cell.row, cell.column):
                            spanned.add((r, c))
        rows = [
            [
                placed or Cell("", None, f"{where} table {t + 1} row {r + 1} cell {c + 1}")
                for c, placed in enumerate(grid_row)
            ]
            for r, grid_row in enumerate(grid)
        ]
        blocks.append(TableBlock(rows=rows, spanned=spanned))
    return blocks


def _bands(binary: np.ndarray, char: int) -> list[tuple[int, int]]:
    """The horizontal bands (top, bottom) of a page that hold ink, each with a margin of one text height."""
    rows = np.flatnonzero(binary.sum(axis=1) >= 2 * 255)  # a lone speck is not a line of text
    bands: list[list[int]] = []
    for y in rows.tolist():
        if bands and y - bands[-1][1] <= 2 * char:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    return [(max(0, top - char), min(binary.shape[0], bottom + char + 1)) for top, bottom in bands]


def _find_outside(page: np.ndarray, binary: np.ndarray, char: int) -> list[ocr_engine.Found]:
    """The detector's lines of ``page``, run only on its bands of ink stacked into one image.

    The blank parts of a page (its margins, the tables already read) cost the detector as much as
    text; the bands are stacked with white gaps of two text heights (no box spans two bands) and the
    image is kept at least DETECT_MIN_SIDE tall (the detector scales smaller images up). The whole
    page is used when stacking would not make it smaller.
    """
    bands = _bands(binary, char)
    if not bands:
        return []
    gap = 2 * char
    height = sum(b - t for t, b in bands) + gap * (len(bands) + 1)
    if max(height, ocr_engine.DETECT_MIN_SIDE) >= page.shape[0] or page.shape[1] < ocr_engine.DETECT_MIN_SIDE:
        return ocr_engine.find_text(page)
    stack = np.full((max(height, ocr_engine.DETECT_MIN_SIDE), page.shape[1]), 255, np.uint8)
    offsets: list[tuple[int, int, int]] = []  # (top in the stack, bottom in the stack, top on the page)
    y = gap
    for top, bottom in bands:
        stack[y : y + bottom - top] = page[top:bottom]
        offsets.append((y, y + bottom - top, top))
        y += bottom - top + gap
    found = []
    for item in ocr_engine.find_text(stack):
        middle = (item.box[1] + item.box[3]) / 2
        for start, end, top in offsets:
            if start - gap / 2 <= middle <= end + gap / 2:
                x0, y0, x1, y1 = item.box
                found.append(item._replace(box=(x0, y0 - start + top, x1, y1 - start + top)))
                break
    found.sort(key=lambda f: (f.box[1], f.box[0]))
    return found


def _lines_outside(grey: np.ndarray, binary: np.ndarray, tables: list[ImageTable], char: int) -> list[ocr_engine.Found]:
    """The text of the page outside its tables, one entry per visual line (boxes on one line joined)."""
    page = grey.copy()
    outside = binary.copy()
    for table in tables:
        x0, y0, x1, y1 = table.box
        page[y0:y1, x0:x1] = 255
        outside[y0:y1, x0:x1] = 0
    found = _find_outside(page, outside, char)
    lines: list[list[ocr_engine.Found]] = []
    for item in found:
        middle = (item.box[1] + item.box[3]) / 2
        if lines and lines[-1][0].box[1] <= middle <= lines[-1][0].box[3]:
            lines[-1].append(item)
        else:
            lines.append([item])
    out = []
    for parts in lines:
        parts.sort(key=lambda f: f.box[0])
        box = (
            min(p.box[0] for p in parts),
            min(p.box[1] for p in parts),
            max(p.box[2] for p in parts),
            max(p.box[3] for p in parts),
        )
        text = " ".join(p.text for p in parts)
        out.append(ocr_engine.Found(box, text, min(p.confidence for p in parts)))
    return out


def read_page_image(image: np.ndarray, where: str) -> PageReading:
    """Read a page (or a picture) as blocks in reading order; ``where`` names it in refs (``page 3``)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    upright, angle = deskew(grey)
    notes: list[str] = []
    if angle:
        notes.append(f"{where}: turned {angle:+.2f}° upright before OCR")
    tables, _ = find_tables(upright)
    binary = ink(upright)
    char = text_height(binary)
    table_blocks = _read_tables(upright, binary, tables, char, where)
    items: list[tuple[int, Block]] = [(t.box[1], b) for t, b in zip(tables, table_blocks, strict=True)]
    lines = _lines_outside(upright, binary, tables, char)
    for n, line in enumerate(lines, start=1):
        items.append((line.box[1], TextLine(line.text, None, f"{where} line {n}")))
    items.sort(key=lambda item: item[0])
    cells = [c for b in table_blocks for row in b.rows for c in row if ocr_confidence(c.ref) is not None]
    low = [c for c in cells if (ocr_confidence(c.ref) or 1.0) < LOW_CONFIDENCE]
    notes.append(
        f"{where}: read by OCR ({len(tables)} table(s), {len(set(cells))} cell(s) read, {len(lines)} line(s) of "
        f"text; {len(set(low))} cell(s) below confidence {LOW_CONFIDENCE})"
    )
    return PageReading([b for _, b in items], notes)


def decode_image(data: bytes) -> np.ndarray | None:
    """A picture file's bytes (PNG, JPEG, GIF's first frame, BMP, TIFF …) as a grey image, or None."""
    array = np.frombuffer(data, dtype=np.uint8)
    grey = cv2.imdecode(array, cv2.IMREAD_GRAYSCALE)
    if grey is None:
        from io import BytesIO

        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(BytesIO(data)) as picture:
                grey = np.array(picture.convert("L"))
        except (UnidentifiedImageError, OSError):
            return None
    return grey
