"""Which reports belong to the same issuer across years (a *series*).

The series id is the issuer name normalised: Unicode NFKC, whitespace and
brackets/quotes removed, and a trailing 办公室/办公厅 dropped, so that
``高平市人民政府办公室`` and ``高平市 人民政府`` are one series. When the issuer
is unknown it is taken from the title (the text before ``20xx年``). A
``series_id`` column in the manifest (matched on ``report_id`` or on the file
name) overrides this, for renamed bodies or for two bodies that share a name
(``城区人民政府`` exists in several cities).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from gongkai.report import Report

_DROP = re.compile(r"[\s\u3000·•()（）【】\[\]“”\"'《》]")
_SUFFIX = re.compile(r"(?:办公室|办公厅)$")
_TITLE = re.compile(r"^(.*?)\s*(?:19|20)\d{2}\s*年")


def normalise_issuer(name: str) -> str:
    """The series key of an issuer name."""
    s = _DROP.sub("", unicodedata.normalize("NFKC", name))
    return _SUFFIX.sub("", s)


def issuer_of(report: Report) -> str | None:
    """The issuer, or failing that the part of the title before the year."""
    if report.issuer and report.issuer.strip():
        return report.issuer
    if report.title:
        m = _TITLE.match(report.title.strip())
        if m and m.group(1).strip():
            return m.group(1)
    return None


def manifest_overrides(manifest: pd.DataFrame | str | Path | None) -> dict[str, str]:
    """``series_id`` by report_id and by file name, from a manifest with a ``series_id`` column."""
    if manifest is None:
        return {}
    df = manifest if isinstance(manifest, pd.DataFrame) else pd.read_csv(manifest, dtype=str)
    if "series_id" not in df.columns:
        return {}
    out: dict[str, str] = {}
    for _, r in df.iterrows():
        sid = r.get("series_id")
        if sid is None or pd.isna(sid) or not str(sid).strip():
            continue
        for col in ("report_id", "file"):
            key = r.get(col)
            if key is not None and not pd.isna(key) and str(key).strip():
                out[str(key).strip()] = str(sid).strip()
    return out


def series_id(report: Report, overrides: dict[str, str]) -> str | None:
    """The series a report belongs to (manifest override first)."""
    if overrides:
        for key in (report.report_id, Path(report.source_file).name if report.source_file else None):
            if key and key in overrides:
                return overrides[key]
    issuer = issuer_of(report)
    return normalise_issuer(issuer) if issuer else None


def index_series(
    reports: Iterable[Report], overrides: dict[str, str], sids: Iterable[str | None] | None = None
) -> dict[tuple[str, int], Report]:
    """(series id, year) -> report; the first report wins when a year appears twice.

    ``sids``: the reports' series ids when already worked out (one per report, in order).
    """
    reports = list(reports)
    sids = [series_id(r, overrides) for r in reports] if sids is None else sids
    out: dict[tuple[str, int], Report] = {}
    for r, sid in zip(reports, sids, strict=True):
        if sid is not None and r.year is not None:
            out.setdefault((sid, int(r.year)), r)
    return out
