"""Read a Word ``.docx`` file into a SourceDocument with python-docx.

Body paragraphs become ``TextLine`` blocks (ref ``paragraph N``, N counting
every body paragraph from 1, blank ones included, although blank ones are not
emitted); tables become ``TableBlock`` blocks in the same body order. Merged
cells are expanded on the table grid: a cell spanning grid columns
(``w:gridSpan``) or continued downwards (``w:vMerge``) is repeated in every
grid position it covers, and every position but its top-left one is listed in
``TableBlock.spanned``. Grid positions no cell covers are no cells: a row
ends with its last cell (``w:gridAfter``, a ragged row), and the positions of
``w:gridBefore`` are listed in ``TableBlock.absent``; spans are capped and
malformed merge attributes reported (``gongkai.readers.grid``). A cell's text is its
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

from gongkai.readers.base import MAX_SPAN, Block, Cell, SourceDocument, TableBlock, TextLine, UnreadableSource
from gongkai.readers.grid import Grid, read_span

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy binary .doc / .xls
MAX_DOCX_XML_BYTES = 25_000_000  # the XML parts, unpacked (a long report with its tables is 1–3 MB)
MAX_DOCX_BYTES = 100_000_000  # every part, unpacked, unless the file itself is a tenth of that (pictures)


def read_docx(path: Path, data: bytes, sha256: str) -> SourceDocument:
    """Read the bytes of a ``.docx`` file; raise UnreadableSource when they are not one."""
    document = _open(path, data)
    blocks: list[Block] = []
    warnings: list[str] = []
    paragraph_no = table_no = 0
    for item in _body_items(document):
        if isinstance(item, Paragraph):
            paragraph_no += 1
            text = item.text
            if text.strip():
                blocks.append(TextLine(text, None, f"paragraph {paragraph_no}"))
        else:
            table_no += 1
            block, more = _table_block(item, table_no)
            blocks.append(block)
            warnings += more
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
        warnings=warnings,
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
    _check_unpacked_size(path, data)
    try:
        return docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise UnreadableSource(f"{path.name}: not a readable Word .docx file ({exc})") from exc
    except Exception as exc:  # python-docx raises its own package errors for foreign ZIP files
        raise UnreadableSource(f"{path.name}: not a readable Word .docx file ({type(exc).__name__}: {exc})") from exc


def _check_unpacked_size(path: Path, data: bytes) -> None:
    """Refuse, before decompressing anything, a package whose parts would unpack to more than a report needs.

    python-docx holds every part in memory and parses the XML ones, so a small ZIP that unpacks to gigabytes
    (a ZIP bomb) would exhaust memory. The sizes are those the ZIP directory declares; ``zipfile`` never
    unpacks more than that.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableSource(f"{path.name}: not a readable Word .docx file ({exc})") from exc
    xml = sum(p.file_size for p in parts if p.filename.endswith((".xml", ".rels")))
    total = sum(p.file_size for p in parts)
    largest = max(parts, key=lambda p: p.file_size, default=None)
    biggest = f"; largest part {largest.filename}, {largest.file_size / 1e6:,.0f} MB" if largest else ""
    if xml > MAX_DOCX_XML_BYTES:
        raise UnreadableSource(
            f"{path.name}: its XML would unpack to {xml / 1e6:,.0f} MB, more than the "
            f"{MAX_DOCX_XML_BYTES / 1e6:.0f} MB a report needs{biggest}; not read (a ZIP bomb?)"
        )
    if total > max(MAX_DOCX_BYTES, 10 * len(data)):
        raise UnreadableSource(
            f"{path.name}: it would unpack to {total / 1e6:,.0f} MB from {len(data) / 1e6:,.1f} MB{biggest}; "
            "not read (a ZIP bomb?)"
        )


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


def _table_block(table: Table, table_no: int) -> tuple[TableBlock, list[str]]:
    """Expand one Word table onto its grid; and its warnings.

    Attributes are read from the XML, not through python-docx's typed properties, which raise on a value
    such as ``w:gridSpan="abc"``: such a value counts as 1 and is reported, and spans are capped as in HTML.
    """
    name = f"table {table_no}"
    grid = Grid(name)
    odd: list[str] = []
    top_left: dict[tuple[int, int], tuple[int, int]] = {}  # grid position → the position its cell starts at
    for r, tr in enumerate(table._tbl.tr_lst):
        before = _val(tr, "./w:trPr/w:gridBefore/@w:val")
        c = int(before) if before and before.isascii() and before.isdigit() and int(before) <= MAX_SPAN else 0
        if before and not c and before != "0":
            odd.append(f"{name} row {r + 1} gridBefore")
        for tc in tr.tc_lst:
            span, bad = read_span(_val(tc, "./w:tcPr/w:gridSpan/@w:val"))
            if bad:
                odd.append(f"{name} row {r + 1} cell {c + 1} gridSpan")
            merge = tc.xpath("./w:tcPr/w:vMerge")
            continued = bool(merge) and (merge[0].get(qn("w:val")) or "continue") == "continue"
            above = top_left.get((r - 1, c)) if r else None
            if continued and above is not None:
                used = grid.place(r, c, grid.get(*above), 1, span, copy=True)  # type: ignore[arg-type]
                origin = above
            else:
                cell = Cell(_cell_text(_Cell(tc, table)), None, f"{name} row {r + 1} cell {c + 1}")
                used = grid.place(r, c, cell, 1, span)
                origin = (r, c)
            for dc in range(used):
                top_left[(r, c + dc)] = origin
            c += used
    warnings = grid.warnings
    if odd:
        warnings.append(
            f"{name}: merge attributes that are not a number from 1 to {MAX_SPAN} read as 1 or {MAX_SPAN} "
            f"({', '.join(odd[:3])}{' …' if len(odd) > 3 else ''})"
        )
    return grid.block(), warnings


def _val(element: etree._Element, path: str) -> str | None:
    found = element.xpath(path)
    return str(found[0]) if found else None


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
