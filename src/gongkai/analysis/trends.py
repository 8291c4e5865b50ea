"""Figures per report and year, and the year-on-year changes worth flagging.

Each figure (``trend_figures.csv``) is computed per report from tables 3 and 4
and the findings. A figure needing a blank, dash or missing cell is not
computed (NA): nothing silently becomes 0. Changes are compared between
consecutive available years of the same issuer series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import pandas as pd

from gongkai.analysis.data import Tables
from gongkai.datafiles import package_csv
from gongkai.templates.identities import group_keys

APPLICANTS = group_keys("applicants")  # the six applicant columns of table 3
OUTCOME_GROUPS = ("granted", "partially_granted", "denied", "unavailable", "rejected", "other")
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")
_NUMERIC = ("number", "inferred", "corrected", "ocr")


@cache
def figure_specs() -> pd.DataFrame:
    """figure, label, kind (count/share/rate/audit) and plot panel of every trend figure."""
    return pd.DataFrame(package_csv(__package__, "trend_figures.csv"))


@dataclass(frozen=True)
class Thresholds:
    """When a year-on-year change is notable.

    growth_factor: a count that grows or shrinks by more than this factor;
    share_points: a share that moves by more than this many percentage points;
    correction_rate: a correction rate (percent) above this;
    min_count: counts below this in both years are too small to flag.
    """

    growth_factor: float = 2.0
    share_points: float = 10.0
    correction_rate: float = 20.0
    min_count: int = 10


def _cells(df: pd.DataFrame, a: str, b: str) -> dict[tuple[str, str], float]:
    """(row, column) -> value for numeric cells only; other statuses are absent."""
    ok = df[df["cell_status"].isin(_NUMERIC) & df["value"].notna()]
    return {(r, c): float(v) for r, c, v in zip(ok[a], ok[b], ok["value"], strict=True)}


def _sum(cells: dict[tuple[str, str], float], keys: list[tuple[str, str]]) -> float:
    if not keys or any(k not in cells for k in keys):
        return math.nan
    return sum(cells[k] for k in keys)


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _outcome_group(row: str) -> str | None:
    if row in ("granted", "partially_granted"):
        return row
    head = row.split("_", 1)[0]
    return head if head in ("denied", "unavailable", "rejected", "other") else None


def report_figures(tables: Tables) -> pd.DataFrame:
    """One row per report: report_id, series, issuer, year and every figure (NA when not computable)."""
    rows = []
    t3_by = dict(iter(tables.table3.groupby("report_id"))) if len(tables.table3) else {}
    t4_by = dict(iter(tables.table4.groupby("report_id"))) if len(tables.table4) else {}
    findings = tables.findings
    fails = findings[findings["status"] == "fail"].groupby("report_id").size() if len(findings) else {}
    for _, rep in tables.reports.iterrows():
        rid = rep["report_id"]
        t3 = t3_by.get(rid, tables.table3.iloc[0:0])
        t4 = t4_by.get(rid, tables.table4.iloc[0:0])
        c3 = _cells(t3, "row", "applicant")
        c4 = _cells(t4, "proceeding", "outcome")
        out: dict[str, object] = {
            "report_id": rid,
            "series": _text(rep.get("series_id")) or _text(rep.get("issuer")) or rid,
            "issuer": _text(rep.get("issuer")),
            "year": rep.get("year"),
        }
        for a in APPLICANTS:
            out[f"new_{a}"] = c3.get(("new_received", a), math.nan)
        out["new_total"] = c3.get(("new_received", "total"), math.nan)
        rows_present = set(t3["row"]) if len(t3) else set()
        total = c3.get(("total_processed", "total"), math.nan)
        for g in OUTCOME_GROUPS:
            keys = [(r, "total") for r in rows_present if _outcome_group(r) == g]
            part = _sum(c3, keys)
            out[f"share_{g}"] = 100.0 * part / total if total and not math.isnan(total) else math.nan
        out["processed_total"] = total
        for g in OUTCOME_GROUPS:
            out[f"count_{g}"] = total * out[f"share_{g}"] / 100.0
        out["review_total"] = c4.get(("administrative_review", "total"), math.nan)
        out["litigation_total"] = _sum(c4, [("litigation_direct", "total"), ("litigation_after_review", "total")])
        corrected = _sum(c4, [(p, "corrected") for p in PROCEEDINGS])
        concluded = _sum(c4, [(p, "total") for p in PROCEEDINGS]) - _sum(c4, [(p, "pending") for p in PROCEEDINGS])
        out["corrected"], out["concluded"] = corrected, concluded
        out["correction_rate"] = 100.0 * corrected / concluded if concluded and not math.isnan(concluded) else math.nan
        out["findings_fail"] = float(fails.get(rid, 0))
        rows.append(out)
    extra = ["processed_total", *(f"count_{g}" for g in OUTCOME_GROUPS), "corrected", "concluded"]
    cols = ["report_id", "series", "issuer", "year", *figure_specs()["figure"], *extra]
    frame = pd.DataFrame(rows, columns=cols)
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    return frame


def long_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """report_figures in long form with labels: series, issuer, year, figure, label, kind, panel, value."""
    specs = figure_specs()
    long = figures.melt(
        id_vars=["report_id", "series", "issuer", "year"],
        value_vars=list(specs["figure"]),
        var_name="figure",
        value_name="value",
    )
    return long.merge(specs, on="figure", how="left")


def detect_trends(figures: pd.DataFrame, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Notable changes between consecutive years of each series.

    Columns: issuer, series, figure, label, rule, year_from, value_from, year_to, value_to, change.
    ``change`` is a ratio for ``growth``/``shrink``, percentage points for ``share_shift``,
    the rate itself for ``correction_rate``.
    """
    th = thresholds or Thresholds()
    cols = [
        "issuer",
        "series",
        "figure",
        "label",
        "rule",
        "year_from",
        "value_from",
        "year_to",
        "value_to",
        "change",
    ]
    found: list[dict[str, object]] = []
    specs = figure_specs().set_index("figure")
    data = figures.dropna(subset=["year"]).sort_values(["series", "year"], kind="stable")
    for series, grp in data.groupby("series", sort=True):
        grp = grp.drop_duplicates("year", keep="last")
        issuer = grp["issuer"].iloc[-1]
        for fig, spec in specs.iterrows():
            values = list(zip(grp["year"].astype(int), grp[fig].astype(float), strict=True))
            for (y0, v0), (y1, v1) in zip([(None, math.nan), *values[:-1]], values, strict=True):
                hit = _judge(spec["kind"], v0, v1, th)
                if hit:
                    rule, change = hit
                    found.append(
                        {
                            "issuer": issuer,
                            "series": series,
                            "figure": fig,
                            "label": spec["label"],
                            "rule": rule,
                            "year_from": y0,
                            "value_from": v0,
                            "year_to": y1,
                            "value_to": v1,
                            "change": change,
                        }
                    )
    out = pd.DataFrame(found, columns=cols)
    out["year_from"] = pd.to_numeric(out["year_from"], errors="coerce").astype("Int64")
    out["year_to"] = out["year_to"].astype("Int64")
    return out


def _judge(kind: str, v0: float, v1: float, th: Thresholds) -> tuple[str, float] | None:
    """The rule a change (v0 -> v1) triggers, with its size, or None."""
    if kind == "rate":
        if not math.isnan(v1) and v1 > th.correction_rate:
            return "correction_rate", v1
        return None
    if math.isnan(v0) or math.isnan(v1):
        return None
    if kind == "count":
        if max(v0, v1) < th.min_count:
            return None
        ratio = math.inf if v0 == 0 else v1 / v0
        if ratio > th.growth_factor:
            return "growth", ratio
        if ratio < 1 / th.growth_factor:
            return "shrink", ratio
        return None
    if kind == "share" and abs(v1 - v0) > th.share_points:
        return "share_shift", v1 - v0
    return None
