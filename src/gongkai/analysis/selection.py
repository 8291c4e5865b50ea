"""Regions present in the reports table, and which reports a region selects.

The build writes ``province``, ``city``, ``county`` and ``division_code`` for
each report (via ``gongkai.regions``). A region is a path of those names; it
selects every report whose issuer lies in it at any depth, so 晋城市 includes
the reports of 高平市.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pandas as pd

LEVELS = ("province", "city", "county")
_CODE_WIDTH = {"province": 2, "city": 4, "county": 6}


@dataclass(frozen=True)
class Region:
    """One administrative region: its name path and an ASCII file-name slug."""

    key: str  # names joined by "/", e.g. "山西省/晋城市"
    name: str
    level: str
    path: tuple[str, ...]
    code: str | None
    slug: str

    @property
    def parent(self) -> str | None:
        """Key of the enclosing region, or None for a province."""
        return "/".join(self.path[:-1]) or None


class RegionNotFound(LookupError):
    """No region, or more than one, matches a selector."""


def _clean(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    return str(v).strip()


def report_path(row: pd.Series | dict) -> tuple[str, ...]:
    """The region names of one report, outermost first, stopping at the first gap."""
    out: list[str] = []
    for level in LEVELS:
        name = _clean(row.get(level))
        if not name:
            break
        out.append(name)
    return tuple(out)


def _region_code(division_code: str, level: str) -> str | None:
    digits = re.sub(r"\D", "", division_code)
    if len(digits) < 6:
        return None
    width = _CODE_WIDTH[level]
    return digits[:width].ljust(6, "0")


def _slug(level: str, code: str | None, key: str) -> str:
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    return f"{level}-{code}" if code else f"{level}-x{digest}"


def list_regions(reports: pd.DataFrame) -> pd.DataFrame:
    """Every region that holds at least one report, with its report count and slug.

    Columns: key, name, level, parent, code, slug, n_reports; ordered by key.
    """
    counts: dict[tuple[str, ...], int] = {}
    codes: dict[tuple[str, ...], set[str]] = {}
    for _, row in reports.iterrows():
        path = report_path(row)
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            counts[sub] = counts.get(sub, 0) + 1
            code = _region_code(_clean(row.get("division_code")), LEVELS[depth - 1])
            if code:
                codes.setdefault(sub, set()).add(code)
    rows = []
    for path, n in counts.items():
        level = LEVELS[len(path) - 1]
        key = "/".join(path)
        found = codes.get(path, set())
        code = next(iter(found)) if len(found) == 1 else None
        rows.append(
            {
                "key": key,
                "name": path[-1],
                "level": level,
                "parent": "/".join(path[:-1]) or None,
                "code": code,
                "slug": _slug(level, code, key),
                "n_reports": n,
            }
        )
    frame = pd.DataFrame(rows, columns=["key", "name", "level", "parent", "code", "slug", "n_reports"])
    frame = frame.sort_values("key", kind="stable").reset_index(drop=True)
    dup = frame["slug"].duplicated(keep=False)
    if dup.any():
        frame.loc[dup, "slug"] = [
            f"{s}-{hashlib.sha1(k.encode('utf-8')).hexdigest()[:6]}"
            for s, k in zip(frame.loc[dup, "slug"], frame.loc[dup, "key"], strict=True)
        ]
    return frame


def _as_region(row: pd.Series) -> Region:
    return Region(
        key=row["key"],
        name=row["name"],
        level=row["level"],
        path=tuple(row["key"].split("/")),
        code=row["code"],
        slug=row["slug"],
    )


def find_region(regions: pd.DataFrame, selector: str) -> Region:
    """The region a selector names: a key ("山西省/晋城市"), a name, a slug or a division code."""
    sel = selector.strip().strip("/")
    for column in ("key", "slug", "code", "name"):
        hit = regions[regions[column].astype(str) == sel]
        if len(hit) == 1:
            return _as_region(hit.iloc[0])
        if len(hit) > 1:
            options = ", ".join(hit["key"])
            raise RegionNotFound(f"{selector!r} is ambiguous: {options}; give the full path")
    raise RegionNotFound(f"no report lies in a region named {selector!r}")


def region_mask(reports: pd.DataFrame, region: Region) -> pd.Series:
    """True for each report whose issuer lies in the region (at any depth)."""
    n = len(region.path)
    return (
        reports.apply(lambda r: report_path(r)[:n] == region.path, axis=1).astype(bool)
        if len(reports)
        else pd.Series([], dtype=bool)
    )


def select_reports(reports: pd.DataFrame, selector: str | Region) -> tuple[Region, pd.DataFrame]:
    """The region a selector names and the reports it selects, ordered by issuer and year."""
    region = selector if isinstance(selector, Region) else find_region(list_regions(reports), selector)
    picked = reports[region_mask(reports, region)]
    return region, picked.sort_values(["issuer", "year"], kind="stable").reset_index(drop=True)


def unknown_region(selector: str) -> Region:
    """A region that holds no report: rendered as an empty audit, not an error."""
    name = selector.strip().strip("/") or "?"
    path = tuple(name.split("/"))
    return Region(key=name, name=path[-1], level="unknown", path=path, code=None, slug=_slug("region", None, name))
