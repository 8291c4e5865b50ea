"""HTML pages: real tables (rowspan/colspan expanded) and the text around them.

The report may sit inside site chrome, inside layout tables, or even inside a
JavaScript string; text outside the data tables becomes TextLines.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from gongkai.readers.base import MAX_SPAN, Block, Cell, SourceDocument, TableBlock, TextLine, UnreadableSource
from gongkai.readers.encoding import decode_text
from gongkai.readers.grid import Grid, read_span
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


def _cell_text(el: etree._Element) -> str:
    """Text of a cell; paragraphs and line breaks become newlines, &nbsp; a space, comments nothing."""
    parts: list[str] = []
    # Depth-first with an explicit stack (markup may nest thousands deep): a node to open, or a tail to add.
    stack: list[etree._Element | str] = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        if isinstance(node.tag, str) and node.tag not in _SKIP:
            parts.append(node.text or "")
            for child in reversed(node):
                stack.append(child.tail or "")
                stack.append(child)
                if isinstance(child.tag, str) and child.tag in {"p", "br", "div", "li"}:
                    stack.append("\n")
    return "\n".join(line.strip() for line in "".join(parts).replace("\xa0", " ").split("\n")).strip()


def _expand(table: etree._Element, number: int, line_offset: int) -> tuple[TableBlock, list[str]]:
    """Lay a table's cells on a grid, repeating merged cells in every position they cover; and its warnings."""
    grid = Grid(f"table {number}")
    odd_spans: list[str] = []
    rows = [tr for tr in table.iter("tr") if tr.getparent() is not None and _owner(tr) is table]
    for r, tr in enumerate(rows):
        c = 0
        for k, td in enumerate(el for el in tr if el.tag in {"td", "th"}):
            while grid.taken(r, c):
                c += 1
            line = (td.sourceline or tr.sourceline or 0) + line_offset or None
            cell = Cell(_cell_text(td), line, f"table {number} row {r + 1} cell {k + 1}")
            (rowspan, odd_row), (colspan, odd_col) = read_span(td.get("rowspan")), read_span(td.get("colspan"))
            if odd_row or odd_col:
                odd_spans.append(cell.ref)
            c += grid.place(r, c, cell, rowspan, colspan)
    warnings = grid.warnings
    if odd_spans:
        warnings.append(
            f"table {number}: rowspan/colspan that is not a number from 1 to {MAX_SPAN} read as 1 or {MAX_SPAN} "
            f"({', '.join(odd_spans[:3])}{' …' if len(odd_spans) > 3 else ''})"
        )
    return grid.block(), warnings


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
        self.warnings: list[str] = []

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

    def walk(self, root: etree._Element) -> None:
        """Emit the element's text and tables in document order (an explicit stack: nesting may be deep)."""
        stack: list[tuple[etree._Element, bool]] = [(root, False)]  # (element, its children are done)
        while stack:
            el, done = stack.pop()
            tag = el.tag if isinstance(el.tag, str) else ""
            if done:
                if tag in _BLOCK:
                    self.flush()
                if el is not root:
                    self.add(el.tail, el.sourceline)
                continue
            if tag in _SKIP or not tag:
                if el is not root:
                    self.add(el.tail, el.sourceline)
                continue
            if tag == "table" and _is_data_table(el):
                self.flush()
                self._tables += 1
                block, warnings = _expand(el, self._tables, self.line_offset)
                self.blocks.append(block)
                self.warnings += warnings
                if el is not root:
                    self.add(el.tail, el.sourceline)
                continue
            if tag == "img" and el.get("src"):  # OCR hook (readers/ocr_html.py): a table printed as a picture
                self._images += 1
                line = (el.sourceline or 0) + self.line_offset or None
                found = image_blocks(el.get("src", ""), self.folder, self._images, line, self.notes)
                if found:
                    self.flush()
                    self.blocks.extend(found)
                if el is not root:
                    self.add(el.tail, el.sourceline)
                continue
            if tag in _BLOCK:
                self.flush()
            self.add(el.text, el.sourceline)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))


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
    text, encoding, notes, _ = decode_text(data)  # the markup's format characters are not the page's text
    root, warnings = _parse(text)
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
            root, more = _parse(markup)
            warnings += more
    walker = _Walker(line_offset, path.parent, notes)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    warnings += walker.warnings
    if not walker.blocks:
        raise UnreadableSource("HTML page has no text" + (f" ({'; '.join(warnings)})" if warnings else ""))
    return SourceDocument(path, sha256, "html", encoding, walker.blocks, notes, metadata, warnings)


def _parse(text: str) -> tuple[etree._Element, list[str]]:
    """Parse markup with libxml2's size limits lifted (``huge_tree``: text nodes over 10 MB, nesting past 256).

    Nesting deeper than libxml2 allows even then (2048 levels) ends the parse there: the fatal errors it
    logs are returned as located warnings, since the rest of the page is not read.
    """
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableSource(f"HTML could not be parsed: {exc}") from exc
    warnings = [
        f"line {e.line}: the HTML parser (libxml2) stopped: {e.message}; the page is read only up to there"
        for e in parser.error_log
        if e.level == etree.ErrorLevels.FATAL
    ]
    return root, warnings
