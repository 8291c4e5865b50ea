"""The rule catalogue and the identity definitions, loaded from the CSV files beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.datafiles import package_csv

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One rule: stable id, group, severity and a one-line description in Chinese and English."""

    id: str
    group: str
    severity: str
    description_zh: str
    description_en: str


@dataclass(frozen=True)
class Identity:
    """A linear identity ``sum(lhs) = sum(rhs)`` evaluated once per slice of a table.

    ``iterate`` says which axis is walked (``row`` or ``column``); ``lhs`` and
    ``rhs`` are keys (``*`` globs allowed) along the other axis. ``iter_field``
    says whether the walked key is reported as the finding's row or column.
    """

    rule: str
    table: int
    iterate: str
    iter_field: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


@cache
def rules() -> dict[str, Rule]:
    """All rules by id, in catalogue order."""
    out = {r["id"]: Rule(**r) for r in package_csv(__package__, "rules.csv")}
    bad = [r.id for r in out.values() if r.severity not in SEVERITIES]
    if bad:
        raise ValueError(f"rules.csv: unknown severity for {bad}")
    return out


@cache
def identities() -> tuple[Identity, ...]:
    """The table identities 1–4 of the format README."""
    return tuple(
        Identity(
            rule=r["rule"],
            table=int(r["table"]),
            iterate=r["iterate"],
            iter_field=r["iter_field"],
            lhs=tuple(r["lhs"].split(";")),
            rhs=tuple(r["rhs"].split(";")),
        )
        for r in package_csv(__package__, "identities.csv")
    )


def severity(rule_id: str) -> str:
    """The severity of a rule."""
    return rules()[rule_id].severity
