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
UNPLACED = "未定位地区"  # the page of the reports whose issuer could not be placed in a region
UNPLACED_LEVEL = "unplaced"
REGION_COLUMNS = ["key", "name", "level", "parent", "code", "slug", "n_reports"]
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
    """The region names of one report, outermost first.

    A level the region lacks is skipped: a county-level city directly under its province
    (济源市, 419001) has the path (河南省, 济源市), a county below no prefecture.
    """
    if not _clean(row.get(LEVELS[0])):
        return ()
    return tuple(name for name in (_clean(row.get(level)) for level in LEVELS) if name)


def _path_levels(row: pd.Series | dict) -> tuple[str, ...]:
    """The level of each name of :func:`report_path`."""
    return tuple(level for level in LEVELS if _clean(row.get(level)))


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

    Columns: key, name, level, parent, code, slug, n_reports, page_key and page (the key and slug
    of the region whose page shows it: the innermost region with the same reports); ordered by key.
    """
    members: dict[tuple[str, ...], list[str]] = {}
    levels: dict[tuple[str, ...], str] = {}
    codes: dict[tuple[str, ...], set[str]] = {}
    for i, row in enumerate(reports.to_dict("records")):
        path, kinds = report_path(row), _path_levels(row)
        rid = str(row.get("report_id", i))
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            members.setdefault(sub, []).append(rid)
            levels[sub] = kinds[depth - 1]
            code = _region_code(_clean(row.get("division_code")), kinds[depth - 1])
            if code:
                codes.setdefault(sub, set()).add(code)
    unplaced = [
        str(row.get("report_id", i)) for i, row in enumerate(reports.to_dict("records")) if not report_path(row)
    ]
    rows = []
    if unplaced:
        rows.append(
            {
                "key": UNPLACED,
                "name": UNPLACED,
                "level": UNPLACED_LEVEL,
                "parent": None,
                "code": None,
                "slug": UNPLACED_LEVEL,
                "n_reports": len(unplaced),
                "page_key": UNPLACED,
            }
        )
    for path, ids in members.items():
        level = levels[path]
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
                "n_reports": len(ids),
                "page_key": _innermost_same(path, members),
            }
        )
    frame = pd.DataFrame(rows, columns=[*REGION_COLUMNS, "page_key"])
    frame = frame.sort_values("key", kind="stable").reset_index(drop=True)
    dup = frame["slug"].duplicated(keep=False)
    if dup.any():
        frame.loc[dup, "slug"] = [
            f"{s}-{hashlib.sha1(k.encode('utf-8')).hexdigest()[:6]}"
            for s, k in zip(frame.loc[dup, "slug"], frame.loc[dup, "key"], strict=True)
        ]
    page_slug = dict(zip(frame["key"], frame["slug"], strict=True))
    frame["page"] = frame["page_key"].map(page_slug)
    return frame


def _innermost_same(path: tuple[str, ...], members: dict[tuple[str, ...], list[str]]) -> str:
    """The key of the innermost region below ``path`` holding exactly the same reports (itself if none).

    山东省, 淄博市 and 博山区 holding the one report of 博山区 share the page of 博山区.
    """
    ids = set(members[path])
    while True:
        same = [p for p in members if len(p) > len(path) and p[: len(path)] == path and set(members[p]) == ids]
        if not same:
            return "/".join(path)
        path = max(same, key=len)


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
    hint = suggestions(regions, sel)
    did_you_mean = f"; did you mean {' or '.join(hint)}?" if hint else ""
    raise RegionNotFound(f"no report lies in a region named {selector!r}{did_you_mean}")


def suggestions(regions: pd.DataFrame, selector: str, n: int = 3) -> list[str]:
    """The region names or keys closest to a selector that matched none (for "did you mean …?")."""
    import difflib

    sel = selector.strip().strip("/")
    names = list(dict.fromkeys([*regions["name"].astype(str), *regions["key"].astype(str)]))
    close = difflib.get_close_matches(sel, names, n=n, cutoff=0.4)
    if not close:  # a name sharing a character or more, e.g. 晋城 for 晋城市
        close = [k for k in names if set(sel) & set(k)][:n] if sel else []
    return close


def region_mask(reports: pd.DataFrame, region: Region) -> pd.Series:
    """True for each report whose issuer lies in the region (at any depth); the unplaced region
    (:data:`UNPLACED`) holds the reports placed in none."""
    if not len(reports):
        return pd.Series([], dtype=bool)
    if region.level == UNPLACED_LEVEL:
        return reports.apply(lambda r: not report_path(r), axis=1).astype(bool)
    n = len(region.path)
    return reports.apply(lambda r: report_path(r)[:n] == region.path, axis=1).astype(bool)


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
