"""Everything the region audit shows, loaded for one region."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gongkai.analysis.data import TABLES, Tables, empty_table, load_table, resolve_processed
from gongkai.analysis.selection import Region, RegionNotFound, list_regions, select_reports, unknown_region


@dataclass
class RegionData:
    """The reports a region selects and their rows of every processed table."""

    region: Region
    tables: Tables
    note: str = ""  # why the region is empty, when it is
    shared_with: tuple[str, ...] = ()  # enclosing regions whose page this is (same reports)
    processed: Path | None = None

    @property
    def reports(self) -> pd.DataFrame:
        return self.tables.reports

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.reports["year"].dropna().unique())

    @property
    def empty(self) -> bool:
        return self.reports.empty


def load_region(processed: str | Path, selector: str) -> RegionData:
    """Load one region's reports and their table rows; an unknown region loads empty."""
    folder = resolve_processed(processed)
    reports = load_table(folder, "reports")
    try:
        region, picked = select_reports(reports, selector)
    except RegionNotFound as exc:
        frames = {n: empty_table(n) for n in TABLES}
        return RegionData(unknown_region(selector), Tables(**frames), note=str(exc), processed=folder)
    frames = {n: load_table(folder, n, report_ids=picked["report_id"]) for n in TABLES[1:]}
    regions = list_regions(reports)
    shared = regions[(regions["page_key"] == region.key) & (regions["key"] != region.key)]["key"]
    return RegionData(region, Tables(reports=picked, **frames), shared_with=tuple(shared), processed=folder)
