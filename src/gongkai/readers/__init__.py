"""Readers: a file of any kind → a SourceDocument of positioned text lines and tables."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from gongkai.readers.base import SourceDocument, UnreadableSource
from gongkai.readers.html import read_html
from gongkai.readers.text import read_text

Reader = Callable[[Path, bytes, str], SourceDocument]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".text": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
}


def supported_suffixes() -> tuple[str, ...]:
    """File suffixes that have a reader."""
    return tuple(READERS)


def read_source(path: Path) -> SourceDocument:
    """Read any supported file. Raises UnreadableSource with a clear message otherwise."""
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableSource(f"unsupported file type {path.suffix or '(none)'!r}", sha256=sha256)
    try:
        return reader(path, data, sha256)
    except UnreadableSource as exc:
        exc.sha256 = sha256
        raise


__all__ = ["READERS", "SourceDocument", "UnreadableSource", "read_source", "supported_suffixes"]
