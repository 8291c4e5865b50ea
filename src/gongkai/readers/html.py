"""HTML pages: real tables (rowspan/colspan expanded) and the text around them.

The report may sit inside site chrome, inside layout tables, or even inside a
JavaScript string; text outside the data tables becomes TextLines.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from gongkai.readers.base import Block, Cell, SourceDocument, TableBlock, TextLine, UnreadableSource
from gongkai.readers.encoding import decode_text
from gongkai.readers.ocr_html import image_blocks

_SKIP = {"script", "style", "noscript", "head", "title", "template", "iframe", "select", "button"}
_BLOCK = {
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "tr",
    "blockquote",
    "pre",
    "hr",
    "dt",
    "dd",
    "center",
    "form",
    "nav",
    "aside",
}
_META = {"articletitle": "title", "pubdate": "published", "contentsource": "issuer"}
_JS_STRING = re.compile(
    r'"((?:[^"\\]|\\.)*<table(?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*<table(?:[^\'\\]|\\.)*)\'', re.S | re.I
)


def _span(el: etree._Element, attr: str) -> int:
    try:
        return max(1, min(int(str(el.get(attr, "1")).strip() or 1), 200))
    except ValueError:
        return 1


def _cell_text(el: etree._Element) -> str:
    """Text of a cell; paragraphs and line breaks become newlines, &nbsp; a space, comments nothing."""
    parts: list[str] = []

    def visit(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag not in _SKIP:
            parts.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str) and child.tag in {"p", "br", "div", "li"}:
                    parts.append("\n")
                visit(child)
                parts.append(child.tail or "")

    visit(el)
    return "\n".join(line.strip() for line in "".join(parts).replace("\xa0", " ").split("\n")).strip()


def _expand(table: etree._Element, number: int, line_offset: int) -> TableBlock:
    """Lay a table's cells on a grid, repeating merged cells in every position they cover."""
    grid: dict[tuple[int, int], Cell] = {}
    spanned: set[tuple[int, int]] = set()
    rows = [tr for tr in table.iter("tr") if tr.getparent() is not None and _owner(tr) is table]
    for r, tr in enumerate(rows):
        c = 0
        for k, td in enumerate(el for el in tr if el.tag in {"td", "th"}):
            while (r, c) in grid:
                c += 1
            line = (td.sourceline or tr.sourceline or 0) + line_offset or None
            cell = Cell(_cell_text(td), line, f"table {number} row {r + 1} cell {k + 1}")
            for dr in range(_span(td, "rowspan")):
                for dc in range(_span(td, "colspan")):
                    grid[(r + dr, c + dc)] = cell
                    if dr or dc:
                        spanned.add((r + dr, c + dc))
            c += _span(td, "colspan")
    n_rows = max((r for r, _ in grid), default=-1) + 1
    n_cols = max((c for _, c in grid), default=-1) + 1
    out = [
        [grid.get((r, c), Cell("", None, f"table {number} row {r + 1} (no cell)")) for c in range(n_cols)]
        for r in range(n_rows)
    ]
    return TableBlock(rows=out, spanned=spanned)


def _owner(el: etree._Element) -> etree._Element | None:
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _is_data_table(table: etree._Element) -> bool:
    return not any(True for _ in table.iterdescendants("table"))


class _Walker:
    """Walks the DOM in document order, emitting text lines and data tables."""

    def __init__(self, line_offset: int, folder: Path | None = None, notes: list[str] | None = None) -> None:
        self.blocks: list[Block] = []
        self.line_offset = line_offset
        self.folder, self.notes, self._images = folder, notes if notes is not None else [], 0
        self._parts: list[str] = []
        self._line: int | None = None
        self._tables = 0

    def flush(self) -> None:
        text = re.sub(r"[ \t\xa0\u3000]+", " ", "".join(self._parts)).strip()
        if text:
            self.blocks.append(TextLine(text, self._line, f"line {self._line}"))
        self._parts, self._line = [], None

    def add(self, text: str | None, line: int | None) -> None:
        if text and text.strip():
            if self._line is None and line:
                self._line = line + self.line_offset
            self._parts.append(text)
        elif text:
            self._parts.append(" ")

    def walk(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            self._tables += 1
            self.blocks.append(_expand(el, self._tables, self.line_offset))
            return
        if tag == "img" and el.get("src"):  # OCR hook (readers/ocr_html.py): a table printed as a picture
            self._images += 1
            line = (el.sourceline or 0) + self.line_offset or None
            found = image_blocks(el.get("src", ""), self.folder, self._images, line, self.notes)
            if found:
                self.flush()
                self.blocks.extend(found)
            return
        if tag in _BLOCK:
            self.flush()
        self.add(el.text, el.sourceline)
        for child in el:
            self.walk(child)
            if isinstance(child.tag, str) and child.tag in _BLOCK:
                self.flush()
            self.add(child.tail, child.sourceline)
        if tag in _BLOCK:
            self.flush()


_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}


def _unescape_js(s: str) -> str:
    """Undo JavaScript string escapes (\\", \\/, \\n, \\uXXXX …) without touching other text."""

    def repl(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _JS_SIMPLE.get(code, code)

    return _JS_ESCAPE.sub(repl, s)


def _embedded_html(root: etree._Element) -> tuple[str, int] | None:
    """Report HTML inside a script string: return the decoded markup and its script's line."""
    for script in root.iter("script"):
        for m in _JS_STRING.finditer(script.text or ""):
            raw = m.group(1) if m.group(1) is not None else m.group(2)
            return _unescape_js(raw), (script.sourceline or 1) - 1
    return None


def read_html(path: Path, data: bytes, sha256: str) -> SourceDocument:
    """Parse an HTML page into blocks; metadata from <meta> tags when present."""
    text, encoding, notes = decode_text(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableSource(f"HTML could not be parsed: {exc}") from exc
    metadata = {
        _META[m.get("name", "").lower()]: m.get("content", "").strip()
        for m in root.iter("meta")
        if m.get("name", "").lower() in _META and m.get("content", "").strip()
    }
    titles = [t.text_content().strip() for t in root.iter("title") if t.text_content().strip()]
    if titles:
        metadata.setdefault("page_title", titles[0])
    line_offset = 0
    if not any(_is_data_table(t) for t in root.iter("table")):
        embedded = _embedded_html(root)
        if embedded is not None:
            markup, line_offset = embedded
            notes.append(f"report found inside a script string (line {line_offset + 1}); lines are relative")
            root = lxml.html.document_fromstring(markup)
    walker = _Walker(line_offset, path.parent, notes)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    if not walker.blocks:
        raise UnreadableSource("HTML page has no text")
    return SourceDocument(path, sha256, "html", encoding, walker.blocks, notes, metadata)
