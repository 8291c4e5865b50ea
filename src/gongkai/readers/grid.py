"""Lay a table's cells on a grid, merged cells repeated, with bounded work whatever the markup says.

Used by the HTML and Word readers. A merged cell covers at most ``MAX_SPAN`` rows and columns, and a table
at most ``MAX_GRID_CELLS`` positions: a span that would go past that budget is laid as a single cell, and
the table says so in its warnings (the table then cannot be trusted to be complete, and the reader reports
it rather than spending gigabytes on it).
"""

from __future__ import annotations

from gongkai.readers.base import MAX_GRID_CELLS, MAX_SPAN, Cell, TableBlock


def read_span(value: object) -> tuple[int, bool]:
    """A rowspan/colspan/gridSpan attribute as a count in 1 … ``MAX_SPAN``, and whether it had to be changed.

    A missing or empty value is 1; anything that is not a whole number (``"abc"``, ``"2.5"``, 5,000
    digits) is 1, and noted; a number outside 1 … ``MAX_SPAN`` is clipped, and noted.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return 1, False
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return 1, True
    n = int(text)
    return max(1, min(n, MAX_SPAN)), not 1 <= n <= MAX_SPAN


class Grid:
    """Positions (row, column) → cell, filled row by row; see :meth:`block` for what comes out."""

    def __init__(self, name: str) -> None:
        self.name = name  # "table 3", for the warnings
        self.cells: dict[tuple[int, int], Cell] = {}
        self.spanned: set[tuple[int, int]] = set()
        self.warnings: list[str] = []
        self._full = False

    def taken(self, r: int, c: int) -> bool:
        return (r, c) in self.cells

    def get(self, r: int, c: int) -> Cell | None:
        return self.cells.get((r, c))

    def place(self, r: int, c: int, cell: Cell, rows: int = 1, cols: int = 1, *, copy: bool = False) -> int:
        """Put ``cell`` at (r, c) covering ``rows`` × ``cols`` positions (only where free); returns the columns used.

        ``copy`` marks every position as a repeat of a cell placed before (a Word vertical merge).
        Past the budget the cell covers one position only, and a warning says where.
        """
        if len(self.cells) + rows * cols > MAX_GRID_CELLS:
            if not self._full:
                self.warnings.append(
                    f"{self.name} covers more than {MAX_GRID_CELLS} grid positions: from {cell.ref} on, merged "
                    f"cells are read as one position each, and cells past {4 * MAX_GRID_CELLS} positions are "
                    "dropped; the table is not read in full"
                )
                self._full = True
            rows = cols = 1
            if len(self.cells) >= 4 * MAX_GRID_CELLS:
                return cols  # bounded memory even for a flood of single cells
        for dr in range(rows):
            for dc in range(cols):
                key = (r + dr, c + dc)
                if key in self.cells:
                    continue
                self.cells[key] = cell
                if dr or dc or copy:
                    self.spanned.add(key)
        return cols

    def block(self) -> TableBlock:
        """The grid as a :class:`TableBlock`: each row as long as its last covered position, gaps ``absent``."""
        width: dict[int, int] = {}
        for r, c in self.cells:
            width[r] = max(width.get(r, 0), c + 1)
        n_rows = max(width, default=-1) + 1
        rows: list[list[Cell]] = []
        absent: set[tuple[int, int]] = set()
        budget = 4 * MAX_GRID_CELLS  # positions emitted, gaps included
        for r in range(n_rows):
            budget -= width.get(r, 0)
            if budget < 0:
                self.warnings.append(f"{self.name}: more than {4 * MAX_GRID_CELLS} grid positions; read up to row {r}")
                break
            row = []
            for c in range(width.get(r, 0)):
                cell = self.cells.get((r, c))
                if cell is None:
                    cell = Cell("", None, f"{self.name} row {r + 1} (no cell)")
                    absent.add((r, c))
                row.append(cell)
            rows.append(row)
        return TableBlock(rows=rows, spanned=self.spanned, absent=absent)
