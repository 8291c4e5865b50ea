"""Read a PDF with a text layer into a SourceDocument: PDFium's characters and ruling lines
(``pdf_pdfium``), pdfplumber's table finder and word clustering on them.

Why (measured; docs/pdf_library.md): pdfplumber found every ruled cell of the real and rendered
reports (PyMuPDF lost 23 of 31 rows of 淮安), but its pdfminer.six parsing made it 20 pages/s; reading
the page content with PDFium and keeping pdfplumber's table reconstruction gives the same cells at
about 100 pages/s (CPU, one core, a loaded machine).

Output, page by page in vertical order:

- every ruled table pdfplumber finds with at least two columns becomes a ``TableBlock`` (a one-column
  "table" is a framed paragraph and stays text). Merged cells are expanded on a grid built from the
  cell borders: a cell covering several grid positions is repeated in each, all but its top-left one
  listed in ``spanned``. Cell text keeps the visual line breaks of the cell as ``"\\n"``. Refs are
  ``page P table T row R cell C`` (T counts ruled tables on page P, R the row of that table on that
  page, C the column in the block's grid); ``line`` is None.
- a table that ends its page and one that starts the next page (nothing but page numbers and
  running headers/footers in between) are merged into one block when their column borders agree
  (one border set contained in the other, same outer edges). A label cell cut by the page break is
  joined to its first half when it is the continuation of a merged cell: the continuation is empty,
  or neither half is a number, the continuation does not start with an enumeration marker
  ("（四）", "2.", "三、") and one half spans several rows. Every merge and join is noted.
- all other text becomes one ``TextLine`` per visual line, ref ``page P line L`` (L counts the page's
  lines outside tables, from 1, dropped lines included). Full-width one-cell rows of running text at
  the top or bottom edge of a table (a section heading or paragraphs the table frame took in) are
  text lines too, numbered after the page's other lines.
- page-number lines ("- 4 -", "第4页", "4/6", or a bare number as a page's first or last line in the
  top or bottom margin) and running headers/footers (the same text, digits aside, in the margin of
  at least half of the pages, and of two at least) are dropped, each drop noted.

A page without a text layer goes to :func:`needs_ocr` (the seam for OCR; today an empty page, noted);
a PDF without any text raises ``UnreadableSource`` saying it needs OCR, an encrypted one says so.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter
from pathlib import Path

import pypdfium2 as pdfium
from pdfplumber.table import TableFinder
from pdfplumber.utils import cluster_objects
from pdfplumber.utils.text import WordExtractor

from gongkai.readers.base import Block, Cell, SourceDocument, TableBlock, TextLine, UnreadableSource
from gongkai.readers.pdf_pdfium import PageObjects, PdfPasswordError, metadata, open_pdf, read_page

TEXT_TOLERANCE = 3.0  # points: pdfplumber's default x and y tolerance for words and lines
BORDER_TOLERANCE = 4.0  # points: column borders closer than this are the same border
MARGIN_SHARE = 0.12  # top and bottom share of the page height where headers, footers, page numbers sit
RUNNING_POSITION_TOLERANCE = 6.0  # points: a running header/footer sits this close to the same place
_DASH = r"[-‐‑‒–—―－~～]"
PAGE_NUMBER_ANYWHERE = (
    re.compile(rf"^{_DASH}+\s*\d{{1,4}}\s*{_DASH}+$"),
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[，,/]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^(page|Page|PAGE)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$"),
)
BARE_NUMBER = re.compile(r"^\d{1,4}$")
ENUMERATION = re.compile(r"^\s*[（(]?[一二三四五六七八九十百\d]+[）)、.．]")
SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S")
SENTENCE_END = ("。", "：", ":", "；")
NUMERIC = re.compile(r"^[\s\d.,，%％+\-−]*$")
INFO_KEYS = {"Title": "title", "Author": "author", "Subject": "subject", "CreationDate": "created"}


@dataclass
class _PdfCell:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str


@dataclass
class _Part:
    """One ruled table as found on one page."""

    page: int
    index: int  # 1-based among the tables of the page
    top: float
    bottom: float
    cells: list[_PdfCell]

    @property
    def left(self) -> float:
        return min(c.x0 for c in self.cells)

    @property
    def right(self) -> float:
        return max(c.x1 for c in self.cells)

    def borders(self) -> list[float]:
        return _cluster([x for c in self.cells for x in (c.x0, c.x1)])


@dataclass
class _Line:
    page: int
    number: int
    top: float
    bottom: float
    text: str


@dataclass
class _Page:
    number: int
    height: float
    items: list[_Line | _Part] = field(default_factory=list)


def read_pdf(path: Path, data: bytes, sha256: str) -> SourceDocument:
    """Read the bytes of a PDF file; raise UnreadableSource when there is no readable text in it."""
    if not data:
        raise UnreadableSource(f"{path.name}: the file is empty")
    if b"%PDF" not in data[:1024]:
        raise UnreadableSource(f"{path.name}: not a PDF file (no %PDF header)")
    notes: list[str] = []
    try:
        doc = open_pdf(data)
    except PdfPasswordError as exc:
        raise UnreadableSource(
            f"{path.name}: the PDF is encrypted (password-protected); it cannot be read without the password"
        ) from exc
    except Exception as exc:  # PDFium raises PdfiumError for damaged files
        raise UnreadableSource(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    try:
        metadata = _metadata(doc)
        pages = []
        for index in range(len(doc)):
            objects = read_page(doc, index)
            pages.append(_read_page(objects) if objects.chars else needs_ocr(path, objects))
    except Exception as exc:
        raise UnreadableSource(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    finally:
        doc.close()
    if not any(page.items for page in pages):
        raise UnreadableSource(
            f"{path.name}: the PDF has no text layer (scanned images?); it needs OCR before it can be read"
        )
    for page in pages:
        if not page.items:
            notes.append(f"page {page.number}: no text (an image or an empty page)")
    _drop_margins(pages, notes)
    blocks = _assemble(pages, notes)
    return SourceDocument(
        path=path, sha256=sha256, kind="pdf", encoding=None, blocks=blocks, notes=notes, metadata=metadata
    )


# --- one page ---------------------------------------------------------------------------------


def _read_page(page: PageObjects) -> _Page:
    """The ruled tables and text lines of one page (pdfplumber's table finder and line clustering, run on
    the characters and edges PDFium gives)."""
    number = page.number
    parts: list[_Part] = []
    tables = TableFinder(page).tables if page.edges else []  # type: ignore[arg-type]  # has what it reads
    if tables:
        keyed = sorted(((_v_mid(c), c) for c in page.chars), key=itemgetter(0))
        middles, by_middle = [m for m, _ in keyed], [c for _, c in keyed]
    for table in tables:
        if len(table.columns) < 2:
            continue  # a framed paragraph, read as text
        cells = [
            _PdfCell(bbox[0], bbox[2], bbox[1], bbox[3], _cell_text(bbox, by_middle, middles))
            for row in table.rows
            for bbox in row.cells
            if bbox is not None
        ]
        parts.append(_Part(number, len(parts) + 1, table.bbox[1], table.bbox[3], cells))

    boxes = [(p.left, p.top, p.right, p.bottom) for p in parts]

    def outside(obj: dict) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    chars = [c for c in page.chars if outside(c)] if parts else page.chars
    lines = _text_lines(chars, page) if chars else []
    items: list[_Line | _Part] = [
        _Line(number, i, line["top"], line["bottom"], line["text"].strip()) for i, line in enumerate(lines, 1)
    ]
    for part in parts:
        returned = _text_rows_at_edges(part, len(items))
        items += returned
        if part.cells:
            items.append(part)
    items = [item for item in items if not isinstance(item, _Line) or item.text]
    items.sort(key=lambda item: item.top)
    return _Page(number, page.height, items)


def _text_rows_at_edges(part: _Part, numbered: int) -> list[_Line]:
    """Take the rows of running text a ruled table took in at its top or bottom edge back to the text flow.

    A table frame may enclose the section heading and paragraphs above it (or below it) as full-width
    one-cell rows. Such a row at an edge of the table is text when it reads as running text: a
    numbered heading (二、…) or a sentence (ending 。：:；). Rows from the edge up to the last such row
    leave the table, as lines numbered after the page's ``numbered`` lines; a full-width row that is
    neither (a header such as 第二十条第（一）项) stays. The part keeps the rest.
    """
    rows = sorted({round(c.top, 1) for c in part.cells})
    by_row = {top: [c for c in part.cells if round(c.top, 1) == top] for top in rows}

    def is_text_row(top: float) -> bool:
        cells = by_row[top]
        return (
            len(cells) == 1
            and abs(cells[0].x0 - part.left) <= BORDER_TOLERANCE
            and abs(cells[0].x1 - part.right) <= BORDER_TOLERANCE
        )

    def reads_as_text(top: float) -> bool:
        text = re.sub(r"\s+", "", by_row[top][0].text)
        return bool(SECTION_HEADING.match(text)) or text.endswith(SENTENCE_END)

    def leaving(order: list[float]) -> list[float]:
        edge = []
        for top in order:
            if not is_text_row(top):
                break
            edge.append(top)
        while edge and not reads_as_text(edge[-1]):
            edge.pop()
        return edge

    top_rows = leaving(rows)
    bottom_rows = leaving([r for r in reversed(rows) if r not in top_rows])
    if not top_rows and not bottom_rows:
        return []
    out: list[_Line] = []
    for top in [*top_rows, *reversed(bottom_rows)]:
        cell = by_row[top][0]
        for text in filter(None, (t.strip() for t in cell.text.split("\n"))):
            out.append(_Line(part.page, numbered + len(out) + 1, cell.top, cell.bottom, text))
    gone = set(top_rows) | set(bottom_rows)
    part.cells = [c for c in part.cells if round(c.top, 1) not in gone]
    if part.cells:
        part.top = min(c.top for c in part.cells)
        part.bottom = max(c.bottom for c in part.cells)
    return out


def _v_mid(char: dict) -> float:
    return (char["top"] + char["bottom"]) / 2


def _cell_text(bbox: tuple[float, float, float, float], by_middle: list[dict], middles: list[float]) -> str:
    """The text of the characters whose centre lies in the cell (as ``pdfplumber.table.Table.extract``
    finds them: half-open box), found by bisection on the characters sorted by vertical centre."""
    x0, top, x1, bottom = bbox
    inside = [
        c
        for c in by_middle[bisect_left(middles, top) : bisect_left(middles, bottom)]
        if x0 <= (c["x0"] + c["x1"]) / 2 < x1
    ]
    if not inside:
        return ""
    text = _one_line(inside)
    if text is None:  # what pdfplumber's extract_text gives, without its character map
        text = "\n".join(" ".join(w["text"] for w in line) for line in _word_lines(inside))
    return text.strip()


def _one_line(chars: list[dict]) -> str | None:
    """The text of characters in lines with no gap or space between words, as ``extract_text`` gives it
    (lines clustered by their top within the tolerance, top to bottom, each read left to right and
    joined by a line break); None for anything else, left to ``extract_text``."""
    ordered = sorted(chars, key=lambda c: c["top"])
    lines: list[list[dict]] = [[ordered[0]]]
    for char in ordered[1:]:
        if char["top"] - lines[-1][-1]["top"] <= TEXT_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    texts = []
    for line in lines:
        if max(c["top"] for c in line) - min(c["top"] for c in line) > TEXT_TOLERANCE:
            return None
        line.sort(key=lambda c: c["x0"])
        if line[0]["text"].isspace():
            return None
        for a, b in pairwise(line):
            if b["x0"] - a["x1"] > TEXT_TOLERANCE or b["x0"] < a["x0"] or b["text"].isspace():
                return None
        texts.append("".join(c["text"] for c in line))
    return "\n".join(texts)


def _text_lines(chars: list[dict], page: PageObjects) -> list[dict]:
    """Text lines as pdfplumber's ``Page.extract_text_lines`` gives them: its words, clustered into lines by
    their top (within its tolerance), each line its words joined by a space (built here from the words
    rather than through pdfplumber's character map, which costs more than the rest of the page)."""
    del page
    return [
        {"text": " ".join(w["text"] for w in line), "top": min(map(_top, line)), "bottom": max(map(_bottom, line))}
        for line in _word_lines(chars)
    ]


def _word_lines(chars: list[dict]) -> list[list[dict]]:
    """pdfplumber's words of these characters, clustered into lines (as its ``extract_text`` does)."""
    return cluster_objects(WordExtractor().extract_words(chars), _top, TEXT_TOLERANCE)


def _bottom(obj: dict) -> float:
    return obj["bottom"]


def _top(obj: dict) -> float:
    return obj["top"]


def needs_ocr(path: Path, page: PageObjects) -> _Page:
    """A page without a text layer: today an empty page, noted by the caller. The seam where reading the
    page's image (OCR) will go."""
    del path
    return _Page(page.number, page.height, [])


# --- page numbers, running headers and footers --------------------------------------------------


def _in_margin(line: _Line, height: float) -> bool:
    return line.top < height * MARGIN_SHARE or line.bottom > height * (1 - MARGIN_SHARE)


def _is_page_number(line: _Line, page: _Page) -> bool:
    text = line.text.strip()
    if any(pattern.match(text) for pattern in PAGE_NUMBER_ANYWHERE):
        return True
    if BARE_NUMBER.match(text) and _in_margin(line, page.height):
        lines = [item for item in page.items if isinstance(item, _Line)]
        return line is lines[0] or line is lines[-1]
    return False


def _running_key(line: _Line) -> tuple[str, int]:
    """Text with digits masked, and the margin position rounded to a few points."""
    text = re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))
    return text, round(line.top / RUNNING_POSITION_TOLERANCE)


def _running_keys(pages: list[_Page]) -> set[tuple[str, int]]:
    """Margin lines repeated at the same place on at least half of the pages (two at least)."""
    seen: dict[tuple[str, int], set[int]] = defaultdict(set)
    for page in pages:
        for item in page.items:
            if isinstance(item, _Line) and _in_margin(item, page.height):
                text, slot = _running_key(item)
                for near in (slot - 1, slot, slot + 1):  # tolerate rounding at a slot edge
                    seen[(text, near)].add(page.number)
    needed = max(2, math.ceil(len(pages) / 2))
    return {key for key, on in seen.items() if len(on) >= needed}


def _drop_margins(pages: list[_Page], notes: list[str]) -> None:
    """Remove page numbers and running headers/footers from the pages, noting each kind."""
    running = _running_keys(pages)
    for page in pages:
        kept: list[_Line | _Part] = []
        for item in page.items:
            if isinstance(item, _Line):
                if _is_page_number(item, page):
                    notes.append(f"dropped page number {item.text!r} (page {page.number} line {item.number})")
                    continue
                if _in_margin(item, page.height) and _running_key(item) in running:
                    notes.append(f"dropped running header/footer {item.text!r} (page {page.number} line {item.number})")
                    continue
            kept.append(item)
        page.items = kept


# --- blocks -------------------------------------------------------------------------------------


def _assemble(pages: list[_Page], notes: list[str]) -> list[Block]:
    """Blocks in reading order, with tables continued across a page break merged."""
    groups: list[_Line | list[_Part]] = []
    for page in pages:
        for position, item in enumerate(page.items):
            if isinstance(item, _Line):
                groups.append(item)
                continue
            previous = groups[-1] if groups else None
            if (
                position == 0
                and isinstance(previous, list)
                and previous[-1].page == page.number - 1
                and _ends_page(previous[-1], pages)
                and _columns_match(previous[-1], item)
            ):
                notes.append(
                    f"table {previous[-1].index} of page {previous[-1].page} continues as table "
                    f"{item.index} of page {page.number}: merged into one table"
                )
                previous.append(item)
            else:
                groups.append([item])
    blocks: list[Block] = []
    for group in groups:
        if isinstance(group, _Line):
            blocks.append(TextLine(group.text, None, f"page {group.page} line {group.number}"))
        else:
            blocks.append(_table_block(group, notes))
    return blocks


def _ends_page(part: _Part, pages: list[_Page]) -> bool:
    items = pages[part.page - 1].items
    return bool(items) and items[-1] is part


def _columns_match(upper: _Part, lower: _Part) -> bool:
    """Same outer edges, and the column borders of one part are all borders of the other."""
    if abs(upper.left - lower.left) > BORDER_TOLERANCE or abs(upper.right - lower.right) > BORDER_TOLERANCE:
        return False
    a, b = upper.borders(), lower.borders()
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return all(any(abs(x - y) <= BORDER_TOLERANCE for y in large) for x in small)


def _cluster(values: Iterable[float]) -> list[float]:
    """Sorted positions with values closer than BORDER_TOLERANCE merged into their mean."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= BORDER_TOLERANCE:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [sum(c) / len(c) for c in clusters]


def _nearest(borders: list[float], value: float) -> int:
    """The index of the border (sorted) nearest to ``value``; on a tie the lower one."""
    i = bisect_left(borders, value)
    if i == 0:
        return 0
    if i == len(borders) or abs(borders[i - 1] - value) <= abs(borders[i] - value):
        return i - 1
    return i


@dataclass
class _Placed:
    cell: Cell
    top_left: tuple[int, int]
    rows: int  # grid rows covered
    columns: int  # grid columns covered
    raw: _PdfCell


def _table_block(parts: list[_Part], notes: list[str]) -> TableBlock:
    """Expand the cells of one table (one or more page parts) onto a common grid."""
    columns = _cluster([x for part in parts for c in part.cells for x in (c.x0, c.x1)])
    width = len(columns) - 1
    grid: list[list[_Placed | None]] = []
    part_starts: list[int] = []
    row_names: list[str] = []
    for part in parts:
        row_borders = _cluster([y for c in part.cells for y in (c.top, c.bottom)])
        offset = len(grid)
        part_starts.append(offset)
        grid.extend([None] * width for _ in range(len(row_borders) - 1))
        row_names.extend(f"page {part.page} table {part.index} row {r}" for r in range(1, len(row_borders)))
        for raw in sorted(part.cells, key=lambda c: (c.top, c.x0)):
            c0, c1 = _nearest(columns, raw.x0), _nearest(columns, raw.x1)
            r0, r1 = _nearest(row_borders, raw.top), _nearest(row_borders, raw.bottom)
            if c1 <= c0 or r1 <= r0:
                continue  # a sliver thinner than the tolerance
            ref = f"page {part.page} table {part.index} row {r0 + 1} cell {c0 + 1}"
            placed = _Placed(Cell(raw.text, None, ref), (offset + r0, c0), r1 - r0, c1 - c0, raw)
            for r in range(offset + r0, offset + r1):
                for c in range(c0, c1):
                    grid[r][c] = placed
    for boundary, part in zip(part_starts[1:], parts[1:], strict=True):
        _join_split_cells(grid, boundary, part, notes)

    rows: list[list[Cell]] = []
    spanned: set[tuple[int, int]] = set()
    for r, grid_row in enumerate(grid):
        row: list[Cell] = []
        for c, placed in enumerate(grid_row):
            if placed is None:
                row.append(Cell("", None, f"{row_names[r]} cell {c + 1}"))
                continue
            if placed.top_left != (r, c):
                spanned.add((r, c))
            row.append(placed.cell)
        rows.append(row)
    return TableBlock(rows=rows, spanned=spanned)


def _join_split_cells(grid: list[list[_Placed | None]], boundary: int, part: _Part, notes: list[str]) -> None:
    """Join label cells cut in two by the page break between grid rows boundary-1 and boundary."""
    above_row, below_row = grid[boundary - 1], grid[boundary]
    for c, below in enumerate(below_row):
        above = above_row[c]
        if above is None or below is None or below.top_left != (boundary, c):
            continue
        if above.top_left[1] != c or above.columns != below.columns:
            continue
        if not _continues(above, below):
            continue
        if below.cell.text:
            joined = Cell(f"{above.cell.text}\n{below.cell.text}", None, above.cell.ref)
            notes.append(
                f"joined cell cut by the page break: {above.cell.ref} {above.cell.text!r} + "
                f"{below.cell.ref} {below.cell.text!r}"
            )
        else:
            joined = above.cell
            notes.append(f"merged cell {above.cell.ref} {above.cell.text!r} continues past the page break")
        merged = _Placed(joined, above.top_left, above.rows + below.rows, above.columns, above.raw)
        for r, grid_row in enumerate(grid):
            for cc, placed in enumerate(grid_row):
                if placed is above or placed is below:
                    grid[r][cc] = merged


def _continues(above: _Placed, below: _Placed) -> bool:
    """Whether the first cell below a page break is the rest of the last cell above it."""
    if not above.cell.text or NUMERIC.match(above.cell.text):
        return False
    if not below.cell.text:
        return above.rows > 1 or below.rows > 1
    if NUMERIC.match(below.cell.text) or ENUMERATION.match(below.cell.text):
        return False
    return above.rows > 1 or below.rows > 1


# --- metadata -----------------------------------------------------------------------------------


def _metadata(doc: pdfium.PdfDocument) -> dict[str, str]:
    values: dict[str, str] = {"pages": str(len(doc))}
    info = metadata(doc)
    for key, name in INFO_KEYS.items():
        text = info.get(key, "").strip()
        if text:
            values[name] = text
    return values
