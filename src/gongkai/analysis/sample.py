"""A generated sample corpus run through the real pipeline, for tests and benchmarks of the notebooks.

Generated reports (:mod:`gongkai.synthetic`) of the five seed issuers (``sample_issuers.csv``) over
2020–2024 are written as raw files in several layouts with a ``manifest.csv``, then parsed, audited
and tabulated by ``gongkai build`` itself: the tables, findings and claims are what the pipeline
produces, never written by hand. Consecutive years of an issuer are chained (上年结转 equals the
previous 结转下年度, 现行有效 follows 制发 and 废止), so the cross-year rules hold, and every identity
holds except what is planted: table 3 of 高平市 2022 has (granted, natural_person) raised by
:data:`PLANTED_DELTA`, so its row total and its column's outcome total fail. 稷山县's table 4 has a
dash in 其他结果, so its proceeding totals cannot be checked. Optional extra provinces (real
divisions) add many regions for benchmarks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from gongkai.datafiles import package_csv
from gongkai.synthetic import SyntheticTables, TruthCell, format_for_year, narrative, random_tables, render
from gongkai.templates.identities import group_keys

PLANTED_ISSUER = "高平市人民政府办公室"
PLANTED_YEAR = 2022
PLANTED_CELL = ("granted", "natural_person")
PLANTED_DELTA = 7
DASH_ISSUER = "稷山县人民政府"

_APPLICANTS = group_keys("applicants")  # the six applicant columns of table 3


@dataclass(frozen=True)
class SampleIssuer:
    issuer: str
    file: str  # ASCII stem of its raw files
    layout: str
    years: tuple[int, ...]


def sample_issuers() -> list[SampleIssuer]:
    """The seed issuers, the layout their reports are written in, and the years the sample gives them."""
    return [
        SampleIssuer(r["issuer"], r["file"], r["layout"], tuple(int(y) for y in r["years"].split(";")))
        for r in package_csv(__package__, "sample_issuers.csv")
    ]


def extra_issuers(n_provinces: int, cities: int = 3, counties: int = 3) -> list[SampleIssuer]:
    """Issuers of real divisions: ``cities`` prefectures of ``n_provinces`` provinces, ``counties`` counties each."""
    from gongkai.regions.dataset import vintage

    v = vintage(2023)
    provinces = sorted(d.code for d in v.by_code.values() if d.level == "province" and not d.code.startswith("14"))
    out: list[SampleIssuer] = []
    for p in provinces:
        prov_cities = sorted(
            (d for d in v.by_code.values() if d.level == "city" and d.province_code == p), key=lambda d: d.code
        )
        if len(prov_cities) < cities or len(out) >= n_provinces * (1 + counties) * cities:
            continue
        for city in prov_cities[:cities]:
            out.append(SampleIssuer(f"{city.name}人民政府", f"c{city.code}", "tab_separated", (2022, 2023, 2024)))
            under = sorted(
                (d for d in v.by_code.values() if d.level == "county" and d.city_code == city.code),
                key=lambda d: d.code,
            )
            for county in under[:counties]:
                issuer = f"{city.name}{county.name}人民政府"
                out.append(SampleIssuer(issuer, f"k{county.code}", "pipe_separated", (2023, 2024)))
    return out


def _number(v: int) -> TruthCell:
    return TruthCell.number(v)


def chain(prev: SyntheticTables | None, cur: SyntheticTables) -> SyntheticTables:
    """``cur`` made to follow ``prev``: 上年结转 = previous 结转下年度 (each column, 本年新收 rebalanced),
    and for 规章 and 规范性文件 现行有效 = previous 现行有效 + 制发 − 废止."""
    if prev is None:
        return cur
    t3 = dict(cur.table3)
    for a in _APPLICANTS:
        over = int(prev.table3[("carried_forward", a)].value)  # type: ignore[arg-type]
        processed = int(t3[("total_processed", a)].value)  # type: ignore[arg-type]
        forward = int(t3[("carried_forward", a)].value)  # type: ignore[arg-type]
        forward = max(forward, over - processed)
        t3[("carried_over", a)] = _number(over)
        t3[("carried_forward", a)] = _number(forward)
        t3[("new_received", a)] = _number(processed + forward - over)
    for row in ("carried_over", "carried_forward", "new_received"):
        t3[(row, "total")] = _number(sum(int(t3[(row, a)].value) for a in _APPLICANTS))  # type: ignore[arg-type]
    t2 = dict(cur.table2)
    for cat in ("regulation", "normative_document"):
        keys = [(cat, m) for m in ("issued", "repealed", "in_force")]
        if all(k in t2 for k in keys) and (cat, "in_force") in prev.table2:
            before = int(prev.table2[(cat, "in_force")].value)  # type: ignore[arg-type]
            issued = int(t2[(cat, "issued")].value)  # type: ignore[arg-type]
            repealed = min(int(t2[(cat, "repealed")].value), before)  # type: ignore[arg-type]
            t2[(cat, "repealed")] = _number(repealed)
            t2[(cat, "in_force")] = _number(before + issued - repealed)
    return dataclasses.replace(cur, table2=t2, table3=t3)


def plant(tables: SyntheticTables) -> SyntheticTables:
    """Raise :data:`PLANTED_CELL` by :data:`PLANTED_DELTA`: its row total and its column's outcome total fail."""
    t3 = dict(tables.table3)
    cell = t3[PLANTED_CELL]
    t3[PLANTED_CELL] = _number(int(cell.value) + PLANTED_DELTA)  # type: ignore[arg-type]
    return dataclasses.replace(tables, table3=t3)


def dash_other(tables: SyntheticTables) -> SyntheticTables:
    """其他结果 of every proceeding of table 4 printed as a dash."""
    t4 = {k: (TruthCell(None, "dash", "/") if k[1] == "other" else c) for k, c in tables.table4.items()}
    return dataclasses.replace(tables, table4=t4)


def write_raw(folder: str | Path, seed: int = 0, extra_provinces: int = 0) -> Path:
    """Write the sample's raw reports and manifest into ``folder``; returns it."""
    raw = Path(folder)
    raw.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    lines = ["file,issuer,year,source,sha256"]
    for iss in sample_issuers() + extra_issuers(extra_provinces):
        prev: SyntheticTables | None = None
        for year in iss.years:
            fmt = format_for_year(year)
            tables = chain(prev, random_tables(rng, fmt))  # type: ignore[arg-type]
            prev = tables
            if iss.issuer == PLANTED_ISSUER and year == PLANTED_YEAR:
                tables = plant(tables)
            if iss.issuer == DASH_ISSUER:
                tables = dash_other(tables)
            story = narrative(rng, tables, issuer=iss.issuer, year=year)
            text = render(
                tables,
                iss.layout,
                issuer=iss.issuer,
                year=year,
                rng=rng,
                narrative_text=story,
                published=dt.date(year + 1, 1, 20 + year % 7),
            )
            ext = "html" if iss.layout.startswith("html") else "txt"
            name = f"{iss.file}_{year}.{ext}"
            (raw / name).write_text(text, encoding="utf-8")
            lines.append(f"{name},{iss.issuer},{year},generated by gongkai.analysis.sample (seed {seed}),")
    (raw / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return raw


def build_sample(folder: str | Path, seed: int = 0, extra_provinces: int = 0) -> Path:
    """Write the raw sample under ``folder/raw`` and build it with ``gongkai build`` into ``folder/processed``."""
    from gongkai.dataset import build

    root = Path(folder)
    raw = write_raw(root / "raw", seed, extra_provinces)
    processed = root / "processed"
    build(raw, processed, progress=False)
    return processed
