"""Pictures in a web page (a table printed as an image) read by OCR.

``readers/html.py`` calls :func:`image_blocks` for each ``<img>``. The picture is read when it is a
``data:`` URI or a local file beside the page (a relative ``src``, resolved inside the page's folder);
remote and site-absolute addresses (``http://…``, ``/images/logo.png``) are not fetched. Pictures
smaller than a table can be (logos, icons) are skipped. Every cell keeps the ``<img>`` tag's source line.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from gongkai.readers.base import Block, Cell, TableBlock, TextLine

MIN_WIDTH, MIN_HEIGHT = 300, 80  # pixels: anything smaller holds no table
_DATA_URI = re.compile(r"^data:(?P<type>[\w/+.-]*)(?P<params>(?:;[\w=.+-]+)*?)(?P<b64>;base64)?,(?P<data>.*)$", re.S)


def _image_bytes(src: str, folder: Path | None, notes: list[str], line: int | None) -> bytes | None:
    src = src.strip()
    match = _DATA_URI.match(src)
    if match:
        payload = match.group("data")
        try:
            if match.group("b64"):
                return base64.b64decode(payload, validate=False)
            return unquote(payload).encode("latin-1")
        except (binascii.Error, ValueError, UnicodeEncodeError):
            notes.append(f"line {line}: a data: URI image that cannot be decoded")
            return None
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("/") or folder is None:
        return None  # remote or site-absolute: not fetched
    target = (folder / unquote(parts.path)).resolve()
    if not target.is_relative_to(folder.resolve()):
        notes.append(f"line {line}: image {src!r} lies outside the page's folder: not read")
        return None
    if not target.is_file():
        notes.append(f"line {line}: image {src!r} not found beside the page: not read")
        return None
    return target.read_bytes()


def _with_line(block: Block, line: int | None) -> Block:
    if isinstance(block, TextLine):
        return TextLine(block.text, line, block.ref)
    rows = [[Cell(c.text, line, c.ref) for c in row] for row in block.rows]
    return TableBlock(rows=rows, spanned=block.spanned)


def image_blocks(src: str, folder: Path | None, number: int, line: int | None, notes: list[str]) -> list[Block]:
    """The blocks OCR reads in the ``number``-th picture of the page (none for a logo or a remote picture)."""
    data = _image_bytes(src, folder, notes, line)
    if not data:
        return []
    from gongkai.readers.ocr import decode_image, read_page_image  # the engine loads only when a picture needs it

    grey = decode_image(data)
    if grey is None:
        notes.append(f"line {line}: image {number} is not a picture that can be decoded")
        return []
    if grey.shape[1] < MIN_WIDTH or grey.shape[0] < MIN_HEIGHT:
        return []
    reading = read_page_image(grey, f"image {number}")
    notes.extend(reading.notes)
    return [_with_line(b, line) for b in reading.blocks]
