"""Plain text and Markdown files: one TextLine per physical line."""

from __future__ import annotations

from pathlib import Path

from gongkai.readers.base import SourceDocument, TextLine
from gongkai.readers.encoding import decode_text

_LINE_REFS = ["line 0"]  # "line N" at index N, made once and shared by every file


def line_refs(count: int) -> list[str]:
    """The locators "line 0" … "line {count}" (index N holds "line N")."""
    if len(_LINE_REFS) <= count:
        _LINE_REFS.extend(f"line {n}" for n in range(len(_LINE_REFS), count + 1))
    return _LINE_REFS


def read_text(path: Path, data: bytes, sha256: str) -> SourceDocument:
    """Decode a text file and keep every line (empty ones too: they can be blank cells)."""
    text, encoding, notes, format_characters = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    refs = line_refs(len(lines))
    # TextLine(line, n, ref) without the named tuple's Python-level __new__ (the same object, half the
    # cost): this runs once per source line.
    new = tuple.__new__
    blocks = [new(TextLine, (line, n, refs[n])) for n, line in enumerate(lines, start=1)]
    return SourceDocument(
        path=path,
        sha256=sha256,
        kind="text",
        encoding=encoding,
        blocks=blocks,
        notes=notes,
        text=text,
        format_characters=format_characters,
    )
