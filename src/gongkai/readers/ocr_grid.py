"""Ruled tables in a page image: straighten the page, find the ruling lines, cut the table into cells.

OpenCV morphology: an opening with a long thin kernel keeps only the horizontal (or vertical) strokes
longer than any character, which are the ruling lines. The page is first turned upright by the median
angle of its long horizontal lines. A table is a connected set of ruling lines; its cells are the
white regions the lines enclose (so a merged cell comes out as one region), each placed on the grid of
the table's distinct line positions, as ``readers/pdf.py`` places pdfplumber's cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MAX_SKEW = 5.0  # degrees: a page turned further than this is left as it is (not a slight scan rotation)
MIN_TABLE_SIDE = 60  # pixels: a line structure smaller than this either way is not a table
MIN_CELL_SIDE = 8  # pixels: a region thinner than this between lines is a double line, not a cell
BORDER_TOLERANCE_SHARE = 0.35  # of the text height: line positions closer than this are one line


@dataclass(frozen=True)
class ImageCell:
    """One cell of a table in the image: its pixel box and its place in the table's grid."""

    x0: int
    y0: int
    x1: int
    y1: int
    row: int
    column: int
    rows: int  # grid rows covered
    columns: int  # grid columns covered


@dataclass(frozen=True)
class ImageTable:
    """A ruled table found in the image: its box, grid size and cells (top to bottom, left to right)."""

    box: tuple[int, int, int, int]
    n_rows: int
    n_columns: int
    cells: list[ImageCell]


def ink(grey: np.ndarray) -> np.ndarray:
    """Dark pixels as 255, background 0 (adaptive, so uneven scans and grey text both work)."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def text_height(binary: np.ndarray) -> int:
    """The typical height of a character in pixels (median height of the ink blobs off the long lines), at least 8."""
    rough = cv2.bitwise_or(_lines(binary, 40, horizontal=True), _lines(binary, 40, horizontal=False))
    text = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(rough, np.ones((3, 3), np.uint8))))
    _, _, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    small = heights[(heights >= 5) & (heights <= 120) & (widths <= 120)]
    return max(8, int(np.median(small))) if len(small) else 16


def _lines(binary: np.ndarray, length: int, horizontal: bool) -> np.ndarray:
    shape = (length, 1) if horizontal else (1, length)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, shape)
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)


def _rotate(image: np.ndarray, angle: float, fill: int) -> np.ndarray:
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def skew_angle(binary: np.ndarray) -> float:
    """The angle in degrees that turns the page upright: the one whose rows of ink are sharpest.

    Ruling lines and lines of text both make the row profile of the ink peak when they are level; the
    angle is searched in steps of 0.2° on the page at half size, then of 0.1° and 0.02° at full size;
    0 for an empty page or when no angle beats level.
    """
    small = cv2.resize(binary, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0

    def sharpness(image: np.ndarray, angle: float) -> float:
        return float(np.square(_rotate(image, angle, 0).sum(axis=1, dtype=np.float64)).sum())

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.2), key=lambda a: sharpness(small, a))
    medium = max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.1), key=lambda a: sharpness(binary, a))
    best = max(np.arange(medium - 0.1, medium + 0.1 + 1e-9, 0.02), key=lambda a: sharpness(binary, a))
    return float(round(best, 2)) if sharpness(binary, best) > sharpness(binary, 0.0) * 1.0001 else 0.0


def deskew(grey: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned upright (white fill), and the angle it was turned by."""
    angle = skew_angle(ink(grey))
    if abs(angle) < 0.05:
        return grey, 0.0
    return _rotate(grey, angle, 255), angle


def _cluster(values: list[int], tolerance: float) -> list[float]:
    clusters: list[list[int]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= tolerance:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [sum(c) / len(c) for c in clusters]


def _nearest(borders: list[float], value: float) -> int:
    return min(range(len(borders)), key=lambda i: abs(borders[i] - value))


def find_tables(grey: np.ndarray) -> tuple[list[ImageTable], np.ndarray]:
    """The ruled tables of an upright page image, and the mask of their ruling lines."""
    binary = ink(grey)
    char = text_height(binary)
    horizontal = _lines(binary, max(15, int(2.2 * char)), horizontal=True)
    vertical = _lines(binary, max(12, int(1.15 * char)), horizontal=False)  # a row is taller than a character
    # Close small breaks along each line (blur and thresholding leave some), then join the two sets.
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9)))
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    tables: list[ImageTable] = []
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        if w < MIN_TABLE_SIDE or h < MIN_TABLE_SIDE:
            continue
        own = (labels[y : y + h, x : x + w] == k).astype(np.uint8) * 255
        table = _table((x, y, x + w, y + h), own, tolerance=max(3.0, BORDER_TOLERANCE_SHARE * char))
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.box[1])
    return tables, rules


def _table(box: tuple[int, int, int, int], own_rules: np.ndarray, tolerance: float) -> ImageTable | None:
    """The cells enclosed by one table's ruling lines, placed on its grid (None when it has fewer than 2)."""
    x_off, y_off = box[0], box[1]
    # Close the frame: a table cut by a page break has no bottom (or top) line of its own.
    framed = own_rules.copy()
    cv2.rectangle(framed, (0, 0), (framed.shape[1] - 1, framed.shape[0] - 1), 255, 3)
    space = cv2.bitwise_not(framed)
    n, _, stats, _ = cv2.connectedComponentsWithStats(space, connectivity=4)
    regions: list[tuple[int, int, int, int]] = []
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        if w < MIN_CELL_SIDE or h < MIN_CELL_SIDE:
            continue
        regions.append((x, y, x + w, y + h))
    if len(regions) < 2:
        return None
    # A cell's region stops at the inner edge of its lines; its borders are the lines' middles.
    columns = _cluster([v for r in regions for v in (r[0] - 2, r[2] + 2)], tolerance)
    rows = _cluster([v for r in regions for v in (r[1] - 2, r[3] + 2)], tolerance)
    if len(columns) < 3 or len(rows) < 2:
        return None
    cells: list[ImageCell] = []
    for x0, y0, x1, y1 in regions:
        c0, c1 = _nearest(columns, x0 - 2), _nearest(columns, x1 + 2)
        r0, r1 = _nearest(rows, y0 - 2), _nearest(rows, y1 + 2)
        if c1 <= c0 or r1 <= r0:
            continue
        cells.append(ImageCell(x0 + x_off, y0 + y_off, x1 + x_off, y1 + y_off, r0, c0, r1 - r0, c1 - c0))
    cells.sort(key=lambda c: (c.row, c.column))
    return ImageTable((box[0], box[1], box[2], box[3]), len(rows) - 1, len(columns) - 1, cells)
