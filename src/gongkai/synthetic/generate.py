"""Random but realistic truth for tables 2, 3 and 4 of an annual report.

The truth is keyed exactly like a parsed :class:`gongkai.report.Report`
(the canonical keys of :mod:`gongkai.templates`), so a report rendered from it
and parsed back can be compared cell by cell with :func:`table2_frame`,
:func:`table3_frame` and :func:`table4_frame`.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import pandas as pd

from gongkai.report import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS
from gongkai.templates import table2_cells, table3_columns, table3_rows, table4_cells
from gongkai.templates.identities import group_keys

Status = Literal["number", "blank", "dash"]
Value = int | Decimal | None

APPLICANTS = tuple(c.key for c in table3_columns() if c.key != "total")
ORGANIZATIONS = tuple(c.key for c in table3_columns() if c.group == "法人或其他组织")
COUNT_ROWS = group_keys("count_rows")  # 新收, 上年结转, 总计, 结转下年度
PROCEEDINGS = tuple(dict.fromkeys(c.proceeding for c in table4_cells()))
OUTCOMES = ("upheld", "corrected", "other", "pending")
DASH_MARKS = ("/", "-", "—")
SUBTOTAL = "organization_subtotal"


@dataclass(frozen=True)
class TruthCell:
    """The truth of one cell: its value (None unless a number), status and canonical text."""

    value: Value
    status: Status
    raw: str

    @classmethod
    def number(cls, value: int | Decimal) -> TruthCell:
        return cls(value, "number", str(value))


BLANK = TruthCell(None, "blank", "")


@dataclass(frozen=True)
class SyntheticTables:
    """Truth of the three tables in official order.

    ``table2`` is keyed by (category, measure), ``table3`` by (row, applicant)
    over the seven official columns, ``table4`` by (proceeding, outcome).
    """

    fmt: str
    table2: dict[tuple[str, str], TruthCell]
    table3: dict[tuple[str, str], TruthCell]
    table4: dict[tuple[str, str], TruthCell]

    def has_blanks(self) -> bool:
        """Whether any cell of any table is blank."""
        cells = [*self.table2.values(), *self.table3.values(), *self.table4.values()]
        return any(c.status == "blank" for c in cells)

    def subtotal(self, row: str) -> TruthCell:
        """The optional 法人或其他组织 小计 of a table 3 row (blank/dash when a part is)."""
        parts = [self.table3[(row, a)] for a in ORGANIZATIONS]
        for status in ("blank", "dash"):
            hit = [p for p in parts if p.status == status]
            if hit:
                return hit[0]
        return TruthCell.number(sum(int(p.value) for p in parts))  # type: ignore[arg-type]


def _count(rng: random.Random, *, zero: float, scale: int, big: float = 0.0, big_scale: int = 0) -> int:
    """A non-negative count: often 0, mostly small (log-uniform up to ``scale``), sometimes big."""
    r = rng.random()
    if r < zero:
        return 0
    if r < zero + big and big_scale:
        return round(10 ** rng.uniform(2, max(2.0, _log10(big_scale))))
    return int(10 ** rng.uniform(0, _log10(max(scale, 1))))


def _log10(x: float) -> float:
    return math.log10(x) if x > 0 else 0.0


def _decimal(rng: random.Random, *, zero: float, scale: int, big: float, big_scale: int) -> Decimal:
    """A non-negative amount with 0, 1 or 2 decimal places."""
    whole = _count(rng, zero=zero, scale=scale, big=big, big_scale=big_scale)
    if whole == 0 and rng.random() < 0.7:
        return Decimal(0)
    places = rng.choice((0, 0, 1, 2, 2))
    if places == 0:
        return Decimal(whole)
    frac = rng.randrange(1, 10**places)
    return Decimal(f"{whole}.{frac:0{places}d}")


def _table2(rng: random.Random, fmt: str) -> dict[tuple[str, str], TruthCell]:
    out: dict[tuple[str, str], TruthCell] = {}
    for cell in table2_cells(fmt):
        key = (cell.category, cell.measure)
        cat, m = key
        value: int | Decimal
        if cat == "regulation":
            value = _count(rng, zero=0.75, scale=15 if m == "published_total" or m == "in_force" else 4)
        elif cat == "normative_document":
            scale = {"in_force": 400, "published_total": 200}.get(m, 40)
            value = _count(rng, zero=0.15, scale=scale, big=0.03, big_scale=1500)
        elif m == "items_change":
            value = rng.choice((0, 0, 0, 0, 1, 2, -1, -3, 5, -12))
        elif m == "items_last_year":
            value = _count(rng, zero=0.2, scale=300, big=0.05, big_scale=3000)
        elif m == "decisions":
            scale = {"administrative_licensing": 20000, "administrative_penalty": 3000}.get(cat, 300)
            value = _count(rng, zero=0.2, scale=scale, big=0.05, big_scale=500000)
        elif m == "projects":
            value = _count(rng, zero=0.2, scale=200)
        elif cat == "centralized_procurement":  # 采购总金额, 元
            value = _decimal(rng, zero=0.15, scale=50_000_000, big=0.05, big_scale=900_000_000)
        else:  # 收费金额, 万元
            value = _decimal(rng, zero=0.3, scale=5000, big=0.05, big_scale=200_000)
        out[key] = TruthCell.number(value)
    _order(out, ("newly_published", "published_total"), ("issued", "in_force"))
    return out


def _order(cells: dict[tuple[str, str], TruthCell], *pairs: tuple[str, str]) -> None:
    """Make a running total at least this year's figure (对外公开总数量 ≥ 本年新公开, 现行有效 ≥ 制发)."""
    for cat in ("regulation", "normative_document"):
        for part, whole in pairs:
            if (cat, part) in cells and (cat, whole) in cells:
                a, b = int(cells[(cat, part)].value), int(cells[(cat, whole)].value)  # type: ignore[arg-type]
                if b < a:
                    cells[(cat, whole)] = TruthCell.number(a + b)


_OUTCOME_WEIGHTS = {
    "granted": (0.9, 6.0),
    "partially_granted": (0.55, 2.0),
    "denied_state_secret": (0.05, 0.3),
    "unavailable_not_held": (0.75, 4.0),
    "unavailable_needs_creation": (0.25, 0.8),
    "rejected_duplicate": (0.3, 0.8),
    "other_handling": (0.4, 1.0),
    "other_other": (0.4, 1.0),
    "other_no_correction": (0.25, 0.6),
}
_DEFAULT_WEIGHT = (0.18, 0.5)


def _column(rng: random.Random, fmt: str, outcomes: tuple[str, ...], size: int) -> dict[str, int]:
    """One applicant column of table 3 whose balance and outcome sum hold."""
    active = {k: w for k in outcomes for p, w in [_OUTCOME_WEIGHTS.get(k, _DEFAULT_WEIGHT)] if rng.random() < p}
    if not active:
        active = {"granted": 1.0}
    weights = [w * rng.uniform(0.3, 1.7) for w in active.values()]
    counts = Counter(rng.choices(list(active), weights, k=size))
    col = {k: counts.get(k, 0) for k in outcomes}
    processed = size
    forward = 0 if rng.random() < 0.55 else rng.randint(0, max(1, processed // 8))
    over = 0 if rng.random() < 0.55 else rng.randint(0, max(1, processed // 8))
    over = min(over, processed + forward)
    col["total_processed"] = processed
    col["carried_forward"] = forward
    col["carried_over"] = over
    col["new_received"] = processed + forward - over
    return col


def _column_size(rng: random.Random, applicant: str) -> int:
    if applicant == "natural_person":
        return _count(rng, zero=0.08, scale=120, big=0.12, big_scale=3500)
    zero = 0.55 if applicant == "commercial_enterprise" else 0.85
    return _count(rng, zero=zero, scale=30 if applicant == "commercial_enterprise" else 8)


def _table3(rng: random.Random, fmt: str) -> dict[tuple[str, str], TruthCell]:
    rows = tuple(r.key for r in table3_rows(fmt))
    outcomes = tuple(k for k in rows if k not in COUNT_ROWS)
    cols = {a: _column(rng, fmt, outcomes, _column_size(rng, a)) for a in APPLICANTS}
    out: dict[tuple[str, str], TruthCell] = {}
    for row in rows:
        for a in APPLICANTS:
            out[(row, a)] = TruthCell.number(cols[a][row])
        out[(row, "total")] = TruthCell.number(sum(cols[a][row] for a in APPLICANTS))
    return {(r, c.key): out[(r, c.key)] for r in rows for c in table3_columns()}


def _table4(rng: random.Random) -> dict[tuple[str, str], TruthCell]:
    out: dict[tuple[str, str], TruthCell] = {}
    activity = {"administrative_review": 0.5, "litigation_direct": 0.3, "litigation_after_review": 0.2}
    for proc in PROCEEDINGS:
        active = rng.random() < activity.get(proc, 0.3)
        big = rng.random() < 0.05
        counts = [_count(rng, zero=0.5, scale=60 if big else 6) if active else 0 for _ in OUTCOMES]
        for outcome, n in zip(OUTCOMES, counts, strict=True):
            out[(proc, outcome)] = TruthCell.number(n)
        out[(proc, "total")] = TruthCell.number(sum(counts))
    return {(c.proceeding, c.outcome): out[(c.proceeding, c.outcome)] for c in table4_cells()}


def identity_violations(tables: SyntheticTables) -> list[str]:
    """Identities of the format README that fail (cells not all numbers are skipped)."""
    t3, t4 = tables.table3, tables.table4
    rows = [r.key for r in table3_rows(tables.fmt)]
    outcomes = [r for r in rows if r not in COUNT_ROWS]
    cols = [c.key for c in table3_columns()]
    bad: list[str] = []

    def vals(cells: list[TruthCell]) -> list[int] | None:
        return None if any(c.status != "number" for c in cells) else [int(c.value) for c in cells]  # type: ignore[arg-type]

    for r in rows:
        v = vals([t3[(r, a)] for a in APPLICANTS] + [t3[(r, "total")]])
        if v is not None and sum(v[:-1]) != v[-1]:
            bad.append(f"table3 row total {r}")
    for c in cols:
        v = vals([t3[(k, c)] for k in COUNT_ROWS])
        if v is not None and v[0] + v[1] != v[2] + v[3]:
            bad.append(f"table3 column balance {c}")
        v = vals([t3[(k, c)] for k in outcomes] + [t3[("total_processed", c)]])
        if v is not None and sum(v[:-1]) != v[-1]:
            bad.append(f"table3 outcome total {c}")
    for p in PROCEEDINGS:
        v = vals([t4[(p, o)] for o in (*OUTCOMES, "total")])
        if v is not None and sum(v[:-1]) != v[-1]:
            bad.append(f"table4 total {p}")
    return bad


def _perturb(rng: random.Random, tables: SyntheticTables) -> SyntheticTables:
    """Break at least one identity by nudging one to three number cells of table 3 or 4."""
    while True:
        t3, t4 = dict(tables.table3), dict(tables.table4)
        for _ in range(rng.randint(1, 3)):
            target = t3 if rng.random() < 0.75 else t4
            key = rng.choice([k for k, c in target.items() if c.status == "number"])
            old = int(target[key].value)  # type: ignore[arg-type]
            new = old + rng.choice((1, 1, 2, 10)) if old == 0 or rng.random() < 0.5 else old - 1
            target[key] = TruthCell.number(new)
        out = SyntheticTables(tables.fmt, tables.table2, t3, t4)
        if identity_violations(out):
            return out


def _mask(rng: random.Random, cells: dict, blank_rate: float, dash_rate: float) -> dict:
    out = {}
    for key, cell in cells.items():
        r = rng.random()
        if r < blank_rate:
            out[key] = BLANK
        elif r < blank_rate + dash_rate:
            out[key] = TruthCell(None, "dash", rng.choice(DASH_MARKS))
        else:
            out[key] = cell
    return out


def random_tables(
    rng: random.Random,
    fmt: Literal["2019", "2021"],
    *,
    blank_rate: float = 0.0,
    dash_rate: float = 0.0,
    consistent: bool = True,
) -> SyntheticTables:
    """Random truth for tables 2, 3 and 4 of format ``fmt``.

    With ``consistent`` every identity of the format README holds among the
    number cells; without it at least one identity fails. Each cell is then
    independently made blank (``blank_rate``) or a dash (``dash_rate``).
    """
    if fmt not in ("2019", "2021"):
        raise ValueError(f"unknown format {fmt!r}")
    tables = SyntheticTables(fmt, _table2(rng, fmt), _table3(rng, fmt), _table4(rng))
    if not consistent:
        tables = _perturb(rng, tables)
    if blank_rate or dash_rate:
        tables = SyntheticTables(
            fmt,
            _mask(rng, tables.table2, blank_rate, dash_rate),
            _mask(rng, tables.table3, blank_rate, dash_rate),
            _mask(rng, tables.table4, blank_rate, dash_rate),
        )
    return tables


def _float(value: Value) -> float:
    return float("nan") if value is None else float(value)


def table2_frame(tables: SyntheticTables) -> pd.DataFrame:
    """Truth of table 2 with the columns of ``Report.table2`` (source_line NA)."""
    records = [
        (c.item, c.category, c.measure, c.unit, _float(t.value), t.raw, t.status, pd.NA, "", "")
        for c in table2_cells(tables.fmt)
        for t in [tables.table2[(c.category, c.measure)]]
    ]
    df = pd.DataFrame.from_records(records, columns=TABLE2_COLUMNS)
    df["value"] = df["value"].astype("float64")
    df["source_line"] = df["source_line"].astype("Int64")
    return df


def _int_frame(records: list[tuple], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=columns)
    df["value"] = pd.array(df["value"].tolist(), dtype="Int64")
    df["source_line"] = df["source_line"].astype("Int64")
    return df


def table3_frame(tables: SyntheticTables, *, with_subtotal: bool = False) -> pd.DataFrame:
    """Truth of table 3 with the columns of ``Report.table3``.

    With ``with_subtotal`` the rows of the 法人或其他组织 小计 column
    (applicant ``organization_subtotal``) follow each row's natural_person cell.
    """
    records = []
    for row in table3_rows(tables.fmt):
        for col in table3_columns():
            if with_subtotal and col.key == ORGANIZATIONS[0]:
                sub = tables.subtotal(row.key)
                records.append((row.key, SUBTOTAL, sub.value, sub.raw, sub.status, pd.NA, "", ""))
            t = tables.table3[(row.key, col.key)]
            records.append((row.key, col.key, t.value, t.raw, t.status, pd.NA, "", ""))
    return _int_frame(records, TABLE3_COLUMNS)


def table4_frame(tables: SyntheticTables) -> pd.DataFrame:
    """Truth of table 4 with the columns of ``Report.table4``."""
    records = [
        (c.proceeding, c.outcome, t.value, t.raw, t.status, pd.NA, "", "")
        for c in table4_cells()
        for t in [tables.table4[(c.proceeding, c.outcome)]]
    ]
    return _int_frame(records, TABLE4_COLUMNS)
