"""The rule catalogue (``rules.csv``); the identities are the templates' (:mod:`gongkai.templates.identities`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.datafiles import package_csv
from gongkai.templates.identities import Identity, identities

__all__ = ["Identity", "Rule", "identities", "rules", "severity"]

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One rule: stable id, group, severity and a one-line description in Chinese and English."""

    id: str
    group: str
    severity: str
    description_zh: str
    description_en: str


@cache
def rules() -> dict[str, Rule]:
    """All rules by id, in catalogue order."""
    out = {r["id"]: Rule(**r) for r in package_csv(__package__, "rules.csv")}
    bad = [r.id for r in out.values() if r.severity not in SEVERITIES]
    if bad:
        raise ValueError(f"rules.csv: unknown severity for {bad}")
    return out


def severity(rule_id: str) -> str:
    """The severity of a rule."""
    return rules()[rule_id].severity
