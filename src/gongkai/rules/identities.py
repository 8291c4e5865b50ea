"""Table identities 1–4: each a linear equation evaluated on every slice of every report's table at once."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from gongkai.rules.gridbatch import GridBatch
from gongkai.rules.grids import INFERRED, NUMBER, Grid, axes
from gongkai.rules.results import Collector
from gongkai.templates.identities import Identity, identities, resolve, spelled

TABLE_NAMES = {2: "表二", 3: "表三", 4: "表四"}


def _fmt(x: float) -> str:
    return f"{x:.10g}"


@lru_cache(maxsize=256)
def _plan(
    ident: Identity, fmt: str | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], np.ndarray, np.ndarray]:
    """The term keys (lhs, rhs), the slice keys and their grid positions (slices, terms): the same for
    every report of a format, so worked out once per format rather than once per report."""
    term_axis = ident.term_axis
    lhs, rhs, slices = resolve(ident, fmt)
    ax = axes(ident.table)
    t_index = ax.col_index if term_axis == "column" else ax.row_index
    s_index = ax.row_index if ident.iterate == "row" else ax.col_index
    terms = np.array([t_index[k] for k in lhs + rhs], dtype=np.intp)
    sl = np.array([s_index[k] for k in slices], dtype=np.intp)
    return lhs, rhs, slices, sl, terms


def evaluate_identities(batch: GridBatch, report_ids: Sequence[str], out: Collector) -> list[list[tuple]]:
    """All table identities of the catalogue on every report of a batch.

    Passes are counted in ``out``; each report's findings are returned rather than
    recorded, in the order a report-by-report evaluation gives them (identity by
    identity, slice by slice), so the caller can place them among the report's other findings.
    """
    found: list[list[tuple]] = [[] for _ in report_ids]
    by_fmt: dict[int, dict[str | None, list[int]]] = {}  # table → format of its shape → reports
    for table in (2, 3, 4):
        for k, g in enumerate(batch.reports):
            by_fmt.setdefault(table, {}).setdefault(g.table_format(table), []).append(k)
    for ident in identities():
        for fmt, members in by_fmt.get(ident.table, {}).items():
            _evaluate(ident, fmt, members, batch, report_ids, out, found)
    return found


def _evaluate(
    ident: Identity,
    fmt: str | None,
    members: list[int],
    batch: GridBatch,
    report_ids: Sequence[str],
    out: Collector,
    found: list[list[tuple]],
) -> None:
    """One identity on the reports ``members`` (all of format ``fmt``): one array evaluation for them all."""
    lhs, rhs, slices, sl, terms = _plan(ident, fmt)
    values, status = batch.values[ident.table], batch.status[ident.table]
    at = np.array(members, dtype=np.intp)
    if ident.iterate == "row":
        ix = np.ix_(at, sl, terms)
        vals, stat = values[ix], status[ix]
    else:
        ix = np.ix_(at, terms, sl)
        vals, stat = values[ix].transpose(0, 2, 1), status[ix].transpose(0, 2, 1)
    n_l = len(lhs)
    actual = vals[:, :, :n_l].sum(axis=2)
    expected = vals[:, :, n_l:].sum(axis=2)
    ok_cells = (stat == NUMBER) | (stat == INFERRED)
    relied = batch.relied[ident.table].get(ident.rule)
    if relied is not None:  # cells whose cut this identity chose: it cannot also judge them
        cut_by = relied[ix] if ident.iterate == "row" else relied[ix].transpose(0, 2, 1)
        ok_cells &= ~cut_by
    assessable = ok_cells.all(axis=2)
    fails = assessable & (np.abs(actual - expected) > 1e-6)
    flagged = fails | ~assessable
    out.count_passes([report_ids[k] for k in members], ident.rule, (assessable & ~fails).sum(axis=1).tolist())
    any_flagged = flagged.any(axis=1).tolist()
    for m, k in enumerate(members):
        if any_flagged[m]:
            _findings(
                ident,
                (lhs, rhs, slices),
                batch.reports[k].grid(ident.table),
                (actual[m], expected[m], ok_cells[m], assessable[m], flagged[m]),
                report_ids[k],
                out,
                found[k],
            )


def _describe(grid: Grid, key: str, terms: Sequence[str], row_wise: bool) -> list[str]:
    """The evidence of the cells ``terms`` of the slice ``key``."""
    if row_wise:
        return [grid.describe(key, t) for t in terms]
    return [grid.describe(t, key) for t in terms]


def _read_by_ocr(grid: Grid, row: str, col: str) -> bool:
    ij = grid.index(row, col)
    p = -1 if ij is None else int(grid.pos[ij])
    return 0 <= p < len(grid.records) and grid.records[p].cell_status == "ocr"


def _not_assessable(where: str, grid: Grid, key: str, bad_terms: Sequence[str], row_wise: bool) -> str:
    """Why a slice is not assessable: cells that are not numbers, or cells whose cut the identity chose."""
    cells = [(key, t) if row_wise else (t, key) for t in bad_terms]
    cut = sum(grid.cell_status(r, c) == "inferred" for r, c in cells) if grid.relied else 0
    read = sum(_read_by_ocr(grid, r, c) for r, c in cells) if grid.relied else 0
    if read:  # a number read by OCR is only ever set aside when this identity settled its digit
        return f"{where}: {read} cell(s) whose OCR reading this identity settled, identity not assessable"
    if cut == 0:
        return f"{where}: {len(cells)} cell(s) not a number, identity not assessable"
    other = f" and {len(cells) - cut} cell(s) not a number" if cut < len(cells) else ""
    return f"{where}: {cut} cell(s) cut from run-together digits by this identity{other}, identity not assessable"


def _findings(
    ident: Identity,
    keys: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    grid: Grid,
    arrays: tuple[np.ndarray, ...],
    report_id: str,
    out: Collector,
    into: list[tuple],
) -> None:
    """The fail and not_assessable findings of one report's failing or not assessable slices."""
    lhs, rhs, slices = keys
    actual, expected, ok_cells, assessable, flagged = arrays
    term_keys = lhs + rhs
    lhs_label = "+".join(lhs)
    row_wise = ident.iterate == "row"
    assessable_at = assessable.tolist()
    for k in flagged.nonzero()[0].tolist():
        key = slices[k]
        row, column = (key, lhs_label) if ident.iter_field == "row" else (lhs_label, key)
        where = f"{TABLE_NAMES[ident.table]} {ident.iterate} {key}"
        if not assessable_at[k]:
            bad_terms = [term_keys[j] for j, ok in enumerate(ok_cells[k].tolist()) if not ok]
            bad = _describe(grid, key, bad_terms, row_wise)
            out.result(
                report_id,
                ident.rule,
                "not_assessable",
                table=ident.table,
                row=row,
                column=column,
                message=_not_assessable(where, grid, key, bad_terms, row_wise),
                evidence="; ".join(bad),
                into=into,
            )
            continue
        a, e = float(actual[k]), float(expected[k])
        described = _describe(grid, key, term_keys, row_wise)
        cells = "; ".join(described)
        # Cells read by OCR: the failure may be a misread; name the least confident of them.
        unsure = grid.least_confident((key, t) if row_wise else (t, key) for t in term_keys)
        if unsure:
            cells += " | read by OCR, a misread is possible; least confident: " + "; ".join(unsure)
        out.result(
            report_id,
            ident.rule,
            "fail",
            table=ident.table,
            row=row,
            column=column,
            expected=e,
            actual=a,
            message=(
                f"{where}: {' + '.join(spelled(ident.lhs))} = {_fmt(a)} but "
                f"{' + '.join(spelled(ident.rhs))} = {_fmt(e)} (difference {_fmt(a - e)})"
            ),
            evidence=cells,
            into=into,
        )
