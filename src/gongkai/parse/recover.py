"""Run-together recovery: the one stage that cuts runs of digits into cells, and records what settled each cut.

A flattened table row such as ``1000001`` holds the digits of several cells. For each run the
stage proposes the possible cuts (numbers written without leading zeros; spaces inside the run
are separators when they give exactly the cells needed) and settles them by the evidence ladder:

1. ``digits``: the digits and separators alone leave one cut. No arithmetic was used, so every
   identity over these cells stays assessable, and a failure is a genuine finding.
2. the table's own identities (``t3.row_total``, then the column identities
   ``t3.column_balance`` and ``t3.outcome_total``; ``t4.proceeding_total``): the cut that makes
   them hold. Only the identities named stay not assessable for that row.
3. ``narrative``: the figures the narrative states for the row's cells (:mod:`gongkai.parse.stated`).
4. ``previous_year``: the same issuer's previous report (carry-over, documents in force), when the
   caller supplies it (:class:`Evidence`).

The rung that settled a cut is kept in each cell's ``inferred_by``; a run that nothing settles is
left unsplit and reported, never guessed. Table parsers only align cells: they hand their runs here.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from gongkai.celltable import CellRecord
from gongkai.parse.align import Slot
from gongkai.report import ParseIssue
from gongkai.templates.identities import Identity, group_keys, holds, identity, table_keys

MAX_SPLITS = 200_000
MAX_DIGITS = 18  # no cell of a cut is longer: a count that size is not one (and int() of 4,300+ digits raises)
MAX_COMBINATIONS = 100_000
DIGITS = "digits"
NARRATIVE = "narrative"
PREVIOUS_YEAR = "previous_year"
UNSPLIT = "left unsplit, not guessed"  # ends the error of a run nothing settled (a batch looks for it)
# Cross-year relations a previous report supplies: (table, row, column) this year = previous (row, column) …
CARRIED = {(3, "carried_over"): "carried_forward"}  # 上年结转 = last year's 结转下年度, column by column
DOCUMENTS = ("regulation", "normative_document")  # 现行有效 = last year's 现行有效 + 本年制发 − 本年废止
_SPACES = re.compile(r"[ \u3000\xa0]+")

CellKey = tuple[int, str, str]  # table, row key, column key


@dataclass(frozen=True)
class Evidence:
    """What can settle a cut besides the table itself: the narrative's stated figures and the previous report."""

    stated: Mapping[CellKey, tuple[float, ...]] = field(default_factory=dict)
    previous: Mapping[CellKey, float] = field(default_factory=dict)  # the previous year's number cells


NO_EVIDENCE = Evidence()


@dataclass(frozen=True)
class Run:
    """A row's value cells that ran together: the text as printed, its digits, and where it is."""

    key: str
    text: str
    line: int | None
    ref: str

    @property
    def digits(self) -> str:
        return _SPACES.sub("", self.text)

    @property
    def parts(self) -> list[str]:
        return self.text.split()


def find_run(key: str, values: Sequence[Slot]) -> Run | None:
    """The run of a row whose values are only digits (and spaces), or None."""
    texts = [unicodedata.normalize("NFKC", s.cell.text).strip() for s in values if not s.empty]
    text = " ".join(texts)
    if not texts or not _SPACES.sub("", text).isdigit():
        return None
    first = next(s.cell for s in values if not s.empty)
    return Run(key, text, first.line, first.ref)


@dataclass(frozen=True)
class Split:
    """The ways a run of digits can be cut into cells under a constraint."""

    digits: str
    candidates: list[tuple[int, ...]]
    exhausted: bool = False  # too many cuts to enumerate


def cuts(digits: str, n: int, check: Callable[[tuple[int, ...]], bool] | None = None, limit: int = 0) -> Split:
    """Every cut of ``digits`` into ``n`` numbers without leading zeros that ``check`` accepts.

    ``check`` is called on every prefix, so a constraint prunes as soon as a group is complete;
    ``limit`` stops after that many were found (0: all).
    """
    found: list[tuple[int, ...]] = []
    steps = 0

    def walk(pos: int, parts: tuple[int, ...]) -> bool:
        nonlocal steps
        steps += 1
        if steps > MAX_SPLITS:
            return False
        if check is not None and parts and not check(parts):
            return True
        if len(parts) == n:
            if pos == len(digits):
                found.append(parts)
            return not (limit and len(found) >= limit)
        remaining = n - len(parts)
        if len(digits) - pos < remaining:
            return True
        longest = 1 if digits[pos] == "0" else min(len(digits) - pos - (remaining - 1), MAX_DIGITS)
        return all(walk(pos + width, (*parts, int(digits[pos : pos + width]))) for width in range(1, longest + 1))

    complete = walk(0, ())
    return Split(digits, found, exhausted=not complete and not (limit and len(found) >= limit))


def forced(run: Run, n: int) -> tuple[int, ...] | None:
    """The cut the digits and separators alone allow, when there is exactly one."""
    parts = run.parts
    if len(parts) == n and all(p == "0" or not p.startswith("0") for p in parts):
        return tuple(int(p) for p in parts)
    split = cuts(run.digits, n, limit=2)
    return split.candidates[0] if len(split.candidates) == 1 and not split.exhausted else None


def records(cut: Sequence[int], run: Run, by: str) -> list[CellRecord]:
    return [CellRecord(float(v), str(v), "inferred", run.line, run.ref, by) for v in cut]


def show(cut: Sequence[int]) -> str:
    return "|".join(map(str, cut))


def _by_stated(
    candidates: list[tuple[int, ...]], table: int, row: str, columns: Sequence[str], evidence: Evidence
) -> list[tuple[int, ...]] | None:
    """The candidates whose cells equal every figure the narrative states for them (None: nothing stated)."""
    stated = [
        (i, evidence.stated[(table, row, c)]) for i, c in enumerate(columns) if (table, row, c) in evidence.stated
    ]
    if not stated:
        return None
    return [cut for cut in candidates if all(cut[i] in figures for i, figures in stated)]


def _by_previous(
    candidates: list[tuple[int, ...]], table: int, row: str, columns: Sequence[str], evidence: Evidence
) -> list[tuple[int, ...]] | None:
    """The candidates that continue the previous report (None: no previous figure bears on this row)."""
    prev = evidence.previous
    if table == 3 and (table, row) in CARRIED:
        source = CARRIED[(table, row)]
        known = [(i, prev[(3, source, c)]) for i, c in enumerate(columns) if (3, source, c) in prev]
        if not known:
            return None
        return [cut for cut in candidates if all(cut[i] == v for i, v in known)]
    if table == 2 and row in DOCUMENTS and {"issued", "repealed", "in_force"} <= set(columns):
        before = prev.get((2, row, "in_force"))
        if before is None:
            return None
        at = {c: i for i, c in enumerate(columns)}
        return [c for c in candidates if c[at["in_force"]] == before + c[at["issued"]] - c[at["repealed"]]]
    return None


def settle_by_evidence(
    candidates: list[tuple[int, ...]], table: int, row: str, columns: Sequence[str], evidence: Evidence
) -> tuple[tuple[int, ...], str] | None:
    """Rungs 3 and 4 of the ladder: the one candidate the narrative, else the previous report, leaves."""
    for rung, narrow in ((NARRATIVE, _by_stated), (PREVIOUS_YEAR, _by_previous)):
        left = narrow(candidates, table, row, columns, evidence)
        if left is not None and len(left) == 1:
            return left[0], rung
    return None


def shown_digits(digits: str, limit: int = 60) -> str:
    """A run as a message quotes it: whole when short, else its start and its length."""
    return digits if len(digits) <= limit else f"{digits[:limit]}… ({len(digits)} digits)"


def _unsettled(where: str, run: Run, n_cuts: int | str, why: str, section: str, issues: list[ParseIssue]) -> None:
    issues.append(ParseIssue(
        "error", section,
        f"{where}: run-together cells {shown_digits(run.digits)} can be cut into the cells in {n_cuts} ways and {why}; "
        f"{UNSPLIT}", run.line,
    ))  # fmt: skip


def _settled(where: str, run: Run, cut: Sequence[int], by: str, section: str, issues: list[ParseIssue]) -> None:
    how = {
        DIGITS: "the only cut the digits and separators allow",
        NARRATIVE: "the only cut that agrees with the figures the narrative states",
        PREVIOUS_YEAR: "the only cut that continues the previous report",
    }.get(by, f"the only cut that satisfies {by.replace(';', ', ')}")
    issues.append(ParseIssue("info", section, f"{where}: run-together cells {run.digits} split as {show(cut)}: {how}",
                             run.line))  # fmt: skip


def recover_table2(
    runs: Mapping[str, Run], measures: Mapping[str, Sequence[str]], evidence: Evidence, issues: list[ParseIssue]
) -> dict[str, list[CellRecord]]:
    """Table 2 has no identity within a row: digits, then the narrative, then the previous report."""
    out: dict[str, list[CellRecord]] = {}
    for key, run in runs.items():
        columns = measures[key]
        cut = forced(run, len(columns))
        if cut is not None:
            out[key] = records(cut, run, DIGITS)
            _settled(key, run, cut, DIGITS, "二", issues)
            continue
        split = cuts(run.digits, len(columns))
        settled = None if split.exhausted else settle_by_evidence(split.candidates, 2, key, columns, evidence)
        if settled is None:
            n = "too many" if split.exhausted else len(split.candidates)
            _unsettled(key, run, n, "neither the narrative nor a previous report singles one out", "二", issues)
            continue
        out[key] = records(settled[0], run, settled[1])
        _settled(key, run, settled[0], settled[1], "二", issues)
    return out


def _row_identities(columns: Sequence[str]) -> list[Identity]:
    """The identities within a table 3 row of these source columns (the 小计 one when that column is there)."""
    rules = ["t3.row_total"] + (["t3.subtotal"] if "organization_subtotal" in columns else [])
    return [identity(r) for r in rules]


def _row_check(columns: Sequence[str], idents: Sequence[Identity], fmt: str) -> Callable[[tuple[int, ...]], bool]:
    at = {c: i for i, c in enumerate(columns)}

    def check(cut: tuple[int, ...]) -> bool:
        if len(cut) < len(columns):
            return True
        value = lambda r, c: cut[at[c]] if c in at else None  # noqa: E731
        return all(holds(i, fmt, "", value) is not False for i in idents)

    return check


def recover_table3(
    runs: Mapping[str, Run],
    columns: Sequence[str],
    fmt: str,
    known: Mapping[str, Sequence[CellRecord]],
    evidence: Evidence,
    issues: list[ParseIssue],
) -> dict[str, list[CellRecord]]:
    """Table 3 rows: digits, the row identities, the column identities, the narrative, the previous report.

    ``known``: the rows read without recovery (source column order), for the column identities.
    """
    out: dict[str, list[CellRecord]] = {}
    n = len(columns)
    idents = _row_identities(columns)
    row_rules = ";".join(i.rule for i in idents)
    pending: dict[str, list[tuple[int, ...]]] = {}
    for key, run in runs.items():
        where = f"row {key}"
        cut = forced(run, n)
        if cut is not None:
            out[key] = records(cut, run, DIGITS)
            _settled(where, run, cut, DIGITS, "三", issues)
            continue
        split = cuts(run.digits, n, _row_check(columns, idents, fmt))
        if split.exhausted:
            _unsettled(where, run, "too many", "they could not all be tried", "三", issues)
        elif len(split.candidates) == 1:
            out[key] = records(split.candidates[0], run, row_rules)
            _settled(where, run, split.candidates[0], row_rules, "三", issues)
        elif not split.candidates:
            _unsettled(where, run, 0, f"none satisfies {row_rules}", "三", issues)
        else:
            pending[key] = split.candidates
    if pending:
        _by_columns(pending, runs, columns, fmt, {**known, **out}, row_rules, evidence, out, issues)
    return out


_COLUMN_RULES = ("t3.column_balance", "t3.outcome_total")


def _by_columns(pending, runs, columns, fmt, rows, row_rules, evidence, out, issues) -> None:
    """Choose among several row cuts by the column identities, then by the narrative and the previous report."""
    keys = list(pending)
    combos = 1
    for key in keys:
        combos *= len(pending[key])
    at = {c: i for i, c in enumerate(columns)}
    slices = [c for c in table_keys(3, "column") if c in at]
    column_idents = [identity(r) for r in _COLUMN_RULES]
    solutions = []
    if combos <= MAX_COMBINATIONS:
        for choice in itertools.product(*(pending[k] for k in keys)):
            trial = dict(zip(keys, choice, strict=True))

            def value(row: str, col: str, trial=trial) -> float | None:
                if row in trial:
                    return trial[row][at[col]]
                recs = rows.get(row)
                return recs[at[col]].value if recs is not None else None

            if all(holds(i, fmt, c, value) is not False for i in column_idents for c in slices):
                solutions.append(trial)
                if len(solutions) > 1:
                    break
    if len(solutions) == 1:
        by = ";".join([row_rules, *_COLUMN_RULES])
        for key, cut in solutions[0].items():
            out[key] = records(cut, runs[key], by)
            _settled(f"row {key}", runs[key], cut, by, "三", issues)
        return
    for key in keys:
        settled = settle_by_evidence(pending[key], 3, key, columns, evidence)
        if settled is not None:
            out[key] = records(settled[0], runs[key], settled[1])
            _settled(f"row {key}", runs[key], settled[0], settled[1], "三", issues)
            continue
        shown = ", ".join(show(c) for c in pending[key][:3]) + (" …" if len(pending[key]) > 3 else "")
        _unsettled(
            f"row {key}", runs[key], len(pending[key]),
            f"{len(pending[key])} fit the row total ({shown}) but the column identities, the narrative and any "
            "previous report do not single one out", "三", issues,
        )  # fmt: skip


def recover_table4(run: Run, fmt: str, evidence: Evidence, issues: list[ParseIssue]) -> list[CellRecord] | None:
    """The 15 cells of table 4: digits, then each proceeding's total (t4.proceeding_total)."""
    outcomes = table_keys(4, "column")
    proceedings = table_keys(4, "row")
    n = len(outcomes) * len(proceedings)
    cut = forced(run, n)
    if cut is not None:
        _settled("table 4 row", run, cut, DIGITS, "四", issues)
        return records(cut, run, DIGITS)
    ident = identity("t4.proceeding_total")
    width = len(outcomes)

    def check(parts: tuple[int, ...]) -> bool:
        if len(parts) % width:
            return True
        for k, proceeding in enumerate(proceedings[: len(parts) // width]):
            group = parts[k * width : (k + 1) * width]
            if holds(ident, fmt, proceeding, lambda _r, c, g=group: g[outcomes.index(c)]) is False:
                return False
        return True

    split = cuts(run.digits, n, check)
    if len(split.candidates) == 1 and not split.exhausted:
        _settled("table 4 row", run, split.candidates[0], ident.rule, "四", issues)
        return records(split.candidates[0], run, ident.rule)
    _unsettled("table 4 row", run, "too many" if split.exhausted else len(split.candidates),
               "the proceeding totals do not single one out", "四", issues)  # fmt: skip
    return None


__all__ = [
    "NO_EVIDENCE",
    "PREVIOUS_YEAR",
    "UNSPLIT",
    "Evidence",
    "Run",
    "cuts",
    "find_run",
    "group_keys",
    "recover_table2",
    "recover_table3",
    "recover_table4",
]  # fmt: skip
