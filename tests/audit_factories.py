"""Factories for consistent (identity-satisfying) reports built from the official templates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gongkai.report import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS, Report
from gongkai.templates import table2_cells, table3_columns, table3_rows, table4_cells

APPLICANTS = [c.key for c in table3_columns() if c.key != "total"]
OUTCOME_PREFIXES = ("granted", "partially_granted", "denied_", "unavailable_", "rejected_", "other_")


def outcome_rows(fmt: str) -> list[str]:
    return [r.key for r in table3_rows(fmt) if r.key.startswith(OUTCOME_PREFIXES)]


def table3_values(
    rng: np.random.Generator, fmt: str, carried_over: dict[str, int] | None = None, high: int = 6
) -> dict[tuple[str, str], int]:
    """A consistent table 3: random outcomes per applicant, totals and balances derived."""
    cells: dict[tuple[str, str], int] = {}
    for a in APPLICANTS:
        outcomes = {r: int(rng.integers(0, high)) for r in outcome_rows(fmt)}
        processed = sum(outcomes.values())
        forward = int(rng.integers(0, 3))
        over = carried_over[a] if carried_over is not None else int(rng.integers(0, min(processed + forward, 3) + 1))
        over = min(over, processed + forward)
        new = processed + forward - over
        cells.update({(r, a): v for r, v in outcomes.items()})
        cells.update(
            {
                ("new_received", a): new,
                ("carried_over", a): over,
                ("total_processed", a): processed,
                ("carried_forward", a): forward,
            }
        )
    for r in {k[0] for k in cells}:
        cells[(r, "total")] = sum(cells[(r, a)] for a in APPLICANTS)
    return cells


def table3_frame(cells: dict[tuple[str, str], int], fmt: str) -> pd.DataFrame:
    rows = []
    line = 100
    for r in table3_rows(fmt):
        for c in table3_columns():
            v = cells[(r.key, c.key)]
            rows.append((r.key, c.key, v, str(v), "number", line, f"line {line}", ""))
            line += 1
    df = pd.DataFrame(rows, columns=TABLE3_COLUMNS)
    df["value"] = df["value"].astype("Int64")
    return df


def table4_values(rng: np.random.Generator) -> dict[tuple[str, str], int]:
    cells: dict[tuple[str, str], int] = {}
    for p in dict.fromkeys(c.proceeding for c in table4_cells()):
        parts = {o: int(rng.integers(0, 5)) for o in ("upheld", "corrected", "other", "pending")}
        cells.update({(p, o): v for o, v in parts.items()})
        cells[(p, "total")] = sum(parts.values())
    return cells


def table4_frame(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [
        (
            c.proceeding,
            c.outcome,
            cells[(c.proceeding, c.outcome)],
            str(cells[(c.proceeding, c.outcome)]),
            "number",
            300 + i,
            f"line {300 + i}",
            "",
        )
        for i, c in enumerate(table4_cells())
    ]
    df = pd.DataFrame(rows, columns=TABLE4_COLUMNS)
    df["value"] = df["value"].astype("Int64")
    return df


def table2_values(rng: np.random.Generator, fmt: str) -> dict[tuple[str, str], float]:
    cells: dict[tuple[str, str], float] = {}
    for c in table2_cells(fmt):
        cells[(c.category, c.measure)] = float(rng.integers(0, 50))
    if fmt == "2021":
        for cat in ("regulation", "normative_document"):
            cells[(cat, "in_force")] = cells[(cat, "in_force")] + cells[(cat, "issued")]
    return cells


def table2_frame(cells: dict[tuple[str, str], float], fmt: str) -> pd.DataFrame:
    rows = [
        (
            c.item,
            c.category,
            c.measure,
            c.unit,
            cells[(c.category, c.measure)],
            f"{cells[(c.category, c.measure)]:g}",
            "number",
            50 + i,
            f"line {50 + i}",
            "",
        )
        for i, c in enumerate(table2_cells(fmt))
    ]
    return pd.DataFrame(rows, columns=TABLE2_COLUMNS)


def make_report(
    report_id: str = "r1",
    fmt: str = "2021",
    seed: int = 0,
    issuer: str = "测试市人民政府",
    year: int | None = 2024,
    sections: dict[str, str] | None = None,
    t2: dict | None = None,
    t3: dict | None = None,
    t4: dict | None = None,
) -> Report:
    """A consistent report; pass cell dicts to control the values (e.g. from a previous year)."""
    rng = np.random.default_rng(seed)
    t2 = t2 if t2 is not None else table2_values(rng, fmt)
    t3 = t3 if t3 is not None else table3_values(rng, fmt)
    t4 = t4 if t4 is not None else table4_values(rng)
    return Report(
        report_id=report_id,
        source_file=f"{report_id}.txt",
        sha256="0" * 64,
        title=f"{issuer}{year}年政府信息公开工作年度报告",
        issuer=issuer,
        year=year,
        format=fmt,
        sections=sections or {},
        table2=table2_frame(t2, fmt),
        table3=table3_frame(t3, fmt),
        table4=table4_frame(t4),
    )


def set_cell(report: Report, table: int, row: str, col: str, value: float | None, status: str = "number") -> None:
    """Change one cell of a report (value None with a non-number status for blanks): the table's records
    are replaced by a copy holding the new cell."""
    cells = report.cells(table)
    keys = cells.template.key_names
    a, b = {2: ("category", "measure"), 3: ("row", "applicant"), 4: ("proceeding", "outcome")}[table]
    at = cells.position(tuple(row if k == a else col if k == b else _key(cells, k, a, row, b, col) for k in keys))
    old = cells.records[at]
    new = old._replace(value=value, raw="" if value is None else f"{value:g}", cell_status=status)
    setattr(report, f"table{table}", cells.replace(tuple(v[at] for v in cells.template.key_values), new))


def _key(cells, key: str, a: str, row: str, b: str, col: str) -> str:
    """The value of another key column (table 2's item and unit) of the cell (row, col)."""
    columns = dict(zip(cells.template.key_names, cells.template.key_values, strict=True))
    for p, (r, c) in enumerate(zip(columns[a], columns[b], strict=True)):
        if (r, c) == (row, col):
            return columns[key][p]
    raise AssertionError((row, col))


def next_year(report: Report, report_id: str, seed: int, year: int | None = None, **kw) -> Report:
    """A consistent report for the following year whose carry-over and documents in force follow on."""
    fmt = kw.pop("fmt", "2021")
    rng = np.random.default_rng(seed)
    forward = {
        a: int(
            report.table3[(report.table3["row"] == "carried_forward") & (report.table3["applicant"] == a)][
                "value"
            ].iloc[0]
        )
        for a in APPLICANTS
    }
    t3 = table3_values(rng, fmt, carried_over=forward)
    t2 = table2_values(rng, fmt)
    if fmt == "2021" and report.format == "2021":
        for cat in ("regulation", "normative_document"):
            prev = float(
                report.table2[(report.table2["category"] == cat) & (report.table2["measure"] == "in_force")][
                    "value"
                ].iloc[0]
            )
            t2[(cat, "repealed")] = min(t2[(cat, "repealed")], prev)
            t2[(cat, "in_force")] = prev + t2[(cat, "issued")] - t2[(cat, "repealed")]
    return make_report(
        report_id,
        fmt=fmt,
        seed=seed,
        issuer=kw.pop("issuer", report.issuer),
        year=year or (report.year or 0) + 1,
        t2=t2,
        t3=t3,
        **kw,
    )
