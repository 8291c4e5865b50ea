"""The issuer-name rules and the alias table, kept as CSV beside this module.

``agency_rules.csv``: ``prefix`` rows are stripped from the start of an issuer (中共…, 国家税务总局…);
``suffix`` rows must match the whole text left after the division names (人民政府, 办公室, 财政局…),
tried in file order. ``aliases.csv`` maps names that are not official divisions (平潭综合实验区) to
the code of the division they administer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from gongkai.datafiles import package_csv


@dataclass(frozen=True)
class AgencyRule:
    position: str
    kind: str
    pattern: re.Pattern[str]
    note: str


@dataclass(frozen=True)
class Alias:
    alias: str
    division_code: str
    note: str


@cache
def agency_rules() -> tuple[AgencyRule, ...]:
    rules = []
    for r in package_csv(__package__, "agency_rules.csv"):
        if r["position"] not in ("prefix", "suffix"):
            raise ValueError(f"agency_rules.csv: bad position {r['position']!r}")
        rules.append(AgencyRule(r["position"], r["kind"], re.compile(f"(?:{r['pattern']})"), r["note"]))
    return tuple(rules)


def strip_prefix(text: str) -> str:
    """Remove one leading organ prefix (中共, 国家税务总局…) if present."""
    for rule in agency_rules():
        if rule.position == "prefix" and (m := rule.pattern.match(text)):
            return text[m.end() :]
    return text


def match_suffix(rest: str) -> AgencyRule | None:
    """The first suffix rule matching the whole remainder, if any."""
    for rule in agency_rules():
        if rule.position == "suffix" and rule.pattern.fullmatch(rest):
            return rule
    return None


@cache
def aliases() -> tuple[Alias, ...]:
    out = []
    for r in package_csv(__package__, "aliases.csv"):
        code = r["division_code"].strip()
        if not re.fullmatch(r"\d{6}", code):
            raise ValueError(f"aliases.csv: {r['alias']!r} has a bad code {code!r}")
        out.append(Alias(r["alias"].strip(), code, r["note"].strip()))
    return tuple(out)
