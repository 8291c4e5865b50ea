"""Detect how the tables were laid out in a source, and cut its lines into rows of cells.

Layouts: ``html_table`` (real tables), ``tab_separated``, ``pipe_separated``,
``space_separated`` (text extracted from PDFs: numbers after the label) and
``one_cell_per_line``. Whatever the layout, the result is the same: rows of
cells, each cell with its source position, ready for alignment to a template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter

from gongkai.parse.values import is_value_like
from gongkai.readers.base import Block, Cell, TableBlock, TextLine

TEXT_LAYOUTS = ("tab_separated", "pipe_separated", "space_separated", "one_cell_per_line")
_PIPE_RULE = str.maketrans("", "", "|:-")  # a line of only these and spaces is a Markdown rule or padding
_SPACE_ROW = re.compile(r"^(?P<label>.*?\D)\s+(?P<values>(?:\S+\s+)*\S+)\s*$")
_TRAILING_VALUE_SHARE = 0.3
# Page furniture that PDF text extraction leaves inside tables: "- 4 -", "第 4 页 共 8 页", "4/8".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


def is_page_number(text: str) -> bool:
    """A line that is only a page number."""
    return bool(_PAGE_NUMBER.match(text))


EMPTY, NARRATIVE, CONTENT = 0, 1, 2


def _kind(text: str) -> int:
    if not text.strip():
        return EMPTY
    return NARRATIVE if "。" in text or is_page_number(text) else CONTENT


# Cached: label and value lines come back in report after report (the size bounds the memory that
# long narrative lines, which do not come back, can hold).
line_kind = lru_cache(maxsize=16384)(_kind)
line_kind.__doc__ = """``EMPTY`` (only spaces), ``NARRATIVE`` (a sentence with a full stop, or a page number: never a
table label or cell) or ``CONTENT``."""


def detect_text_layout(lines: list[TextLine]) -> str:
    """Guess the layout of the table sections from their lines, by counting the telltales."""
    kind = line_kind
    content = [text for ln in lines if kind(text := ln.text) == CONTENT]
    if not content:
        return "one_cell_per_line"
    n = len(content)
    if len([t for t in content if "\t" in t]) / n >= _TRAILING_VALUE_SHARE:
        return "tab_separated"
    if len([t for t in content if "|" in t]) / n >= _TRAILING_VALUE_SHARE:
        return "pipe_separated"
    spaced = 0  # lines of a label followed by at least two values: three make the layout
    for text in content:
        tokens = text.split()
        if len(tokens) < 3:  # a label and two values need three tokens
            continue
        label, values = _split_tokens(tokens)
        spaced += len(values) >= 2 and bool(label)
        if spaced >= 3:
            return "space_separated"
    return "one_cell_per_line"


def _split_tokens(tokens: list[str]) -> tuple[str, list[str]]:
    """The label (leading tokens, joined) and the values (the trailing tokens that read as values)."""
    k = len(tokens)
    while k > 0 and is_value_like(tokens[k - 1]):
        k -= 1
    return "".join(tokens[:k]), tokens[k:]


def _tab_parts(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("\t"))


def _pipe_parts(text: str) -> tuple[str, ...]:
    if text.count("|") >= 2 and not text.translate(_PIPE_RULE).strip():
        return ()  # padding of merged cells or a Markdown rule line
    parts = text.split("|")
    if len(parts) > 1 and not parts[-1].strip():
        parts = parts[:-1]
    return tuple(part.strip() for part in parts)


def _space_parts(text: str) -> tuple[str, ...]:
    label, values = _split_tokens(text.split())
    return (label, *values) if label else tuple(values)


def _whole(text: str) -> tuple[str, ...]:
    return (text.strip(),)  # one cell per line; run-together text after it was cut


def _content_cells(cut: Callable[[str], tuple[str, ...]]) -> Callable[[str], tuple[str, ...]]:
    """``cut`` for a line of content; no cells for an empty or narrative line (see :func:`line_kind`).

    Cached: rows of labels and small numbers come back in report after report (one cache per layout: a cache of
    one argument is the quickest)."""

    def cells(text: str) -> tuple[str, ...]:
        return cut(text) if line_kind(text) == CONTENT else ()

    return lru_cache(maxsize=16384)(cells)


# The texts of a line's cells, by layout.
_CELL_TEXTS = {
    "tab_separated": _content_cells(_tab_parts),
    "pipe_separated": _content_cells(_pipe_parts),
    "space_separated": _content_cells(_space_parts),
}
_WHOLE_LINE = _content_cells(_whole)


def _blank_line_stride(kinds: list[int]) -> int:
    """How many empty lines normally separate two cells in a one-cell-per-line table (0 or more)."""
    gaps: dict[int, int] = {}  # gap length → how often, in order of first appearance (ties: the first)
    run = None
    for kind in kinds:
        if kind != EMPTY:
            if run is not None:
                gaps[run] = gaps.get(run, 0) + 1
            run = 0
        elif run is not None:
            run += 1
    return max(gaps.items(), key=itemgetter(1))[0] if gaps else 0


def text_rows(lines: list[TextLine], layout: str, stride: int | None = None) -> list[list[Cell]]:
    """Rows of cells from the lines of a table section; narrative sentences are left out. A text line is its
    own cell, and the cells cut from it keep its position.

    In the one-cell-per-line layout an empty line beyond the usual separator is a
    blank cell, so a table with blank cells survives the text extraction.
    """
    rows: list[list[Cell]] = []
    new = tuple.__new__  # Cell(t, n, ref) without the named tuple's Python-level __new__: one per cell
    if layout == "one_cell_per_line":
        kinds = [line_kind(ln.text) for ln in lines]
        stride = _blank_line_stride(kinds) if stride is None else stride
        empty: list[Cell] = []
        for ln, kind in zip(lines, kinds, strict=True):
            if kind == EMPTY:
                empty.append(ln)
                continue
            if rows and len(empty) > stride:
                for i in range((len(empty) - stride) // (stride + 1)):
                    rows.append([empty[stride + i * (stride + 1)]])
            empty = []
            if kind == CONTENT:
                text, n, ref = ln
                stripped = text.strip()
                rows.append([ln] if stripped == text else [new(Cell, (stripped, n, ref))])
        if rows:  # empty lines closing the table: blank cells or padding, alignment tells which
            rows.extend([empty[stride + i * (stride + 1)]] for i in range(len(empty) // (stride + 1)))
        return rows
    cut = _CELL_TEXTS.get(layout, _WHOLE_LINE)
    for ln in lines:
        text, n, ref = ln
        parts = cut(text)
        if not parts:  # an empty or narrative line, a rule line
            continue
        if len(parts) == 1 and parts[0] == text:
            rows.append([ln])
        else:
            rows.append([new(Cell, (part, n, ref)) for part in parts])
    return rows


def table_rows(table: TableBlock) -> list[list[Cell]]:
    """Rows of a real table, without the copies that a horizontal merge (colspan) leaves.

    Copies from a vertical merge (rowspan) stay when they are labels, so that each
    row carries its group label; a merged value is kept only in its first row.
    Positions no source cell covers (``table.absent``) are no cells at all.
    """
    rows: list[list[Cell]] = []
    for r, row in enumerate(table.rows):
        out: list[Cell] = []
        for c, cell in enumerate(row):
            if (r, c) in table.absent:
                continue
            if (r, c) in table.spanned:
                if c > 0 and row[c - 1] == cell:
                    continue
                if is_value_like(cell.text):
                    continue
            out.append(cell)
        rows.append(out)
    return rows


def block_rows(blocks: Iterable[Block], layout: str) -> list[list[Cell]]:
    """Rows of cells from a section's blocks: real tables as they are, text lines by layout."""
    rows: list[list[Cell]] = []
    pending: list[TextLine] = []
    for block in blocks:
        if isinstance(block, TableBlock):
            rows.extend(text_rows(pending, layout))
            pending = []
            rows.extend(table_rows(block))
        else:
            pending.append(block)
    if layout != "html_table":
        rows.extend(text_rows(pending, layout))
    return rows
