"""The parsed report: metadata, narrative, the three tables, and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Severity = Literal["error", "warning", "info"]

TABLE2_COLUMNS = ["item", "category", "measure", "unit", "value", "raw", "cell_status", "source_line", "source_ref"]
TABLE3_COLUMNS = ["row", "applicant", "value", "raw", "cell_status", "source_line", "source_ref"]
TABLE4_COLUMNS = ["proceeding", "outcome", "value", "raw", "cell_status", "source_line", "source_ref"]
CELL_STATUSES = ("number", "blank", "dash", "text", "missing", "inferred")


@dataclass(frozen=True)
class ParseIssue:
    """A located problem or note: which section, which row, which source line."""

    severity: Severity
    section: str
    message: str
    source_line: int | None = None


@dataclass
class Report:
    """One annual report, parsed.

    Tables use the canonical keys of the official templates; every cell keeps
    its raw text, its status and its source line, so each number can be traced.
    """

    report_id: str
    source_file: str
    sha256: str
    title: str | None = None
    issuer: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date
    format: str | None = None  # "2019" or "2021"
    layout: str | None = None
    encoding: str | None = None
    sections: dict[str, str] = field(default_factory=dict)  # "一".."六" -> narrative text
    section_lines: dict[str, list[int | None]] = field(default_factory=dict)
    table2: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TABLE2_COLUMNS))
    table3: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TABLE3_COLUMNS))
    table4: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TABLE4_COLUMNS))
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``failed`` when no table could be read, ``partial`` on any error, else ``ok``."""
        if any(i.severity == "error" and i.section == "file" for i in self.issues):
            return "failed"
        tables = [self.table2, self.table3, self.table4]
        if all(t.empty or (t["cell_status"] == "missing").all() for t in tables):
            return "failed"
        if any(i.severity == "error" for i in self.issues):
            return "partial"
        return "ok"

    @property
    def message(self) -> str:
        """The most severe issues, summarised in one line."""
        errors = [i for i in self.issues if i.severity == "error"]
        shown = errors or [i for i in self.issues if i.severity == "warning"]
        if not shown:
            return ""
        head = "; ".join(f"[{i.section}] {i.message}" for i in shown[:3])
        more = len(shown) - 3
        return head + (f" (+{more} more)" if more > 0 else "")

    def cell(self, table: int, row: str, column: str) -> object:
        """The value of one cell of table 3 (row, applicant) or 4 (proceeding, outcome)."""
        df = {3: self.table3, 4: self.table4}[table]
        a, b = ("row", "applicant") if table == 3 else ("proceeding", "outcome")
        hit = df[(df[a] == row) & (df[b] == column)]
        return hit["value"].iloc[0] if len(hit) else None
