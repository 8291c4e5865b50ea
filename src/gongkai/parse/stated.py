"""The figures a report's narrative states for table 2 cells, as evidence for cutting run-together rows.

A clause (text between ，。；) that names exactly one table 2 category and one measure by the
phrases of ``labels.csv`` (``table2_category``, ``narrative_measure``) and holds exactly one
count with the cell's unit states that cell: "全面梳理了我局现行有效的规范性文件16件" →
规范性文件 / 现行有效 = 16; "制定规范性文件5件" → 规范性文件 / 本年制发 = 5. Anything less clear
states nothing. These figures only choose among the cuts the digits allow (:mod:`gongkai.parse.recover`);
judging the narrative against the tables is the audit's work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gongkai.parse.normalize import norm
from gongkai.templates import FORMATS, label_phrases, table2_cells

_CLAUSE = re.compile(r"[^，,。；;！？\n]+")


def _found(clause: str, phrases: dict[str, tuple[str, ...]]) -> set[str]:
    """Keys whose phrases occur in the clause; a phrase inside a longer phrase found there does not count."""
    hits = [(k, p) for k, ps in phrases.items() for p in ps if p and norm(p) in clause]
    return {k for k, p in hits if not any(p != q and norm(p) in norm(q) for _, q in hits)}


def stated_table2(texts: Iterable[str], fmt: str | None = None) -> dict[tuple[int, str, str], tuple[float, ...]]:
    """(2, category, measure) → the figures the narrative states for that cell (those of the format's template)."""
    cells = {(c.category, c.measure): c.unit for f in ((fmt,) if fmt in FORMATS else FORMATS) for c in table2_cells(f)}
    categories, measures = label_phrases("table2_category"), label_phrases("narrative_measure")
    out: dict[tuple[int, str, str], set[float]] = {}
    for text in texts:
        for clause in _CLAUSE.findall(norm(text)):
            cat, meas = _found(clause, categories), _found(clause, measures)
            if len(cat) != 1 or len(meas) != 1:
                continue
            key = (next(iter(cat)), next(iter(meas)))
            unit = cells.get(key)
            numbers = re.findall(rf"(\d+)\s*{re.escape(norm(unit))}", clause) if unit else []
            if len(numbers) == 1 and len(re.findall(r"\d+", clause)) == 1 + len(re.findall(r"\d{4}年", clause)):
                out.setdefault((2, *key), set()).add(float(numbers[0]))
    return {k: tuple(sorted(v)) for k, v in out.items()}
