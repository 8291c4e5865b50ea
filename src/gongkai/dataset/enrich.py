"""Columns added to the reports table from later knowledge: region (行政区划) and series id."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from gongkai.regions import overrides_from_manifest, regions_frame
from gongkai.report import Report
from gongkai.rules.series import assign_series, manifest_overrides


def region_row(hit: Mapping[str, str] | pd.Series) -> dict[str, str]:
    """The region columns of a report from its issuer's row of :func:`gongkai.regions.regions_frame`."""
    return {
        "province": hit["province"],
        "city": hit["city"],
        "county": hit["county"],
        "division_code": hit["division_code"],
        "region_level": hit["level"],
        "region_note": hit["note"],
    }

REGION_COLUMNS = ["province", "city", "county", "division_code", "region_level", "region_note"]


def region_columns(reports: list[Report], manifest: pd.DataFrame) -> pd.DataFrame:
    """Region of each report's issuer, resolved in the division vintage of its year; NA with a note if not."""
    overrides = overrides_from_manifest(manifest.reset_index()) if len(manifest) else {}
    rows: dict[str, dict[str, object]] = {}
    by_year: dict[int | None, list[Report]] = {}
    for r in reports:
        by_year.setdefault(r.year, []).append(r)
    for year, group in by_year.items():
        issuers = list(dict.fromkeys(r.issuer for r in group if r.issuer))
        frame = regions_frame(issuers, overrides, year=year).set_index("issuer") if issuers else None
        for r in group:
            if frame is None or not r.issuer:
                rows[r.report_id] = {"region_note": "no issuer to resolve"}
                continue
            hit = frame.loc[r.issuer]
            rows[r.report_id] = region_row(hit)
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=REGION_COLUMNS)
    return out.astype("string")


def series_column(reports: list[Report], manifest: pd.DataFrame) -> pd.Series:
    """The series id (same body across years) of each report; the manifest's ``series_id`` wins."""
    overrides = manifest_overrides(manifest.reset_index()) if len(manifest) else {}
    ids = assign_series(reports, overrides).ids
    return pd.Series(dict(zip((r.report_id for r in reports), ids, strict=True)), dtype="string", name="series_id")
