"""Tell the 2019 format (国办公开办函〔2019〕60号) from the 2021 one (〔2021〕30号) by the tables themselves.

Each table's shape is read on its own (some bodies print a 2021 table 2 beside a table 3 in the 2019
shape); the year decides only when neither table shows its shape, by the one rule of
``templates/formats.csv``. The marks are data: ``templates/format_marks.csv``.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from gongkai.parse.align import LabelledRow
from gongkai.parse.normalize import norm_all
from gongkai.report import ParseIssue
from gongkai.templates import FORMATS, format_for_year, format_marks, label_phrases


class TableFormats(NamedTuple):
    """The format of each table's shape (table 4 is the same in both formats)."""

    table2: str
    table3: str


@cache
def _measure_headers(fmt: str) -> tuple[tuple[str, ...], ...]:
    """The normalised phrases of each table 2 column header of a format."""
    return tuple(norm_all(phrases) for phrases in label_phrases(f"table2_measure_{fmt}").values())


@cache
def _table3_marks() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(format, phrases of a row that marks it) for table 3, in the order of ``format_marks.csv``."""
    phrases = label_phrases("table3_row")
    return tuple((m.format, norm_all(phrases[m.key])) for m in format_marks(3))


def table2_signal(rows: list[LabelledRow]) -> str | None:
    """The format whose section 二 column headers appear (more of them), if any."""
    text = "".join([r.label_text for r in rows])
    score = {fmt: sum(any(p in text for p in phrases) for phrases in _measure_headers(fmt)) for fmt in FORMATS}
    best = max(score.values())
    winners = [fmt for fmt, s in score.items() if s == best]
    return winners[0] if len(winners) == 1 else None


def table3_signal(rows: list[LabelledRow]) -> str | None:
    """2021 when （六）其他处理 has sub-rows, 2019 when it carries values itself."""
    text = "".join([r.label_text for r in rows])
    for fmt, phrases in _table3_marks():
        if fmt != "2019" and any(p in text for p in phrases):
            return fmt
    for fmt, phrases in _table3_marks():
        if fmt == "2019" and any(r.n_values and r.label_text.endswith(phrases) for r in rows):
            return fmt
    return None


def decide_formats(t2: str | None, t3: str | None, year: int | None, issues: list[ParseIssue]) -> TableFormats:
    """Each table in the format of its own shape; a table whose shape says nothing takes the other's,
    and the reporting year decides (with a warning) only when neither does."""
    if t2 and t3 and t2 != t3:
        issues.append(
            ParseIssue(
                "warning",
                "二",
                f"table 2 is in the {t2} format but table 3 in the {t3} shape: each table read and checked "
                "in its own format",
            )
        )
        return TableFormats(t2, t3)
    if t3 or t2:
        fmt = t3 or t2
        return TableFormats(fmt, fmt)  # type: ignore[arg-type]
    fallback = format_for_year(year) if year is not None else FORMATS[-1]
    issues.append(
        ParseIssue("warning", "三", f"format not recognisable from the tables; {fallback} assumed from the year")
    )
    return TableFormats(fallback, fallback)


def decide_format(t2: str | None, t3: str | None, year: int | None, issues: list[ParseIssue]) -> str:
    """The report's format: table 3's (the table the format is mostly about) — see :func:`decide_formats`."""
    return decide_formats(t2, t3, year, issues).table3
