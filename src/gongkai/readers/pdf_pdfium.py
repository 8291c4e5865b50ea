"""Characters and ruling lines of PDF pages from pypdfium2 (PDFium), in the shape pdfplumber uses.

PDFium parses a page about ten times faster than pdfminer.six. This module takes from it only what
the reader needs — each character with its box, and the ruling lines (path segments and rectangles)
— and hands them over as pdfplumber's objects (``char`` dicts and ``h``/``v`` edge dicts, top-down
coordinates), so pdfplumber's table finder and text clustering run unchanged on them
(:class:`PageObjects` stands in for a pdfplumber page: ``chars``, ``edges``, ``bbox``).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Path segment types of PDFium (fpdf_edit.h)
_LINETO, _MOVETO = pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_MOVETO
_STRAIGHT = 0.01  # points: a segment is horizontal/vertical when its ends differ by less than this across
_MAYBE_INFERRED = {" ", "\r", "\n"}  # the characters PDFium may insert (FPDFText_IsGenerated)
_SKIPPED = {"", "\r", "\n", "\x02", "\ufffe", "\x00"}


class PdfPasswordError(Exception):
    """The PDF is encrypted and cannot be opened without a password."""


@dataclass
class PageObjects:
    """One page as pdfplumber's table finder and text utilities see a page."""

    number: int
    width: float
    height: float
    chars: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open PDF bytes; an encrypted file raises :class:`PdfPasswordError`."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise PdfPasswordError(str(exc)) from exc
        raise


def metadata(doc: pdfium.PdfDocument) -> dict[str, str]:
    """The document-information entries (Title, Author …) as PDFium decodes them."""
    return {k: v.strip("\x00 ") for k, v in doc.get_metadata_dict(skip_empty=True).items()}


def read_page(doc: pdfium.PdfDocument, index: int) -> PageObjects:
    """The characters and edges of page ``index`` (0-based)."""
    page = doc[index]
    try:
        width, height = page.get_size()
        out = PageObjects(index + 1, float(width), float(height))
        out.chars = list(_chars(page, out.height))
        out.edges = list(_edges(page, out.height))
        return out
    finally:
        page.close()


def _chars(page: pdfium.PdfPage, height: float) -> Iterator[dict]:
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        box = pdfium_c.FS_RECTF()
        matrix = pdfium_c.FS_MATRIX()
        count = pdfium_c.FPDFText_CountChars(raw)
        texts = _page_text(raw, count)
        # PDFium's functions bound once: they are called for every character
        generated, loose_box = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetLooseCharBox
        get_matrix, font_size = pdfium_c.FPDFText_GetMatrix, pdfium_c.FPDFText_GetFontSize
        object_texts: dict[int, str] = {}  # text of each text object asked about, by its address
        previous: int | None = None  # index of the last character kept
        last: dict | None = None  # and the character
        pending: dict | None = None  # a space ending a text object, kept if the next character follows on its line
        for i in range(count):
            text = texts[i] if texts is not None else chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 0)
            # PDFium infers only spaces and line breaks: other characters are asked nothing about it
            if text in _MAYBE_INFERRED and generated(raw, i) == 1:
                if last is not None and _printed_space(raw, i, previous, object_texts):
                    # a space glyph of the file that PDFium reports as inferred, with no box: it sits after
                    # the character before it, on its line
                    pending = {**last, "text": " ", "x0": last["x1"], "width": 0.0}
                continue  # a space or line break PDFium inferred: not in the file
            if text in _SKIPPED or not loose_box(raw, i, box):
                continue
            get_matrix(raw, i, matrix)
            # the em size as pdfminer gives it (font size × the text matrix's scale); the box runs from the
            # descent (PDFium's loose box) one em up, as pdfminer's does, so lines cluster the same way
            size = font_size(raw, i) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            x0, x1 = box.left, box.right
            y_bottom = height - box.bottom
            y_top = y_bottom - size
            previous = i
            if pending is not None:
                if abs(pending["bottom"] - y_bottom) < size / 2 and x0 > pending["x0"]:
                    yield pending
                pending = None
            last = {
                "object_type": "char",
                "text": text,
                "x0": x0,
                "x1": x1,
                "top": y_top,
                "bottom": y_bottom,
                "doctop": y_top,
                "width": x1 - x0,
                "height": size,
                "size": size,
                "upright": True,
            }
            yield last
    finally:
        textpage.close()


def _page_text(textpage, count: int) -> str | None:
    """The page's characters in one call, one per index (None when some character is outside the BMP,
    so that indexes and UTF-16 units differ: then each is asked for)."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    units = buffer[: max(written - 1, 0)]
    if len(units) != count or any(0xD800 <= u <= 0xDFFF for u in units):
        return None
    return "".join(map(chr, units))


def _printed_space(textpage, i: int, previous: int | None, texts: dict[int, str]) -> bool:
    """Whether a space PDFium marks as inferred is a space glyph of the file: PDFium does so for a space
    that ends a text object ("容 "), which pdfminer reads as a character (a word break)."""
    if previous is None or pdfium_c.FPDFText_GetUnicode(textpage, i) != 0x20:
        return False
    obj = pdfium_c.FPDFText_GetTextObject(textpage, previous)
    if not obj:
        return False
    address = ctypes.cast(obj, ctypes.c_void_p).value or 0
    if address not in texts:
        texts[address] = _object_text(obj, textpage)
    return texts[address].endswith(" ")


def _object_text(obj, textpage) -> str:
    """The text of a text object (as PDFium reads it)."""
    size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)  # bytes of UTF-16, with the final NUL
    buffer = (ctypes.c_ushort * max(size // 2, 1))()
    pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, size)
    return "".join(map(chr, buffer)).rstrip("\x00")


def _edges(page: pdfium.PdfPage, height: float) -> Iterator[dict]:
    """Horizontal and vertical edges of every path on the page (inside forms too)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj, matrix in _paths(page.raw):
        if pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke) and not (fill.value or stroke.value):
            continue  # a path ended without painting (a clip): pdfminer does not keep it either
        for (ax, ay), (bx, by) in _segments(obj, matrix):
            if abs(ax - bx) < _STRAIGHT and abs(ay - by) >= _STRAIGHT:
                top, bottom = sorted((height - ay, height - by))
                yield _edge("v", ax, ax, top, bottom)
            elif abs(ay - by) < _STRAIGHT and abs(ax - bx) >= _STRAIGHT:
                x0, x1 = sorted((ax, bx))
                yield _edge("h", x0, x1, height - ay, height - ay)


def _paths(page, outer: tuple[float, ...] = (1, 0, 0, 1, 0, 0), depth: int = 0) -> Iterator[tuple]:
    """Every path object of a page or form with its matrix to page space (forms entered 8 deep at most)."""
    matrix = pdfium_c.FS_MATRIX()
    count = pdfium_c.FPDFPage_CountObjects(page) if depth == 0 else pdfium_c.FPDFFormObj_CountObjects(page)
    for k in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page, k) if depth == 0 else pdfium_c.FPDFFormObj_GetObject(page, k)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
            continue
        pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
        own = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj, own
        elif depth < 8:
            yield from _paths(obj, own, depth + 1)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying ``inner`` then ``outer``."""
    a, b, c, d, e, f = inner
    pa, pb, pc, pd, pe, pf = outer
    return (
        a * pa + b * pc,
        a * pb + b * pd,
        c * pa + d * pc,
        c * pb + d * pd,
        e * pa + f * pc + pe,
        e * pb + f * pd + pf,
    )


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {
        "object_type": "line",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
    }


def _segments(path, matrix: tuple[float, ...]) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight pieces of a path, in page coordinates (curves are skipped, as ruling lines are straight)."""
    a, b, c, d, e, f = matrix
    fx, fy = ctypes.c_float(), ctypes.c_float()
    start = current = None
    for k in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, k)
        pdfium_c.FPDFPathSegment_GetPoint(segment, fx, fy)
        x, y = fx.value, fy.value
        point = (a * x + c * y + e, b * x + d * y + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == _MOVETO:
            start = current = point
            continue
        if kind == _LINETO and current is not None:
            yield current, point
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and current != start:
            yield current, start
            current = start
