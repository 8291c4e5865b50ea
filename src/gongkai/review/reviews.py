"""Attach reviews.csv verdicts to the findings they judge; list those whose finding no longer exists.

A finding is named by report_id, rule, table, row and column, exactly the columns
of the ``findings`` table (an empty table, row or column matches a finding
without one). The matching finding gets ``review`` (``confirmed``/``dismissed``)
and ``review_note``; unreviewed findings keep both empty. A verdict that matches
no finding (the report, the parse or the rules changed since it was written) is
a row of ``stale_reviews`` with the reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from gongkai.review.inputs import Review

REVIEW_COLUMNS = ["review", "review_note"]
STALE_COLUMNS = ["line", "report_id", "rule", "table", "row", "column", "verdict", "note", "reason"]
FINDING_KEY = ["report_id", "rule", "table", "row", "column"]


def _key_part(value: object) -> object:
    """A finding key part as reviews.csv writes it: None for NA or empty, an int table, else the text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return None
    if isinstance(value, str):
        return value or None
    return int(value)  # type: ignore[call-overload]


def finding_keys(findings: pd.DataFrame) -> list[tuple]:
    """The key of every finding, in order: (report_id, rule, table, row, column)."""
    columns = [findings[c].tolist() for c in FINDING_KEY]
    return [tuple(_key_part(v) for v in key) for key in zip(*columns, strict=True)]


def attach_reviews(
    findings: pd.DataFrame, reviews: Sequence[Review], report_ids: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``findings`` with ``review`` and ``review_note`` (a new frame), and the stale reviews."""
    keys = finding_keys(findings) if reviews else [None] * len(findings)
    at: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        at.setdefault(key, []).append(i)
    verdict: list[str | None] = [None] * len(keys)
    note: list[str | None] = [None] * len(keys)
    present = set(report_ids)
    stale = []
    for r in sorted(reviews, key=lambda r: r.line):
        hits = at.get(r.key)
        if not hits:
            reason = (
                f"no report {r.report_id!r} in the batch"
                if r.report_id not in present
                else "no such finding: the report, its parse or the rules changed since the review"
            )
            stale.append((r.line, r.report_id, r.rule, r.table, r.row, r.column, r.verdict, r.note, reason))
            continue
        for i in hits:
            verdict[i], note[i] = r.verdict, r.note
    out = findings.assign(review=pd.array(verdict, dtype="string"), review_note=pd.array(note, dtype="string"))
    return out, stale_frame(stale)


def stale_frame(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=STALE_COLUMNS)
    df["line"] = df["line"].astype("Int64")
    df["table"] = df["table"].astype("Int64")
    return df.astype({c: "string" for c in STALE_COLUMNS if c not in ("line", "table")})
