"""Readers: a file of any kind → a SourceDocument of positioned text lines and tables."""

from __future__ import annotations

import hashlib
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

from gongkai.readers.base import SourceDocument, UnreadableSource
from gongkai.readers.docx import read_docx
from gongkai.readers.html import read_html
from gongkai.readers.invisible import strip_invisible
from gongkai.readers.pdf import read_pdf
from gongkai.readers.text import read_text

Reader = Callable[[Path, bytes, str], SourceDocument]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".text": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
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
        with warnings.catch_warnings(record=True, action="always") as caught:  # a library's warnings: this file's
            doc = reader(path, data, sha256)
    except UnreadableSource as exc:
        exc.sha256 = sha256
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a library failing on malformed content: the file is unreadable, never a crash
        where = traceback.extract_tb(exc.__traceback__)[-1]
        raise UnreadableSource(
            f"the {path.suffix.lower()} reader failed: {type(exc).__name__}: {exc} "
            f"(at {Path(where.filename).name}:{where.lineno})",
            sha256=sha256,
        ) from exc
    doc.warnings += _located(caught)
    strip_invisible(doc)
    return doc


def _located(caught: list[warnings.WarningMessage]) -> list[str]:
    """A library's warnings while reading a file, once each: messages of that report instead of terminal noise."""
    return list(dict.fromkeys(f"{_origin(w.filename)} warned: {w.message} ({w.category.__name__})" for w in caught))


def _origin(filename: str) -> str:
    """The package a warning came from (``docx``, ``lxml`` …), or its file name."""
    parts = Path(filename).parts
    return parts[parts.index("site-packages") + 1] if "site-packages" in parts[:-1] else Path(filename).stem


__all__ = ["READERS", "SourceDocument", "UnreadableSource", "read_source", "supported_suffixes"]
