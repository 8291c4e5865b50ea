"""Plain text and Markdown files: one TextLine per physical line."""

from __future__ import annotations

from pathlib import Path

from gongkai.readers.base import Cell, SourceDocument, TextLine
from gongkai.readers.encoding import decode_text


def read_text(path: Path, data: bytes, sha256: str) -> SourceDocument:
    """Decode a text file and keep every line (empty ones too: they can be blank cells)."""
    text, encoding, notes = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # TextLine(Cell(line, n, ref)) without the named tuples' Python-level __new__ (the same objects,
    # half the cost): this runs once per source line.
    new = tuple.__new__
    blocks = [new(TextLine, (new(Cell, (line, n, f"line {n}")),)) for n, line in enumerate(lines, start=1)]
    return SourceDocument(path=path, sha256=sha256, kind="text", encoding=encoding, blocks=blocks, notes=notes)
