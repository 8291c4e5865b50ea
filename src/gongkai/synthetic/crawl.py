"""Crawled text: a report flattened the way a careless crawler does, cells of a row run together."""

from __future__ import annotations

import random

from gongkai.synthetic.generate import SyntheticTables
from gongkai.synthetic.render import render


def render_crawled(tables: SyntheticTables, *, issuer: str, year: int, rng: random.Random) -> str:
    """The report on one line after a header block, every table cell glued to the next.

    Built from the one-cell-per-line rendering without decorations (no units or separators,
    which a crawler would glue too); cells of tables must be numbers or dashes, not blanks.
    """
    text = render(tables, "one_cell_per_line", issuer=issuer, year=year, rng=rng, decorate=False)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    title, rest = lines[0], lines[1:]
    stray = rng.choice([0.0, 0.0, 0.05])  # some crawls leave a stray space here and there
    body = "".join(ln if ln.endswith("。") or rng.random() >= stray else ln + " " for ln in rest)
    return f"标题: {title}\n==================== 正文 ====================\n{body}\n"
