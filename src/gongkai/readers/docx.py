"""Read a Word ``.docx`` file into a SourceDocument with python-docx.

Body paragraphs become ``TextLine`` blocks (ref ``paragraph N``, N counting
every body paragraph from 1, blank ones included, although blank ones are not
emitted); tables become ``TableBlock`` blocks in the same body order. Merged
cells are expanded on the table grid: a cell spanning grid columns
(``w:gridSpan``) or continued downwards (``w:vMerge``) is repeated in every
grid position it covers, and every position but its top-left one is listed in
``TableBlock.spanned``. Grid positions no cell covers (``w:gridBefore`` /
``w:gridAfter``, ragged rows) are empty cells. A cell's text is its
paragraphs joined with ``"\\n"``, stripped at both ends; its ref is
``table T row R cell C`` with C the 1-based grid column of its top-left
position. Content controls (``w:sdt``) are read through; tables nested inside
a cell are not expanded (their text is not part of the cell).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from gongkai.readers.base import Block, Cell, SourceDocument, TableBlock, TextLine, UnreadableSource

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy binary .doc / .xls


def read_docx(path: Path, data: bytes, sha256: str) -> SourceDocument:
    """Read the bytes of a ``.docx`` file; raise UnreadableSource when they are not one."""
    document = _open(path, data)
    blocks: list[Block] = []
    paragraph_no = table_no = 0
    for item in _body_items(document):
        if isinstance(item, Paragraph):
            paragraph_no += 1
            text = item.text
            if text.strip():
                blocks.append(TextLine(text, None, f"paragraph {paragraph_no}"))
        else:
            table_no += 1
            blocks.append(_table_block(item, table_no))
    if not any(_has_text(block) for block in blocks):
        raise UnreadableSource(f"{path.name}: the Word document contains no text")
    return SourceDocument(
        path=path,
        sha256=sha256,
        kind="docx",
        encoding=None,
        blocks=blocks,
        notes=[],
        metadata=_metadata(document),
    )


def _open(path: Path, data: bytes) -> DocxDocument:
    if not data:
        raise UnreadableSource(f"{path.name}: the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise UnreadableSource(
            f"{path.name}: this is a legacy binary Word (.doc) file, not .docx; convert it to .docx first"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableSource(f"{path.name}: not a Word .docx file (not a ZIP package)")
    try:
        return docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise UnreadableSource(f"{path.name}: not a readable Word .docx file ({exc})") from exc
    except Exception as exc:  # python-docx raises its own package errors for foreign ZIP files
        raise UnreadableSource(f"{path.name}: not a readable Word .docx file ({type(exc).__name__}: {exc})") from exc


def _body_items(document: DocxDocument) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables of the body in document order, looking inside content controls."""
    body = document.element.body

    def walk(parent: etree._Element) -> Iterator[Paragraph | Table]:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, document._body)
            elif child.tag == qn("w:tbl"):
                yield Table(child, document._body)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)

    yield from walk(body)


def _table_block(table: Table, table_no: int) -> TableBlock:
    """Expand one Word table onto its grid."""
    grid: list[list[Cell | None]] = []
    origin: list[list[tuple[int, int] | None]] = []
    for r, tr in enumerate(table._tbl.tr_lst):
        cells: list[Cell | None] = [None] * tr.grid_before
        origins: list[tuple[int, int] | None] = [None] * tr.grid_before
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span)
            c = len(cells)
            above = _above(grid, origin, r, c)
            if tc.vMerge == "continue" and above is not None:
                cell, top_left = above
            else:
                cell = Cell(_cell_text(_Cell(tc, table)), None, f"table {table_no} row {r + 1} cell {c + 1}")
                top_left = (r, c)
            cells.extend([cell] * span)
            origins.extend([top_left] * span)
        grid.append(cells)
        origin.append(origins)

    width = max((len(row) for row in grid), default=0)
    rows: list[list[Cell]] = []
    spanned: set[tuple[int, int]] = set()
    for r, (cells, origins) in enumerate(zip(grid, origin, strict=True)):
        row: list[Cell] = []
        for c in range(width):
            cell = cells[c] if c < len(cells) else None
            top_left = origins[c] if c < len(origins) else None
            if cell is None:
                cell = Cell("", None, f"table {table_no} row {r + 1} cell {c + 1}")
            elif top_left != (r, c):
                spanned.add((r, c))
            row.append(cell)
        rows.append(row)
    return TableBlock(rows=rows, spanned=spanned)


def _above(
    grid: list[list[Cell | None]], origin: list[list[tuple[int, int] | None]], r: int, c: int
) -> tuple[Cell, tuple[int, int]] | None:
    """The cell (and its top-left position) covering grid position (r-1, c), if any."""
    if r == 0 or c >= len(grid[r - 1]):
        return None
    cell, top_left = grid[r - 1][c], origin[r - 1][c]
    if cell is None or top_left is None:
        return None
    return cell, top_left


def _cell_text(cell: _Cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _has_text(block: Block) -> bool:
    if isinstance(block, TextLine):
        return bool(block.cell.text.strip())
    return any(cell.text for row in block.rows for cell in row)


def _metadata(document: DocxDocument) -> dict[str, str]:
    props = document.core_properties
    values = {
        "title": props.title,
        "author": props.author,
        "created": props.created.isoformat() if props.created else None,
        "modified": props.modified.isoformat() if props.modified else None,
    }
    return {key: value for key, value in values.items() if value}
