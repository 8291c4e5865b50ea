"""Which table cells a narrative claim may quote, and percentage arithmetic shared by shares and YoY."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from gongkai.rules.catalog import identities
from gongkai.rules.claim_terms import domains
from gongkai.rules.claims import Claim
from gongkai.rules.grids import ReportGrids, keys_for
from gongkai.templates import FORMATS, table2_cells

ORG_COLUMNS = (
    "commercial_enterprise",
    "research_institution",
    "social_welfare_organization",
    "legal_service_organization",
    "other_organization",
)
# Claim keys that stand for several cells.
COLUMN_GROUPS = {"organization_subtotal": ORG_COLUMNS}
ROW_GROUPS = {"litigation": ("litigation_direct", "litigation_after_review")}
# Table 2 measures named differently in the 2019 format.
MEASURES_2019 = {"issued": "newly_made"}
COUNT_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


@dataclass(frozen=True)
class Target:
    """A cell, or a sum of cells, of one table."""

    table: int
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    row_label: str
    col_label: str

    def value(self, grids: ReportGrids) -> tuple[float | None, list[tuple[str, str]]]:
        if not self.rows or not self.cols:
            return None, [(self.row_label, self.col_label)]
        return grids.grid(self.table).total(self.rows, self.cols)

    def describe(self) -> str:
        return f"table {self.table} {self.row_label}/{self.col_label}"

    def derived_value(self, grids: ReportGrids) -> tuple[float, str] | None:
        """The value with every blank or dash total replaced by the sum of its parts, and a note saying so.

        A total is a cell that an identity of ``identities.csv`` (with one cell on its left side) defines
        as a sum; it is derived only when all its parts are numbers. None when a cell is neither a number
        nor such a total, or when no cell was blank.
        """
        if not self.rows or not self.cols:
            return None
        grid = grids.grid(self.table)
        acc = 0.0
        notes: list[str] = []
        for r in self.rows:
            for c in self.cols:
                v = grid.value(r, c)
                if v is not None:
                    acc += v
                    continue
                status = grid.cell_status(r, c)
                part = _sum_of_parts(grids, self.table, r, c) if status in ("blank", "dash") else None
                if part is None:
                    return None
                acc += part[0]
                notes.append(f"{r}/{c} {status}; sum of {part[1]} = {part[0]:.10g}")
        return (acc, "; ".join(notes)) if notes else None


def _t3(fmt: str | None, row: str, col: str) -> Target | None:
    rows: tuple[str, ...] = ()
    for part in row.split("+"):
        rows += keys_for(3, fmt, "row", (part,))
    if not rows:
        return None
    return Target(3, rows, COLUMN_GROUPS.get(col, (col,)), row, col)


def _t4(proceeding: str, outcome: str) -> Target:
    """A proceeding (or several joined by ``+``) and an outcome of table 4."""
    rows = tuple(dict.fromkeys(r for part in proceeding.split("+") for r in ROW_GROUPS.get(part, (part,))))
    return Target(4, rows, (outcome,), "+".join(rows), outcome)


def _t2(fmt: str | None, category: str, measure: str) -> Target | None:
    if fmt == "2019":
        measure = MEASURES_2019.get(measure, measure)
    formats = (fmt,) if fmt in FORMATS else FORMATS
    if not any(c.category == category and c.measure == measure for f in formats for c in table2_cells(f)):
        return None
    return Target(2, (category,), (measure,), category, measure)


def candidates(claim: Claim, fmt: str | None) -> tuple[list[Target], str]:
    """The cells a count claim may quote, best first, and a note when there is none."""
    targets, why = _candidates(claim.domain, frozenset(claim.dims.items()), claim.inherited, fmt)
    return list(targets), why


@lru_cache(maxsize=4096)
def _candidates(
    domain: str | None, dim_items: frozenset[tuple[str, str]], inherited: frozenset[str], fmt: str | None
) -> tuple[tuple[Target, ...], str]:
    """:func:`candidates` for what it depends on (the same for many claims, so worked out once)."""
    out, why = _candidate_list(domain, dict(dim_items), inherited, fmt)
    return tuple(out), why


def _candidate_list(
    domain: str | None, d: dict[str, str], inherited: frozenset[str], fmt: str | None
) -> tuple[list[Target], str]:
    if domain == "t3":
        col = d.get("applicant", "total")
        row = d.get("row")
        if row is not None and row.startswith("_"):
            return [], "not a table 3 figure"
        rows = [row] if row else []
        if row == "new_received" and "row" not in inherited:
            rows.append("new_received+carried_over")
        if row is None or "row" in inherited:
            rows += ["total_processed", "new_received"]
        out = [t for r in dict.fromkeys(rows) if (t := _t3(fmt, r, col)) is not None]
        return out, "" if out else f"no table 3 row {row} in format {fmt}"
    if domain == "t4":
        p = d.get("proceeding")
        if p is None:
            return [], "proceeding not stated"
        return [_t4(p, d.get("outcome", "total"))], ""
    if domain == "t2":
        cat, meas = d.get("category"), d.get("measure")
        if cat is not None and cat.startswith("_"):
            return [], "公文/文件 are not 规章 or 规范性文件: not compared with table 2"
        if cat is None or meas is None:
            return [], "table 2 category or measure not stated"
        t = _t2(fmt, cat, meas)
        return ([t], "") if t else ([], f"no table 2 cell {cat}/{meas} in format {fmt}")
    return [], "unknown domain"


def _sum_of_parts(grids: ReportGrids, table: int, row: str, col: str) -> tuple[float, str] | None:
    """A total cell as the sum of the parts an identity gives it, when they are all numbers."""
    grid = grids.grid(table)
    for ident in identities():
        if ident.table != table or len(ident.lhs) != 1:
            continue
        if ident.iterate == "row" and ident.lhs[0] == col:
            parts = keys_for(table, grids.fmt, "column", ident.rhs)
            value, bad = grid.total((row,), parts)
            what = f"the {row} cells of " + ", ".join(parts)
        elif ident.iterate == "column" and ident.lhs[0] == row:
            parts = keys_for(table, grids.fmt, "row", ident.rhs)
            value, bad = grid.total(parts, (col,))
            what = f"the {col} cells of {', '.join(ident.rhs)}"
        else:
            continue
        if value is not None and not bad:
            return value, f"{what} ({ident.rule})"
    return None


def share_bases(target: Target, fmt: str | None) -> list[Target]:
    """The totals a share of ``target`` may be taken of."""
    if target.table == 3:
        if target.cols != ("total",):
            return [Target(3, target.rows, ("total",), target.row_label, "total")]
        if any(r in COUNT_ROWS for r in target.row_label.split("+")):
            return []
        return [
            t
            for r in ("total_processed", "new_received", "new_received+carried_over")
            if (t := _t3(fmt, r, "total")) is not None
        ]
    if target.table == 4 and target.cols != ("total",):
        return [Target(4, target.rows, ("total",), target.row_label, "total")]
    return []


def pct_reading(stated: float, decimals: int, computed: float) -> str | None:
    """``round`` when rounding the computed percentage gives the stated one, else ``trunc``, else None."""
    scale = 10**decimals
    x = round(stated * scale)
    c = computed * scale
    if abs(c - x) <= 0.5 + 1e-7:
        return "round"
    if math.floor(c + 1e-7) == x:
        return "trunc"
    return None


def domain_table(claim: Claim) -> int | None:
    return domains()[claim.domain].table if claim.domain in domains() else None
