"""The parsed report: metadata, narrative, the three tables, and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from gongkai.celltable import CellTable

Severity = Literal["error", "warning", "info"]

TABLE2_COLUMNS = ["item", "category", "measure", "unit", "value", "raw", "cell_status", "source_line", "source_ref"]
TABLE3_COLUMNS = ["row", "applicant", "value", "raw", "cell_status", "source_line", "source_ref"]
TABLE4_COLUMNS = ["proceeding", "outcome", "value", "raw", "cell_status", "source_line", "source_ref"]
CELL_STATUSES = ("number", "blank", "dash", "text", "missing", "inferred", "corrected")  # corrected: corrections.csv


@dataclass(frozen=True)
class ParseIssue:
    """A located problem or note: which section, which row, which source line."""

    severity: Severity
    section: str
    message: str
    source_line: int | None = None


class TableField:
    """A table attribute of :class:`Report`: holds a :class:`CellTable` or a DataFrame, reads as a DataFrame.

    The parser stores each table as records (a :class:`CellTable`); the DataFrame
    is built the first time the attribute is read and kept from then on, so
    in-place edits of it are seen by everything that reads the report afterwards.
    Assigning a DataFrame (or ``None``, an empty table) works as for a plain attribute.
    """

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, obj: object, owner: type | None = None) -> pd.DataFrame | None:
        if obj is None:
            return None  # the dataclass default: no table
        held = obj.__dict__.get(self.slot)
        if isinstance(held, pd.DataFrame):
            return held
        frame = held.frame() if isinstance(held, CellTable) else pd.DataFrame(columns=self.columns)
        obj.__dict__[self.slot] = frame
        return frame

    def __set__(self, obj: object, value: pd.DataFrame | CellTable | None) -> None:
        obj.__dict__[self.slot] = value

    def cells(self, obj: object) -> CellTable | None:
        """The records, as long as the DataFrame has not been built (after that, the frame is the truth)."""
        held = obj.__dict__.get(self.slot)
        return held if isinstance(held, CellTable) else None


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
    format: str | None = None  # "2019" or "2021": the format of table 3 (the table the formats mostly differ in)
    format_table2: str | None = None  # the format of table 2's shape, detected on its own
    format_table3: str | None = None  # the format of table 3's shape, detected on its own
    layout: str | None = None
    encoding: str | None = None
    sections: dict[str, str] = field(default_factory=dict)  # "一".."六" -> narrative text
    section_lines: dict[str, list[int | None]] = field(default_factory=dict)
    table2: pd.DataFrame = TableField(TABLE2_COLUMNS)  # type: ignore[assignment]
    table3: pd.DataFrame = TableField(TABLE3_COLUMNS)  # type: ignore[assignment]
    table4: pd.DataFrame = TableField(TABLE4_COLUMNS)  # type: ignore[assignment]
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``failed`` when no table could be read, ``partial`` on any error, else ``ok``."""
        if any(i.severity == "error" and i.section == "file" for i in self.issues):
            return "failed"
        if all(self._table_missing(n) for n in (2, 3, 4)):
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

    def table_format(self, table: int) -> str | None:
        """The format of one table's shape (2 or 3; table 4 is the same in both); the report's when unset."""
        own = {2: self.format_table2, 3: self.format_table3}.get(table)
        return own or self.format

    def cells(self, table: int) -> CellTable | None:
        """Table 2, 3 or 4 as records when its DataFrame has not been built yet, else None (read the frame)."""
        return _TABLE_FIELDS[table].cells(self)

    def _table_missing(self, table: int) -> bool:
        cells = self.cells(table)
        if cells is not None:
            return cells.all_missing()
        df = getattr(self, f"table{table}")
        return df.empty or bool((df["cell_status"] == "missing").all())

    def cell(self, table: int, row: str, column: str) -> object:
        """The value of one cell of table 3 (row, applicant) or 4 (proceeding, outcome)."""
        df = {3: self.table3, 4: self.table4}[table]
        a, b = ("row", "applicant") if table == 3 else ("proceeding", "outcome")
        hit = df[(df[a] == row) & (df[b] == column)]
        return hit["value"].iloc[0] if len(hit) else None


_TABLE_FIELDS: dict[int, TableField] = {n: Report.__dict__[f"table{n}"] for n in (2, 3, 4)}
