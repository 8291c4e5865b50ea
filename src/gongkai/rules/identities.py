"""Table identities 1–4: each a linear equation evaluated on every slice of a table at once."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from gongkai.rules.catalog import Identity, identities
from gongkai.rules.grids import NUMBER, Grid, ReportGrids, axes, keys_for
from gongkai.rules.results import Collector

TABLE_NAMES = {2: "表二", 3: "表三", 4: "表四"}


def _fmt(x: float) -> str:
    return f"{x:.10g}"


@lru_cache(maxsize=256)
def _plan(
    ident: Identity, fmt: str | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[np.ndarray, np.ndarray]]:
    """The term keys (lhs, rhs), the slice keys and the grid index of an identity: the same for every
    report of a format, so worked out once per format rather than once per report."""
    term_axis = "column" if ident.iterate == "row" else "row"
    lhs = keys_for(ident.table, fmt, term_axis, ident.lhs)
    rhs = keys_for(ident.table, fmt, term_axis, ident.rhs)
    slices = keys_for(ident.table, fmt, ident.iterate, ("*",))
    ax = axes(ident.table)
    t_index = ax.col_index if term_axis == "column" else ax.row_index
    s_index = ax.row_index if ident.iterate == "row" else ax.col_index
    terms = [t_index[k] for k in lhs + rhs]
    sl = [s_index[k] for k in slices]
    return lhs, rhs, slices, (np.ix_(sl, terms) if ident.iterate == "row" else np.ix_(terms, sl))


def evaluate_identity(ident: Identity, grid: Grid, fmt: str | None, report_id: str, out: Collector) -> None:
    """Evaluate one identity on every row/column of a grid and record pass, fail or not_assessable."""
    lhs, rhs, slices, index = _plan(ident, fmt)
    if ident.iterate == "row":
        vals = grid.values[index]
        stat = grid.status[index]
    else:
        vals = grid.values[index].T
        stat = grid.status[index].T
    n_l = len(lhs)
    actual = vals[:, :n_l].sum(axis=1)
    expected = vals[:, n_l:].sum(axis=1)
    ok_cells = stat == NUMBER
    assessable = ok_cells.all(axis=1)
    fails = assessable & (np.abs(actual - expected) > 1e-6)
    n_pass = int((assessable & ~fails).sum())
    out.count(report_id, ident.rule, n_pass=n_pass)
    term_keys = lhs + rhs
    for k in np.flatnonzero(fails | ~assessable):
        key = slices[k]

        def cell(t: str, key: str = key) -> tuple[str, str]:
            return (key, t) if ident.iterate == "row" else (t, key)

        lhs_label = "+".join(lhs)
        row, column = (key, lhs_label) if ident.iter_field == "row" else (lhs_label, key)
        where = f"{TABLE_NAMES[ident.table]} {ident.iterate} {key}"
        if not assessable[k]:
            bad = [grid.describe(*cell(term_keys[j])) for j in np.flatnonzero(~ok_cells[k])]
            out.result(
                report_id,
                ident.rule,
                "not_assessable",
                table=ident.table,
                row=row,
                column=column,
                message=f"{where}: {len(bad)} cell(s) not a number, identity not assessable",
                evidence="; ".join(bad),
            )
            continue
        a, e = float(actual[k]), float(expected[k])
        cells = "; ".join(grid.describe(*cell(t)) for t in term_keys)
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
                f"{where}: {' + '.join(ident.lhs)} = {_fmt(a)} but {' + '.join(ident.rhs)} = {_fmt(e)}"
                f" (difference {_fmt(a - e)})"
            ),
            evidence=cells,
        )


def evaluate_identities(grids: ReportGrids, report_id: str, out: Collector) -> None:
    """All table identities of the catalogue on one report."""
    for ident in identities():
        evaluate_identity(ident, grids.grid(ident.table), grids.fmt, report_id, out)
