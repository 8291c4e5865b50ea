"""Collects evaluations while auditing and turns them into the findings, claims and checks tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from typing import NamedTuple, get_type_hints

import numpy as np
import pandas as pd

from gongkai.celltable import string_array
from gongkai.rules.catalog import rules, severity


class Finding(NamedTuple):
    """One failed or not-assessable evaluation: a row of the findings table."""

    report_id: str
    rule: str
    severity: str
    status: str
    table: int | None
    row: str | None
    column: str | None
    expected: float | None
    actual: float | None
    difference: float | None
    message: str
    evidence: str


class ClaimRow(NamedTuple):
    """One figure of the narrative and what it was judged against: a row of the claims table."""

    report_id: str
    section: str
    kind: str
    value: float | None
    unit: str | None
    sentence: str
    offset: int
    matched_table: int | None
    matched_row: str | None
    matched_column: str | None
    table_value: float | None
    status: str
    note: str


FINDING_COLUMNS = list(Finding._fields)
CLAIM_COLUMNS = list(ClaimRow._fields)
CHECK_COLUMNS = ["report_id", "rule", "n_pass", "n_fail", "n_not_assessable"]


def fmt_number(x: float | None) -> str:
    """A number as findings write it (``12``, ``0.5``; empty for None)."""
    return "" if x is None else f"{x:.10g}"


STATUSES = ("pass", "fail", "not_assessable")


@cache
def _severity(rule: str) -> str:
    return severity(rule)


@dataclass
class Collector:
    """Accumulates rule outcomes for many reports; cheap appends, one DataFrame at the end."""

    findings: list[Finding] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    counts: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    report_ids: list[str] = field(default_factory=list)

    def start(self, report_id: str) -> None:
        """Register a report so every rule gets a checks row, even when nothing was evaluated."""
        self.report_ids.append(report_id)

    def count(self, report_id: str, rule: str, n_pass: int = 0, n_fail: int = 0, n_na: int = 0) -> None:
        c = self.counts[(report_id, rule)]
        c[0] += n_pass
        c[1] += n_fail
        c[2] += n_na

    def count_passes(self, report_ids: Iterable[str], rule: str, n_pass: Iterable[int]) -> None:
        """:meth:`count` of passes for many reports at once (one number per report)."""
        counts = self.counts
        for report_id, n in zip(report_ids, n_pass, strict=True):
            counts[(report_id, rule)][0] += n

    def result(
        self,
        report_id: str,
        rule: str,
        status: str,
        *,
        table: int | None = None,
        row: str | None = None,
        column: str | None = None,
        expected: float | None = None,
        actual: float | None = None,
        message: str = "",
        evidence: str = "",
        severity_override: str | None = None,
        into: list[Finding] | None = None,
    ) -> None:
        """Record one evaluation; fail and not_assessable also become findings (appended to ``into`` if given)."""
        if status not in STATUSES:
            raise ValueError(status)
        c = self.counts[(report_id, rule)]
        if status == "pass":
            c[0] += 1
            return
        c[1 if status == "fail" else 2] += 1
        diff = actual - expected if expected is not None and actual is not None else None
        (self.findings if into is None else into).append(
            Finding(
                report_id,
                rule,
                severity_override or _severity(rule),
                status,
                table,
                row,
                column,
                expected,
                actual,
                diff,
                message,
                evidence,
            )
        )

    def claim(self, row: ClaimRow) -> None:
        self.claims.append(row)

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        findings = rows_frame(self.findings, Finding)
        claims = rows_frame(self.claims, ClaimRow)
        ids = list(dict.fromkeys(self.report_ids))
        names = list(rules())
        if not ids:
            return findings, claims, pd.DataFrame([], columns=CHECK_COLUMNS)
        zero = (0, 0, 0)
        per_check = [self.counts.get((rid, rule), zero) for rid in ids for rule in names]
        counts = np.fromiter(chain.from_iterable(per_check), np.int64, 3 * len(per_check)).reshape(-1, 3)
        checks = pd.DataFrame(
            {
                "report_id": string_array([rid for rid in ids for _ in names]),
                "rule": string_array(names * len(ids)),
                "n_pass": counts[:, 0],
                "n_fail": counts[:, 1],
                "n_not_assessable": counts[:, 2],
            },
            columns=CHECK_COLUMNS,
        )
        return findings, claims, checks


def rows_frame(rows: list[tuple], row_type: type[tuple]) -> pd.DataFrame:
    """Rows of a named tuple type as a frame, each column built at once with the dtype its annotation gives:
    text (``str``), ``float64`` (``float | None``), ``Int64`` (``int | None``), ``int64`` (``int``).

    A text column with no text at all stays ``object``, as pandas leaves it.
    """
    columns = list(row_type._fields)
    kinds = _column_kinds(row_type)
    if not rows:
        return pd.DataFrame({c: _empty(kinds[c]) for c in columns}, columns=columns)
    data = {}
    for name, values in zip(columns, zip(*rows, strict=True), strict=True):
        kind = kinds[name]
        if kind == "text":
            data[name] = np.array(values, dtype=object) if all(v is None for v in values) else string_array(values)
        elif kind == "Int64":
            data[name] = pd.array(values, dtype="Int64")
        else:
            data[name] = np.array(values, dtype=kind)  # None becomes NaN in float64
    return pd.DataFrame(data, columns=columns)


@cache
def _column_kinds(row_type: type[tuple]) -> dict[str, str]:
    kinds = {str: "text", str | None: "text", float | None: "float64", int | None: "Int64", int: "int64"}
    return {name: kinds[hint] for name, hint in get_type_hints(row_type).items()}


def _empty(kind: str) -> pd.Series:
    return pd.Series([], dtype=object if kind == "text" else kind)
