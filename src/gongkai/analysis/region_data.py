"""Everything the region audit shows, loaded for one region."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gongkai.analysis.data import TABLES, Tables, empty_table, load_table
from gongkai.analysis.selection import Region, RegionNotFound, select_reports, unknown_region


@dataclass
class RegionData:
    """The reports a region selects and their rows of every processed table."""

    region: Region
    tables: Tables
    note: str = ""  # why the region is empty, when it is

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
    reports = load_table(processed, "reports")
    try:
        region, picked = select_reports(reports, selector)
    except RegionNotFound as exc:
        frames = {n: empty_table(n) for n in TABLES}
        return RegionData(unknown_region(selector), Tables(**frames), note=str(exc))
    frames = {n: load_table(processed, n, report_ids=picked["report_id"]) for n in TABLES[1:]}
    return RegionData(region, Tables(reports=picked, **frames))
