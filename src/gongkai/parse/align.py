"""Group rows of cells into labelled rows and align their values to a template's columns.

A *labelled row* is a run of label cells followed by a run of value cells. It
does not matter whether the source put them on one line, on many lines, or in a
table: the label run tells which template row it is, the value run gives the
values. Empty cells are kept, because a blank cell is data; where padding and
blank cells cannot be told apart, alignment uses the only safe evidence: cells
outside the chosen columns must all be empty, and several possible placements
are settled by the physical column that unambiguous rows use, or reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from gongkai.parse.normalize import norm
from gongkai.parse.values import read_value
from gongkai.readers.base import Cell


class Slot(NamedTuple):
    """A cell in the stream, with the physical row and column it came from.

    A named tuple rather than a frozen dataclass: one is made for every cell, and
    a tuple is several times cheaper to create.
    """

    cell: Cell
    row: int
    col: int
    width: int  # number of cells in its physical row

    @property
    def empty(self) -> bool:
        return not self.cell.text.strip()

    @property
    def explicit_blank(self) -> bool:
        """An empty cell standing alone (a blank line between cells, a lone " |"): data, not padding."""
        return self.width == 1 and self.empty


@dataclass
class LabelledRow:
    labels: list[Slot] = field(default_factory=list)
    values: list[Slot] = field(default_factory=list)  # value cells and empty cells, in order
    n_values: int = 0  # non-empty value cells
    blank_row: bool = False  # a row label followed by blank cells only
    _label_text: str | None = field(default=None, repr=False, compare=False)  # label_text, once read

    @property
    def label_text(self) -> str:
        """The label cells joined and normalised (read once the row is complete, then kept)."""
        if self._label_text is None:
            self._label_text = norm("".join([s.cell.text for s in self.labels]))
        return self._label_text

    @property
    def line(self) -> int | None:
        for s in reversed(self.labels):
            if s.cell.line:
                return s.cell.line
        return next((s.cell.line for s in self.values if s.cell.line), None)

    @property
    def is_data(self) -> bool:
        return self.n_values > 0 or self.blank_row


EMPTY, VALUE, LABEL = 0, 1, 2


@lru_cache(maxsize=65536)
def cell_kind(text: str) -> int:
    """``EMPTY`` (only spaces), ``VALUE`` or ``LABEL``.

    Values are numbers, dashes, words that stand for a value, and garbled runs of
    value characters ("3-120"). Cached: cell texts come back in report after report.
    """
    if not text.strip():
        return EMPTY
    status = read_value(text).status
    if status in {"number", "dash"}:
        return VALUE
    if status == "text" and (norm(text) in _TEXT_VALUES or bool(_GARBLED_VALUE.fullmatch(norm(text)))):
        return VALUE
    return LABEL


_GARBLED_VALUE = re.compile(r"(?=.*\d)[\d\-—–/.,]+")


_TEXT_VALUES = {"无", "暂无", "不适用", "空"}


def labelled_rows(rows: list[list[Cell]], is_row_label: Callable[[str], bool] | None = None) -> list[LabelledRow]:
    """Cut a stream of cells into label runs each followed by its values.

    Empty cells after a run that ends with a row label (``is_row_label``) are that
    row's blank cells; empty cells after any other label are padding.
    """
    out: list[LabelledRow] = []
    current = LabelledRow()
    values = current.values  # the current row's values, and their count, kept in locals in this hot loop
    n_values = 0

    def blank_row() -> bool:
        if not current.values or is_row_label is None:
            return False
        tail = norm("".join(s.cell.text for s in current.labels[-2:]))  # the row label, maybe wrapped once
        return is_row_label(tail)

    new = tuple.__new__  # Slot(cell, r, c, width) without the named tuple's Python-level __new__
    kind_of = cell_kind
    for r, row in enumerate(rows):
        width = len(row)
        if width == 1 and (kind := kind_of(row[0][0])) != LABEL:
            # a lone value or empty cell (one cell per line): what the loop below does, without its bookkeeping
            values.append(new(Slot, (row[0], r, 0, 1)))
            n_values += kind == VALUE
            continue
        leading: list[Slot] = []  # empty cells before a row's first text: padding if a label follows
        for c, cell in enumerate(row):
            slot = new(Slot, (cell, r, c, width))
            kind = kind_of(cell[0])
            if kind == EMPTY:
                (leading if len(leading) == c else values).append(slot)
            elif kind == VALUE:
                if leading:
                    values.extend(leading)
                    leading = []
                values.append(slot)
                n_values += 1
            else:
                leading = []
                if n_values or blank_row():
                    current.n_values = n_values
                    current.blank_row = not n_values
                    out.append(current)
                    current = LabelledRow()
                    values = current.values
                    n_values = 0
                else:
                    values.clear()  # empty cells between labels are padding
                current.labels.append(slot)
        if len(leading) == len(row):
            values.extend(leading)
    current.n_values = n_values
    if current.labels or n_values:
        current.blank_row = not n_values and blank_row()
        out.append(current)
    return out


class Alignment(NamedTuple):
    """Result of aligning a row's values to ``n`` columns: the slots, or why not (a named tuple: one per row)."""

    slots: list[Slot | None] | None
    problem: str | None = None
    ambiguous: list[int] | None = None  # candidate start offsets when undecided


def align_values(values: list[Slot], n: int) -> Alignment:
    """Choose ``n`` consecutive cells such that every cell left out is empty."""
    k = len(values)
    if k == n:
        return Alignment(list(values))
    if k < n:
        present = sum(not v.empty for v in values)
        return Alignment(None, f"{present} value cells where {n} were expected (row too short)")
    starts = [
        o
        for o in range(k - n + 1)
        if all(v.empty and not v.explicit_blank for v in values[:o]) and all(v.empty for v in values[o + n :])
    ]
    if not starts:
        present = sum(not v.empty for v in values)
        return Alignment(None, f"{present} value cells where {n} were expected (row too long)")
    readings = {tuple(v.cell.text for v in values[o : o + n]) for o in starts}
    if len(readings) == 1:
        return Alignment(list(values[starts[0] : starts[0] + n]))
    return Alignment(None, "blank cells at the edge of the row make its alignment ambiguous", starts)


def settle_ambiguous(rows: list[LabelledRow], aligned: dict[int, Alignment], widths: dict[int, int]) -> None:
    """Settle ambiguous rows by the physical column where unambiguous rows of the same physical width start.

    ``widths`` gives each row's number of template columns (all equal in table 3, varying in table 2).
    """
    if all(a.ambiguous is None for a in aligned.values()):
        return
    usual: dict[int, Counter[int]] = {}
    for i, a in aligned.items():
        if a.slots and a.slots[0] is not None:
            usual.setdefault(_row_width(rows[i]), Counter())[a.slots[0].col] += 1
    for i, a in list(aligned.items()):
        if a.ambiguous is None:
            continue
        values = rows[i].values
        counts = usual.get(_row_width(rows[i]))
        if not counts:
            continue
        col, _ = counts.most_common(1)[0]
        fits = [o for o in a.ambiguous if values[o].col == col]
        if len(fits) == 1:
            aligned[i] = Alignment(list(values[fits[0] : fits[0] + widths[i]]))


def _row_width(row: LabelledRow) -> int:
    return row.values[0].width if row.values else 0
