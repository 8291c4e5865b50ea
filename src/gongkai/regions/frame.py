"""A table of issuers and their regions, with per-issuer code overrides (e.g. from the manifest)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from os import PathLike

import pandas as pd

from gongkai.regions.dataset import vintage
from gongkai.regions.resolve import Resolution, explain_issuer, outside_dataset, resolve_code

FRAME_COLUMNS = ["issuer", "province", "city", "county", "division_code", "level", "resolved", "note"]
_TEXT_COLUMNS = [c for c in FRAME_COLUMNS if c != "resolved"]


def _is_blank(value: object) -> bool:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return True
    return str(value).strip() == ""


def _override(issuer: str, code: object, year: int | None) -> Resolution:
    text = str(code).strip()
    if re.fullmatch(r"\d{6}\.0", text):  # a code read as a float by a careless CSV reader
        text = text[:6]
    if not re.fullmatch(r"\d{6}", text):
        return Resolution(issuer, None, f"override code {text!r} is not a 6-digit code")
    region = resolve_code(text, year=year)
    if region is None:
        return Resolution(issuer, None, f"override code {text} is not a division in {vintage(year).year}")
    found = explain_issuer(issuer, year=year).region
    if found is None or found == region:
        note = "override"
    else:
        note = f"override (name resolves to {found.path} {found.code})"
    return Resolution(issuer, region, note, "override")


def regions_frame(
    issuers: Iterable[str],
    overrides: Mapping[str, str] | None = None,
    *,
    year: int | None = None,
) -> pd.DataFrame:
    """One row per issuer, in input order; unresolved issuers stay, with a note saying why.

    ``overrides`` maps an issuer to a 6-digit division code that wins over name resolution; blank
    codes are ignored, and a code not in the dataset leaves the issuer unresolved with a note. A year
    before the dataset leaves every issuer unresolved with a note saying so (never an exception).
    """
    overrides = overrides or {}
    outside = outside_dataset(year)
    rows = []
    for issuer in issuers:
        code = overrides.get(issuer)
        if outside:
            res = Resolution(issuer, None, outside)
        else:
            res = explain_issuer(issuer, year=year) if _is_blank(code) else _override(issuer, code, year)
        reg = res.region
        rows.append(
            {
                "issuer": issuer,
                "province": reg.province if reg else None,
                "city": reg.city if reg else None,
                "county": reg.county if reg else None,
                "division_code": reg.code if reg else None,
                "level": reg.level if reg else None,
                "resolved": reg is not None,
                "note": res.note,
            }
        )
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    frame[_TEXT_COLUMNS] = frame[_TEXT_COLUMNS].astype("string")
    return frame.astype({"resolved": bool})


def overrides_from_manifest(manifest: str | PathLike[str] | pd.DataFrame) -> dict[str, str]:
    """The issuer → division_code overrides of a manifest (CSV path or frame); {} without that column."""
    frame = manifest if isinstance(manifest, pd.DataFrame) else pd.read_csv(manifest, dtype=str)
    if "division_code" not in frame.columns:
        return {}
    if "issuer" not in frame.columns:
        raise ValueError("the manifest has a division_code column but no issuer column")
    out: dict[str, str] = {}
    for issuer, code in zip(frame["issuer"], frame["division_code"], strict=True):
        if _is_blank(issuer) or _is_blank(code):
            continue
        code = str(code).strip()
        if out.get(issuer, code) != code:
            raise ValueError(f"the manifest gives {issuer!r} two division codes: {out[issuer]} and {code}")
        out[issuer] = code
    return out
