"""Tell the 2019 format (国办公开办函〔2019〕60号) from the 2021 one (〔2021〕30号) by the tables themselves."""

from __future__ import annotations

from functools import cache

from gongkai.parse.align import LabelledRow
from gongkai.parse.normalize import norm, norm_all
from gongkai.report import ParseIssue
from gongkai.templates import label_phrases

_T3_2021 = tuple(norm(p) for p in ("逾期不补正", "缴纳费用"))  # sub-rows of （六） in the 2021 format
_T3_2019_ROW = norm("其他处理")


@cache
def _measure_headers(fmt: str) -> tuple[tuple[str, ...], ...]:
    """The normalised phrases of each table 2 column header of a format."""
    return tuple(norm_all(phrases) for phrases in label_phrases(f"table2_measure_{fmt}").values())


def table2_signal(rows: list[LabelledRow]) -> str | None:
    """The format whose section 二 column headers appear (more of them), if any."""
    text = "".join([r.label_text for r in rows])
    score = {fmt: sum(any(p in text for p in phrases) for phrases in _measure_headers(fmt)) for fmt in ("2019", "2021")}
    if score["2019"] == score["2021"]:
        return None
    return max(score, key=score.__getitem__)


def table3_signal(rows: list[LabelledRow]) -> str | None:
    """2021 when （六）其他处理 has sub-rows, 2019 when it carries values itself."""
    text = "".join([r.label_text for r in rows])
    if any(p in text for p in _T3_2021):
        return "2021"
    if any(r.n_values and r.label_text.endswith(_T3_2019_ROW) for r in rows):
        return "2019"
    return None


def decide_format(t2: str | None, t3: str | None, year: int | None, issues: list[ParseIssue]) -> str:
    """Combine the signals; fall back to the reporting year only with a warning."""
    if t2 and t3 and t2 != t3:
        issues.append(
            ParseIssue("warning", "二", f"table 2 looks like the {t2} format but table 3 like {t3}; {t3} used")
        )
        return t3
    if t3 or t2:
        return t3 or t2  # type: ignore[return-value]
    fallback = "2019" if year is not None and year <= 2020 else "2021"
    issues.append(
        ParseIssue("warning", "三", f"format not recognisable from the tables; {fallback} assumed from the year")
    )
    return fallback
