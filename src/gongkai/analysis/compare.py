"""Year against year for each issuer series: the totals of tables 3 and 4 side by side, changes marked,
and the outcome of the cross-year checks of each year beneath them."""

from __future__ import annotations

import pandas as pd

from gongkai import templates
from gongkai.analysis.data import Tables
from gongkai.analysis.problems import number, signed, text

CROSS_YEAR_PREFIX = "xy."
_NUMERIC = ("number", "inferred", "corrected")


def _row_names() -> dict[str, str]:
    """Table 3 row key -> its label with its group when the label alone is ambiguous (（三）不予公开 1.属于国家秘密)."""
    out = {}
    for fmt in templates.FORMATS:
        for r in templates.table3_rows(fmt):
            grouped = r.group.startswith("（") and not r.label.startswith("（")
            out[r.key] = f"{r.group} {r.label}" if grouped else r.label
    return out


def _values(df: pd.DataFrame, key: str, col: str, label: str, pick: str) -> pd.DataFrame:
    part = df[(df[col] == pick) & df["cell_status"].isin(_NUMERIC)]
    return part[["report_id", key, label, "value"]].rename(columns={key: "key", label: "label"})


def _verdict(row: pd.Series | None) -> tuple[str, str]:
    if row is None:
        return "—", ""
    if int(row["n_fail"]):
        return "未通过", "gk-fail"
    if int(row["n_pass"]):
        return "通过", ""
    if int(row["n_not_assessable"]):
        return "无法判断", "gk-missing"
    return "—", ""


def issuer_comparisons(tables: Tables) -> list[dict[str, object]]:
    """One block per issuer series with two or more years: years, rows (label, cells) and a caption."""
    reps = tables.reports.dropna(subset=["year"])
    series = reps["series_id"].fillna(reps["issuer"]).fillna(reps["report_id"])
    t3 = _values(tables.table3, "row", "applicant", "row_label", "total")
    names = _row_names()
    t3 = t3.assign(label=[names.get(str(k), text(v)) for k, v in zip(t3["key"], t3["label"], strict=True)])
    t4 = _values(tables.table4, "proceeding", "outcome", "proceeding_label", "total")
    t4 = t4.assign(label=t4["label"].astype(str) + "（总计）")
    cells = pd.concat([t3, t4], ignore_index=True)
    checks = tables.checks[tables.checks["rule"].astype(str).str.startswith(CROSS_YEAR_PREFIX)]
    blocks = []
    for _, grp in reps.assign(_series=series).groupby("_series", sort=True):
        grp = grp.sort_values("year").drop_duplicates("year", keep="last")
        if len(grp) < 2:
            continue
        years = [int(y) for y in grp["year"]]
        ids = list(grp["report_id"])
        mine = cells[cells["report_id"].isin(ids)]
        order = list(dict.fromkeys(mine["key"]))
        rows = []
        for key in order:
            sub = mine[mine["key"] == key]
            by_id = dict(zip(sub["report_id"], sub["value"], strict=True))
            label = text(sub["label"].iloc[0])
            out, prev = [], None
            for rid in ids:
                v = by_id.get(rid)
                shown, css, tip = number(v), "", ""
                if v is not None and prev is not None and not pd.isna(v) and not pd.isna(prev) and v != prev:
                    change = float(v) - float(prev)
                    shown, css = f"{shown}（{signed(change)}）", "gk-up" if change > 0 else "gk-down"
                    tip = f"较上年{'增加' if change > 0 else '减少'} {number(abs(change), '件')}"
                out.append({"text": shown or "—", "css": css, "title": tip})
                prev = v
            rows.append({"label": label, "cells": out, "check": False})
        mine_checks = checks[checks["report_id"].isin(ids)]
        for rule, sub in mine_checks.groupby("rule", sort=False):
            by_id = {r["report_id"]: r for _, r in sub.iterrows()}
            label = text(sub["rule_label"].iloc[0]) or str(rule)
            out = []
            for rid in ids:
                shown, css = _verdict(by_id.get(rid))
                out.append({"text": shown, "css": css, "title": ""})
            rows.append({"label": f"跨年核对：{label}", "cells": out, "check": True})
        blocks.append(
            {
                "issuer": text(grp["issuer"].iloc[-1]),
                "years": years,
                "rows": rows,
                "caption": "表三各行与表四各类的总计（件）；括号内为较上一年度的变化。",
            }
        )
    return blocks
