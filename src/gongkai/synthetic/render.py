"""Render synthetic truth as a complete report document in one of the layouts seen in the wild."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from gongkai.synthetic.context import Context
from gongkai.synthetic.generate import SyntheticTables
from gongkai.synthetic.layouts_html import html_script, html_table
from gongkai.synthetic.layouts_text import one_cell_per_line, pipe_separated, space_separated, tab_separated
from gongkai.synthetic.meta import Narrative, boilerplate, narrative, random_published
from gongkai.synthetic.style import random_style

_RENDERERS: dict[str, Callable[[Context], str]] = {
    "one_cell_per_line": one_cell_per_line,
    "tab_separated": tab_separated,
    "pipe_separated": pipe_separated,
    "space_separated": space_separated,
    "html_table": html_table,
    "html_script": html_script,
}

LAYOUTS: tuple[str, ...] = tuple(_RENDERERS)

#: Whether a layout can show a blank cell (PDF text loses empty cells, so space_separated cannot).
LAYOUT_SUPPORTS_BLANK: dict[str, bool] = {layout: layout != "space_separated" for layout in LAYOUTS}


def render(
    tables: SyntheticTables,
    layout: str,
    *,
    issuer: str,
    year: int,
    with_subtotal: bool = False,
    extra_table4_cell: bool = False,
    rng: random.Random | None = None,
    narrative_text: Narrative | str | None = None,
    published: dt.date | None = None,
    decorate: bool = True,
) -> str:
    """A complete report document showing ``tables`` in ``layout``.

    The title line is "{issuer}{year}年政府信息公开工作年度报告", followed by a 发布日期
    line, the six section headings, the narrative and the three tables. Label
    variants, bracket widths and (with ``decorate``) full-width digits,
    thousands separators and units inside table 2 cells are chosen with
    ``rng``; the same seed gives the same text. ``narrative_text`` defaults to a
    generated section 一 quoting the tables. Raises ValueError for a layout
    that cannot show the tables' blank cells (see ``LAYOUT_SUPPORTS_BLANK``).
    """
    if layout not in _RENDERERS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    if tables.has_blanks() and not LAYOUT_SUPPORTS_BLANK[layout]:
        raise ValueError(f"layout {layout} cannot represent blank cells")
    rng = random.Random(0) if rng is None else rng
    if narrative_text is None:
        narrative_text = narrative(rng, tables, issuer=issuer, year=year)
    story = narrative_text.text if isinstance(narrative_text, Narrative) else narrative_text
    fill = {"issuer": issuer, "year": year}
    ctx = Context(
        tables=tables,
        style=random_style(rng, decorate=decorate),
        rng=rng,
        issuer=issuer,
        year=year,
        published=published or random_published(rng, year),
        intro=rng.choice(boilerplate("intro")).format(**fill),
        narratives={
            "一": [p for p in story.split("\n") if p],
            "五": [rng.choice(boilerplate("problems")).format(**fill)],
            "六": [rng.choice(boilerplate("other")).format(**fill)],
        },
        with_subtotal=with_subtotal,
        extra_table4_cell=extra_table4_cell,
    )
    return _RENDERERS[layout](ctx)
