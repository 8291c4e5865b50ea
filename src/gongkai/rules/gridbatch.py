"""The grids of a whole batch of reports, built table by table rather than report by report.

For each of tables 2, 3 and 4 every report's grid is one slice of a 3-D array
(report × row × column): the records of all reports sharing a frame template are
converted to numbers and status codes in one go, and rules that are the same
arithmetic for every report (identities, negative counts, blank tables) can be
evaluated on the whole array at once. Each report still gets its own
:class:`~gongkai.rules.grids.Grid` (views into the arrays), so per-report rules
read it exactly as before. The records are the only input: a report without a
table (None) has an all-missing grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from gongkai.celltable import CellTable, FrameTemplate, record_field
from gongkai.report import Report
from gongkai.rules.grids import (
    INFERRED,
    MISSING,
    NUMBER,
    SET_ASIDE,
    STATUS_CODES,
    UNKNOWN_STATUS,
    Grid,
    ReportGrids,
    axes,
    detect_format,
    detect_formats,
)

TABLES = (2, 3, 4)


# Per frame template: where each of its cells sits in the grid, and the grid's position matrix.
_PLACES: dict[tuple[FrameTemplate, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _places(template: FrameTemplate, table: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid row, grid column and the position matrix of a template's cells (the same for every report)."""
    key = (template, table)
    if key not in _PLACES:
        ax = axes(table)
        fields = dict(zip(template.key_names, template.key_values, strict=True))
        ri = np.array([ax.row_index.get(k, -1) for k in fields[ax.row_field]], dtype=np.int64)
        ci = np.array([ax.col_index.get(k, -1) for k in fields[ax.col_field]], dtype=np.int64)
        pos = np.full((len(ax.rows), len(ax.cols)), -1, dtype=np.int32)
        keep = np.flatnonzero((ri >= 0) & (ci >= 0))[::-1]  # reversed: on duplicate keys the first cell wins
        pos[ri[keep], ci[keep]] = keep
        placed = pos >= 0
        for a in (ri, ci, pos):
            a.flags.writeable = False
        _PLACES[key] = (np.nonzero(placed), pos[placed], pos)
    return _PLACES[key]


_VALUE = record_field("value")
_STATUS = record_field("cell_status")


class _StatusCodes(dict):
    """Status codes by name; an unknown status reads as text."""

    def __missing__(self, key: str) -> int:
        return UNKNOWN_STATUS


# While a batch is filled, a number read by OCR has a code of its own (its digit may have been settled by an
# identity: ``parse/ocr_settle.py``); it is stored as a number.
_READ_BY_OCR = max(STATUS_CODES.values()) + 1
_CODES = _StatusCodes(STATUS_CODES | {"ocr": _READ_BY_OCR})


@dataclass
class GridBatch:
    """Per table, the values and status codes of every report (report × row × column), and each report's grids."""

    values: dict[int, np.ndarray]  # float, NaN unless the cell is a number (or inferred)
    status: dict[int, np.ndarray]  # int8 status codes
    reports: list[ReportGrids]
    relied: dict[int, dict[str, np.ndarray]]  # per table, evidence → the cells cut by it (report × row × column)

    def numeric(self, table: int) -> np.ndarray:
        """The cells that take part in arithmetic: numbers and cells cut from run-together digits."""
        status = self.status[table]
        return (status == NUMBER) | (status == INFERRED)

    def __len__(self) -> int:
        return len(self.reports)


def _fill_from_records(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    grids: list[Grid | None],
    table: int,
    template: FrameTemplate,
    members: list[tuple[int, CellTable]],
    relied: dict[str, np.ndarray],
) -> None:
    """Place the records of every report sharing ``template`` in their slices, and give each its grid.

    ``arrays``: the batch's values, status codes and usable cells (numbers and inferred cells that no
    set-aside evidence chose) for this table, filled in place.
    """
    values, status, usable = arrays
    ax = axes(table)
    (gr, gc), order, pos = _places(template, table)
    n_cells = len(template)
    with_cuts: list[bool] = [False] * len(members)
    if n_cells:
        flat = list(chain.from_iterable(c.records for _, c in members))
        shape = (len(members), n_cells)
        vals = np.array(list(map(_VALUE, flat)), dtype=float).reshape(shape)[:, order]  # None becomes NaN
        codes = np.fromiter(map(_CODES.__getitem__, map(_STATUS, flat)), np.int8, len(flat))
        codes = codes.reshape(shape)[:, order]
        read_by_ocr = codes == _READ_BY_OCR
        codes[read_by_ocr] = NUMBER
        inferred = codes == INFERRED
        numeric = (codes == NUMBER) | inferred
        codes[numeric & np.isnan(vals)] = UNKNOWN_STATUS
        numeric &= ~np.isnan(vals)
        at = np.array([k for k, _ in members])[:, None]
        status[at, gr, gc] = codes
        values[at, gr, gc] = np.where(numeric, vals, np.nan)
        usable[at, gr, gc] = numeric
        with_cuts = (inferred | read_by_ocr).any(axis=1).tolist()  # cut from run-together digits, or OCR digits
    for m, (k, cells) in enumerate(members):
        grid_relied = _relied(cells, pos, k, values.shape, relied) if with_cuts[m] else {}
        for evidence in SET_ASIDE:
            if evidence in grid_relied:
                usable[k] &= ~grid_relied[evidence]
        grids[k] = Grid(ax, values[k], status[k], pos, cells.records, usable[k], grid_relied)


def _relied(
    cells: CellTable, pos: np.ndarray, k: int, shape: tuple[int, ...], relied: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Mark, in the batch's ``relied`` masks, the cells of report ``k`` whose cut (or OCR digit) some evidence chose."""
    out: dict[str, np.ndarray] = {}
    for p, record in enumerate(cells.records):
        if record.cell_status not in ("inferred", "ocr") or record.inferred_by in ("", "digits"):
            continue
        ij = np.nonzero(pos == p)
        for evidence in record.inferred_by.split(";"):
            if evidence not in relied:
                relied[evidence] = np.zeros(shape, dtype=bool)
            relied[evidence][k][ij] = True
            out[evidence] = relied[evidence][k]
    return out


_NO_CELLS = {t: np.full((len(axes(t).rows), len(axes(t).cols)), -1, dtype=np.int32) for t in TABLES}
for _pos in _NO_CELLS.values():
    _pos.flags.writeable = False


def batch_grids(reports: Sequence[Report]) -> GridBatch:
    """The grids of every report, built per table for the whole batch."""
    n = len(reports)
    values: dict[int, np.ndarray] = {}
    status: dict[int, np.ndarray] = {}
    per_table: dict[int, list[Grid | None]] = {}
    relied: dict[int, dict[str, np.ndarray]] = {}
    for table in TABLES:
        ax = axes(table)
        shape = (n, len(ax.rows), len(ax.cols))
        v = values[table] = np.full(shape, np.nan)
        s = status[table] = np.full(shape, MISSING, dtype=np.int8)
        usable = np.zeros(shape, dtype=bool)
        grids: list[Grid | None] = [None] * n
        groups: dict[FrameTemplate, list[tuple[int, CellTable]]] = {}
        for k, report in enumerate(reports):
            cells = report.cells(table)
            if cells is not None:
                groups.setdefault(cells.template, []).append((k, cells))
                continue
            grids[k] = Grid(ax, v[k], s[k], _NO_CELLS[table], (), usable[k])
        relied[table] = {}
        for template, members in groups.items():
            _fill_from_records((v, s, usable), grids, table, template, members, relied[table])
        per_table[table] = grids
    out = []
    for k, report in enumerate(reports):
        t2, t3, t4 = (per_table[t][k] for t in TABLES)
        formats = detect_formats(report, t2, t3)  # type: ignore[arg-type]
        out.append(ReportGrids(detect_format(report, t2, t3), t2, t3, t4, formats))  # type: ignore[arg-type]
    return GridBatch(values, status, out, relied)


def report_grids(report: Report) -> ReportGrids:
    """The grids of one report (a batch of one)."""
    return batch_grids([report]).reports[0]
