"""What every reader produces: a source document as text lines and tables of cells.

Readers know nothing about the report format. They only turn a file into
positioned text; the parse stage decides what the text means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class Cell(NamedTuple):
    """One piece of source text with its position.

    ``line`` is the 1-based line in the source file when the file has lines
    (text, HTML); ``ref`` is a human-readable locator that works for every
    kind of source (``line 12``, ``table 2 row 3 cell 4``, ``page 4 line 18``).

    A named tuple rather than a frozen dataclass: one or more are made for every
    source line, and a tuple is several times cheaper to create. It is immutable
    and compares by value, as the dataclass did.
    """

    text: str
    line: int | None
    ref: str


class TextLine(Cell):
    """A line of running text (one physical line of a text file, a paragraph elsewhere).

    A :class:`Cell` itself (text, line, ref), so a line costs one small tuple; ``line.cell``
    is the line seen as a cell. ``isinstance(b, TextLine)`` tells it from a :class:`TableBlock`.
    """

    __slots__ = ()

    @property
    def cell(self) -> Cell:
        return self


@dataclass(frozen=True, slots=True)
class TableBlock:
    """A real table of the source (HTML, Word, PDF) with merged cells already expanded.

    ``rows`` holds the grid row by row. A cell spanning several grid columns or
    rows is repeated in each position it covers, and ``spanned`` marks those
    repeated positions so the parser can tell a merged cell from a copy.

    Rows are as long as their own cells reach, not padded to the widest row: a row
    the source gave one cell too few stays one cell short, so alignment can report it
    instead of reading every later cell one column to the left. A grid position inside
    a row that no source cell covers (below a merged cell, Word's ``w:gridBefore``) is an
    empty cell listed in ``absent``: it holds no data, not even a blank.
    """

    rows: list[list[Cell]]
    spanned: set[tuple[int, int]] = field(default_factory=set)
    absent: set[tuple[int, int]] = field(default_factory=set)

    @property
    def text(self) -> str:
        """The cell texts, one per line (a block's ``text``, as a :class:`TextLine` has one)."""
        return "\n".join([cell.text for row in self.rows for cell in row])


Block = TextLine | TableBlock


@dataclass
class SourceDocument:
    """A file read into blocks in reading order, with what the reader noticed."""

    path: Path
    sha256: str
    kind: str  # text, html, docx, pdf
    encoding: str | None
    blocks: list[Block]
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what was read only in part, and where
    text: str | None = None  # a text file's decoded text, newlines normalised: what its lines are cut from
    format_characters: bool | None = None  # whether ``text`` holds a format character (Unicode Cf), when the
    # reader's own scan of it told; None: not scanned


# Bounds on the work any input can cause: a merged cell covers at most MAX_SPAN rows and columns (Word's own
# limit is 63 columns), a table at most MAX_GRID_CELLS grid positions (an official table has about 400).
MAX_SPAN = 200
MAX_GRID_CELLS = 20_000


class UnreadableSource(Exception):
    """The file cannot be read as a report at all (empty, binary, undecodable, no content)."""

    def __init__(self, message: str, sha256: str | None = None) -> None:
        super().__init__(message)
        self.sha256 = sha256
