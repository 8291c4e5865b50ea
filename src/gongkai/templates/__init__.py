"""The official tables as data (国办公开办函〔2021〕30号 and 〔2019〕60号).

The CSV files beside this module are the canonical keys and labels; this
module only loads them. ``labels.csv`` lists the phrases by which a row,
column or section is recognised in the wild.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.datafiles import package_csv

FORMATS = ("2019", "2021")


@dataclass(frozen=True)
class Table2Cell:
    item: str
    item_label: str
    category: str
    category_label: str
    measure: str
    measure_label: str
    unit: str


@dataclass(frozen=True)
class Table3Row:
    key: str
    group: str
    label: str


@dataclass(frozen=True)
class Table3Column:
    key: str
    group: str
    label: str


@dataclass(frozen=True)
class Table4Cell:
    proceeding: str
    proceeding_label: str
    outcome: str
    outcome_label: str


@cache
def table2_cells(fmt: str) -> tuple[Table2Cell, ...]:
    """Cells of table 2 (section 二) in the official order for a format."""
    return tuple(Table2Cell(**r) for r in package_csv(__package__, f"table2_{fmt}.csv"))


@cache
def table2_categories(fmt: str) -> tuple[str, ...]:
    """Categories (table 2 rows) in order, each once."""
    return tuple(dict.fromkeys(c.category for c in table2_cells(fmt)))


@cache
def table2_measures(fmt: str, category: str) -> tuple[Table2Cell, ...]:
    """The measures (columns) of one table 2 category, in order."""
    return tuple(c for c in table2_cells(fmt) if c.category == category)


@cache
def table3_rows(fmt: str) -> tuple[Table3Row, ...]:
    """Rows of table 3 (section 三) in the official order for a format."""
    return tuple(
        Table3Row(r["key"], r["group"], r["label"])
        for r in package_csv(__package__, "table3_rows.csv")
        if fmt in r["formats"].split(";")
    )


@cache
def table3_columns() -> tuple[Table3Column, ...]:
    """The seven applicant columns of table 3, in order."""
    return tuple(Table3Column(**r) for r in package_csv(__package__, "table3_columns.csv"))


@cache
def table4_cells() -> tuple[Table4Cell, ...]:
    """The fifteen cells of table 4 (section 四) in the official order."""
    return tuple(Table4Cell(**r) for r in package_csv(__package__, "table4_cells.csv"))


@cache
def label_phrases(table: str) -> dict[str, tuple[str, ...]]:
    """Recognition phrases by key for one kind of label (``table3_row``, ``section`` …)."""
    out: dict[str, tuple[str, ...]] = {}
    for r in package_csv(__package__, "labels.csv"):
        if r["table"] == table:
            out[r["key"]] = tuple(p for p in r["phrases"].split(";") if p)
    return out


@cache
def value_words() -> dict[str, str]:
    """Words that stand for a dash or a text cell rather than a label."""
    return {r["text"]: r["kind"] for r in package_csv(__package__, "value_words.csv")}


@cache
def units() -> tuple[str, ...]:
    """Units that may follow a number inside a cell, longest first."""
    return tuple(sorted((r["unit"] for r in package_csv(__package__, "units.csv")), key=len, reverse=True))


@dataclass(frozen=True)
class FormatMark:
    """A cell key whose presence in a table marks one format (``formats.csv`` and ``format_marks.csv``)."""

    table: int
    key: str  # a table 3 row key, or "category:measure" for table 2
    format: str


@cache
def format_years() -> tuple[tuple[str, int, int | None], ...]:
    """Each format with the first and last reporting year it is in force for (None: still in force)."""
    return tuple(
        (r["format"], int(r["first_year"]), int(r["last_year"]) if r["last_year"] else None)
        for r in package_csv(__package__, "formats.csv")
    )


def format_for_year(year: int) -> str:
    """The official format in force for a reporting year (the one rule, from ``formats.csv``).

    Years before the first format take the first one, years after the last the last one.
    """
    spans = format_years()
    for fmt, first, last in spans:
        if first <= year and (last is None or year <= last):
            return fmt
    return spans[0][0] if year < spans[0][1] else spans[-1][0]


@cache
def format_marks(table: int) -> tuple[FormatMark, ...]:
    """The keys of a table whose presence tells its format, in the order they are tried."""
    return tuple(
        FormatMark(int(r["table"]), r["key"], r["format"])
        for r in package_csv(__package__, "format_marks.csv")
        if int(r["table"]) == table
    )
