"""Select regions at any level: a name (山西省, 晋城市, 高平市, 山西省晋城市) or a code prefix (14, 1405).

Containment is by code prefix: a county's code starts with its 地级 city's four digits in every
vintage since 2000 (before that some county-level cities had codes like 2290xx; reports start 2008).
"""

from __future__ import annotations

import re

from gongkai.regions.resolve import Region, explain_issuer


def selector_prefix(selector: str | Region, *, year: int | None = None) -> str:
    """The code prefix a selector stands for.

    Digits: 2 (province), 4 (city) or 6 (a division code; 140000 → 14, 140500 → 1405). Otherwise a
    division name or chain of names, resolved like an issuer but with no agency part allowed.
    Raises ValueError for an unknown, ambiguous or malformed selector.
    """
    if isinstance(selector, Region):
        return selector.code_prefix
    text = selector.strip()
    if text.isdigit():
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", text):
            raise ValueError(f"a code selector has 2, 4 or 6 digits, not {text!r}")
        if len(text) == 6 and text.endswith("0000"):
            return text[:2]
        if len(text) == 6 and text.endswith("00"):
            return text[:4]
        return text
    found = explain_issuer(text, year=year)
    if found.region is None:
        raise ValueError(f"selector {selector!r}: {found.note}")
    if found.kind != "division":
        raise ValueError(f"selector {selector!r} is not a bare division name")
    return found.region.code_prefix


def region_contains(selector: str | Region, region: Region | None, *, year: int | None = None) -> bool:
    """Whether ``region`` is the selected region or lies below it (None is never contained)."""
    prefix = selector_prefix(selector, year=year)
    return region is not None and region.code.startswith(prefix)
