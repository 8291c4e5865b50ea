"""A generated processed dataset, for tests and benchmarks of the audit notebooks.

Five issuers of the seed reports (``sample_issuers.csv``) over 2020–2024, all
identities holding except what is planted: table 3 of 高平市 2022 has
(granted, natural_person) raised by :data:`PLANTED_DELTA`, so its row total and
its column's outcome total fail, and the findings say so. Optional synthetic
provinces add many regions for benchmarks.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gongkai import templates
from gongkai.analysis.data import TABLES, Tables, _normalise, schema
from gongkai.datafiles import package_csv
from gongkai.templates import format_for_year

PLANTED_ISSUER = "高平市人民政府办公室"
PLANTED_YEAR = 2022
PLANTED_CELL = ("granted", "natural_person")
PLANTED_DELTA = 7


@dataclass(frozen=True)
class Issuer:
    issuer: str
    province: str
    city: str
    county: str
    division_code: str
    region_level: str
    years: tuple[int, ...]


def sample_issuers() -> list[Issuer]:
    """The seed issuers and the years the sample gives them."""
    rows = package_csv(__package__, "sample_issuers.csv")
    return [Issuer(**{**r, "years": tuple(int(y) for y in r["years"].split(";"))}) for r in rows]


def synthetic_issuers(n_provinces: int, cities: int = 3, counties: int = 3) -> list[Issuer]:
    """Made-up issuers: each province has ``cities`` cities of ``counties`` counties (1 + c + c·k regions)."""
    out = []
    for p in range(n_provinces):
        prov, pcode = f"样例{p + 1}省", 90 - p
        for c in range(cities):
            city, ccode = f"样例{p + 1}省{c + 1}市", f"{pcode:02d}{c + 1:02d}00"
            out.append(Issuer(f"{city}人民政府", prov, city, "", ccode, "city", (2022, 2023, 2024)))
            for k in range(counties):
                county = f"{city}{k + 1}县"
                code = f"{pcode:02d}{c + 1:02d}{k + 21:02d}"
                out.append(Issuer(f"{county}人民政府", prov, city, county, code, "county", (2023, 2024)))
    return out


def _cell(
    rid: str,
    a_key: str,
    a: str,
    b_key: str,
    b: str,
    value: float | int | None,
    line: int,
    status: str = "number",
    raw: str | None = None,
) -> dict[str, object]:
    if raw is None:
        raw = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    return {
        "report_id": rid,
        a_key: a,
        b_key: b,
        "value": value,
        "raw": raw,
        "cell_status": status,
        "source_line": line,
    }


def _table3(rid: str, fmt: str, rng: random.Random, carried: dict[str, int]) -> tuple[list[dict], dict[str, int]]:
    rows = [r.key for r in templates.table3_rows(fmt)]
    applicants = [c.key for c in templates.table3_columns() if c.key != "total"]
    outcomes = [r for r in rows if r not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    values: dict[tuple[str, str], int] = {}
    for a in applicants:
        scale = 40 if a == "natural_person" else 6
        for r in outcomes:
            values[(r, a)] = (
                rng.randint(0, scale)
                if r in ("granted", "partially_granted", "unavailable_not_held")
                else rng.choice([0, 0, 0, rng.randint(0, 3)])
            )
        values[("total_processed", a)] = sum(values[(r, a)] for r in outcomes)
        values[("carried_over", a)] = carried.get(a, rng.randint(0, 3))
        values[("carried_forward", a)] = rng.randint(0, 4)
        new = values[("total_processed", a)] + values[("carried_forward", a)] - values[("carried_over", a)]
        if new < 0:
            values[("granted", a)] -= new
            values[("total_processed", a)] -= new
            new = 0
        values[("new_received", a)] = new
    for r in rows:
        values[(r, "total")] = sum(values[(r, a)] for a in applicants)
    cells, line = [], 100
    for r in rows:
        for a in [*applicants, "total"]:
            line += 1
            cells.append(_cell(rid, "row", r, "applicant", a, values[(r, a)], line))
    return cells, {a: values[("carried_forward", a)] for a in applicants}


def _table4(rid: str, rng: random.Random, dash: bool) -> list[dict]:
    cells, line = [], 300
    for proceeding in ("administrative_review", "litigation_direct", "litigation_after_review"):
        parts = {o: rng.choice([0, 0, 1, 2, 5]) for o in ("upheld", "corrected", "other", "pending")}
        for outcome in ("upheld", "corrected", "other", "pending", "total"):
            line += 1
            if dash and outcome == "other":
                cells.append(_cell(rid, "proceeding", proceeding, "outcome", outcome, None, line, "dash", "/"))
                continue
            v = sum(parts.values()) if outcome == "total" else parts[outcome]
            cells.append(_cell(rid, "proceeding", proceeding, "outcome", outcome, v, line))
    return cells


def _table2(rid: str, fmt: str, rng: random.Random) -> list[dict]:
    cells = []
    for i, c in enumerate(templates.table2_cells(fmt)):
        v: float = round(rng.uniform(0, 500), 2) if c.unit == "万元" else float(rng.randint(0, 60))
        cells.append(
            {
                "report_id": rid,
                "item": c.item,
                "category": c.category,
                "measure": c.measure,
                "unit": c.unit,
                "value": v,
                "raw": f"{v:g}",
                "cell_status": "number",
                "source_line": 20 + i,
            }
        )
    return cells


def make_sample(seed: int = 0, synthetic_provinces: int = 0) -> Tables:
    """The generated dataset as processed tables (see the module docstring)."""
    rng = random.Random(seed)
    frames: dict[str, list[dict]] = {n: [] for n in TABLES}
    for iss in sample_issuers() + synthetic_issuers(synthetic_provinces):
        carried: dict[str, int] = {}
        series = "s" + hashlib.sha1(iss.issuer.encode("utf-8")).hexdigest()[:10]
        for year in iss.years:
            fmt = format_for_year(year)
            rid = f"{series}-{year}"
            frames["reports"].append(
                {
                    "report_id": rid,
                    "source_file": f"{rid}.txt",
                    "sha256": hashlib.sha256(rid.encode()).hexdigest(),
                    "title": f"{iss.issuer}{year}年政府信息公开工作年度报告",
                    "issuer": iss.issuer,
                    "year": year,
                    "published": f"{year + 1}-03-20",
                    "format": fmt,
                    "format_table2": fmt,
                    "format_table3": fmt,
                    "layout": "generated",
                    "status": "ok",
                    "message": "",
                    "province": iss.province,
                    "city": iss.city or None,
                    "county": iss.county or None,
                    "division_code": iss.division_code,
                    "region_level": iss.region_level,
                    "series_id": series,
                }
            )
            t3, carried = _table3(rid, fmt, rng, carried)
            frames["table3"] += t3
            frames["table4"] += _table4(rid, rng, dash=iss.issuer.startswith("稷山"))
            frames["table2"] += _table2(rid, fmt, rng)
            total_new = next(c["value"] for c in t3 if c["row"] == "new_received" and c["applicant"] == "total")
            frames["claims"].append(
                {
                    "report_id": rid,
                    "kind": "new_received",
                    "value": float(total_new),
                    "unit": "件",
                    "sentence": f"全年共收到政府信息公开申请{total_new}件。",
                    "offset": 40,
                    "matched_table": "table3",
                    "matched_row": "new_received",
                    "matched_column": "total",
                    "table_value": float(total_new),
                    "status": "match",
                }
            )
            planted = iss.issuer == PLANTED_ISSUER and year == PLANTED_YEAR
            if planted:
                _plant(rid, t3, frames)
            for rule, n in (
                ("column_balance", 7),
                ("row_total", 25),
                ("outcome_total", 7),
                ("proceeding_total", 3),
            ):
                fails = 1 if planted and rule in ("row_total", "outcome_total") else 0
                frames["checks"].append(
                    {
                        "report_id": rid,
                        "rule": rule,
                        "n_pass": n - fails,
                        "n_fail": fails,
                        "n_not_assessable": 0,
                    }
                )
    frames["parse_issues"].append(
        {
            "report_id": frames["reports"][0]["report_id"],
            "severity": "info",
            "section": "二",
            "message": "sample note: generated report",
            "source_line": 20,
        }
    )
    tables = {n: _normalise(pd.DataFrame(rows, columns=list(schema()[n])), n) for n, rows in frames.items()}
    return Tables(**tables)


def _plant(rid: str, t3: list[dict], frames: dict[str, list[dict]]) -> None:
    """Raise one cell of table 3 so that its row and its column no longer add up."""
    row, col = PLANTED_CELL
    cell = next(c for c in t3 if c["row"] == row and c["applicant"] == col)
    cell["value"] += PLANTED_DELTA
    cell["raw"] = str(cell["value"])
    by = {(c["row"], c["applicant"]): c["value"] for c in t3}
    applicants = [c.key for c in templates.table3_columns() if c.key != "total"]
    row_sum = sum(by[(row, a)] for a in applicants)
    frames["findings"] += [
        {
            "report_id": rid,
            "rule": "row_total",
            "severity": "error",
            "status": "fail",
            "table": "table3",
            "row": row,
            "column": "total",
            "expected": float(row_sum),
            "actual": float(by[(row, "total")]),
            "difference": float(by[(row, "total")] - row_sum),
            "message": "（一）予以公开: 总计 ≠ 各类申请人之和",
            "evidence": f"sum of row {row} = {row_sum}",
        },
        {
            "report_id": rid,
            "rule": "outcome_total",
            "severity": "error",
            "status": "fail",
            "table": "table3",
            "row": "total_processed",
            "column": col,
            "expected": float(by[("total_processed", col)] + PLANTED_DELTA),
            "actual": float(by[("total_processed", col)]),
            "difference": float(-PLANTED_DELTA),
            "message": "自然人: （七）总计 ≠ 各项办理结果之和",
            "evidence": f"sum of outcomes in column {col}",
        },
    ]
    new_total = by[("new_received", "total")]
    frames["claims"].append(
        {
            "report_id": rid,
            "kind": "total_processed",
            "value": float(new_total + 3),
            "unit": "件",
            "sentence": f"全年共办结政府信息公开申请{new_total + 3}件。",
            "offset": 80,
            "matched_table": "table3",
            "matched_row": "total_processed",
            "matched_column": "total",
            "table_value": float(by[("total_processed", "total")]),
            "status": "mismatch",
        }
    )


def write_processed(tables: Tables, folder: str | Path) -> Path:
    """Write every table as Parquet and as CSV with BOM, like ``gongkai build``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        df: pd.DataFrame = getattr(tables, name)
        if df.empty:  # typed text columns, as the build writes them (an untyped empty column is Arrow null)
            df = df.astype({c: "string" for c, t in schema()[name].items() if t == "str"})
        df.to_parquet(out / f"{name}.parquet", index=False)
        df.to_csv(out / f"{name}.csv", index=False, encoding="utf-8-sig")
    return out
