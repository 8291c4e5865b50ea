"""Read ``RAW_DIR/corrections.csv`` and ``RAW_DIR/reviews.csv``, every bad row reported with its line.

Both are written by researchers (often with Excel), so they are read as UTF-8,
UTF-8 with BOM, or GB18030 (what Excel saves on a Chinese Windows; noted). A row
that cannot be used is reported (``InputIssue``: file, line, message) and left
out; the other rows still apply. A file without the required columns applies
nothing and says so.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongkai.review.keys import KEY_FIELDS, BadEntry, resolve_finding_key, resolve_key, resolve_table

CORRECTIONS_NAME = "corrections.csv"
REVIEWS_NAME = "reviews.csv"
JUDGEMENT_FILES = (CORRECTIONS_NAME, REVIEWS_NAME)
CORRECTION_COLUMNS = ("report_id", "table", "row", "column", "value", "note")
REVIEW_COLUMNS = ("report_id", "rule", "table", "row", "column", "verdict", "note")
VERDICTS = ("confirmed", "dismissed")
ISSUE_COLUMNS = ["file", "line", "severity", "report_id", "message"]


@dataclass(frozen=True)
class InputIssue:
    """A problem with one line of corrections.csv or reviews.csv (line None: the whole file)."""

    file: str
    line: int | None
    severity: str  # error: the row was not applied; warning: applied, with a caveat
    message: str
    report_id: str | None = None

    def located(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Correction:
    """One row of corrections.csv: the cell (canonical keys) and the value it takes."""

    line: int
    report_id: str
    table: int
    row: str
    column: str
    value: float
    note: str

    @property
    def cell(self) -> tuple[str, int, str, str]:
        return (self.report_id, self.table, self.row, self.column)


@dataclass(frozen=True)
class Review:
    """One row of reviews.csv: the finding it judges (as keyed in ``findings``) and the verdict."""

    line: int
    report_id: str
    rule: str
    table: int | None
    row: str | None
    column: str | None
    verdict: str
    note: str

    @property
    def key(self) -> tuple[str, str, int | None, str | None, str | None]:
        return (self.report_id, self.rule, self.table, self.row, self.column)


def _decode(data: bytes, name: str) -> tuple[str | None, list[InputIssue]]:
    """The text of a judgement file, or None with the reason; GB18030 is accepted and noted."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        utf8_error = f"not UTF-8 (first bad byte on line {line})"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, [InputIssue(name, None, "error", f"{utf8_error} nor GB18030: nothing in it was applied")]
    return text, [InputIssue(name, None, "warning", f"{utf8_error}: read as GB18030")]


def _rows(path: Path, required: tuple[str, ...], issues: list[InputIssue]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a judgement file, cells stripped; problems with the file itself go to ``issues``."""
    name = path.name
    text, notes = _decode(path.read_bytes(), name)
    issues.extend(notes)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        issues.append(InputIssue(name, 1, "error", f"lacks column(s) {', '.join(missing)}: nothing in it was applied"))
        return
    start = 1
    for cells in reader:
        line, start = start + 1, reader.line_num  # a quoted cell may span lines: report where the row starts
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            issues.append(InputIssue(name, line, "error", f"{len(cells)} cells for {len(header)} columns"))
            continue
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        row["report_id"] = row.get("report_id", "").replace("\\", "/")  # a path typed on Windows
        yield line, row


def _cell_keys(row: dict[str, str]) -> tuple[int, str, str]:
    """Table, row and column of a row naming a cell, resolved to canonical keys (raises BadEntry)."""
    table = resolve_table(row["table"])
    keys = []
    for axis, field in enumerate(KEY_FIELDS[table]):
        text = row[("row", "column")[axis]]
        if not text:
            raise BadEntry(f"no {('row', 'column')[axis]} ({field} of table {table})")
        keys.append(resolve_key(table, axis, text))
    return table, keys[0], keys[1]


def _value(text: str, table: int) -> float:
    """The corrected value: a number; a count (tables 3 and 4, table 2 except amounts) a whole number ≥ 0."""
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise BadEntry(f"value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadEntry(f"value {text!r} is not a number")
    if table in (3, 4) and (value != int(value) or value < 0):
        raise BadEntry(f"value {text!r}: table {table} counts are whole numbers ≥ 0")
    return value


def read_corrections(raw_dir: Path) -> tuple[list[Correction], list[InputIssue]]:
    """The usable rows of RAW_DIR/corrections.csv (none when it is absent) and the problems found."""
    path = raw_dir / CORRECTIONS_NAME
    issues: list[InputIssue] = []
    if not path.is_file():
        return [], issues
    out: dict[tuple[str, int, str, str], Correction] = {}
    for line, row in _rows(path, CORRECTION_COLUMNS, issues):
        rid = row["report_id"]
        try:
            if not rid:
                raise BadEntry("no report_id")
            table, r, c = _cell_keys(row)
            corr = Correction(line, rid, table, r, c, _value(row["value"], table), row["note"])
        except BadEntry as exc:
            issues.append(InputIssue(path.name, line, "error", f"{exc}: not applied", rid or None))
            continue
        if corr.cell in out:
            first = out[corr.cell].line
            issues.append(
                InputIssue(
                    path.name, line, "warning", f"corrects the cell of line {first} again: line {line} wins", rid
                )
            )
        out[corr.cell] = corr
    return list(out.values()), issues


def read_reviews(raw_dir: Path, known_rules: frozenset[str]) -> tuple[list[Review], list[InputIssue]]:
    """The usable rows of RAW_DIR/reviews.csv (none when it is absent) and the problems found."""
    path = raw_dir / REVIEWS_NAME
    issues: list[InputIssue] = []
    if not path.is_file():
        return [], issues
    out: dict[tuple, Review] = {}
    for line, row in _rows(path, REVIEW_COLUMNS, issues):
        rid, rule, verdict = row["report_id"], row["rule"], row["verdict"].lower()
        try:
            if not rid:
                raise BadEntry("no report_id")
            if rule not in known_rules:
                raise BadEntry(f"unknown rule {rule!r}")
            if verdict not in VERDICTS:
                raise BadEntry(f"unknown verdict {row['verdict']!r} (expected {' or '.join(VERDICTS)})")
            table, r, c = _finding_keys(row)
        except BadEntry as exc:
            issues.append(InputIssue(path.name, line, "error", f"{exc}: not applied", rid or None))
            continue
        review = Review(line, rid, rule, table, r, c, verdict, row["note"])
        if review.key in out:
            first = out[review.key].line
            issues.append(
                InputIssue(
                    path.name, line, "warning", f"judges the finding of line {first} again: line {line} wins", rid
                )
            )
        out[review.key] = review
    return list(out.values()), issues


def _finding_keys(row: dict[str, str]) -> tuple[int | None, str | None, str | None]:
    """Table, row and column of a finding: empty for findings without them; cell labels become keys.

    A finding's row or column is not always a cell key (``denied_*`` for a group of
    rows), so a text that is neither key nor label on its axis is kept as written.
    """
    if not row["table"]:
        return None, row["row"] or None, row["column"] or None
    table = resolve_table(row["table"])
    keys: list[str | None] = []
    for axis in (0, 1):
        text = row[("row", "column")[axis]]
        keys.append(resolve_finding_key(table, axis, text) if text else None)
    return table, keys[0], keys[1]
