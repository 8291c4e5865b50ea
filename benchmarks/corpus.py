"""A reproducible synthetic corpus for the benchmarks: every layout, both formats, every cell option."""

from __future__ import annotations

import random
from pathlib import Path

from gongkai.synthetic import (
    LAYOUT_SUPPORTS_BLANK,
    LAYOUTS,
    format_for_year,
    random_issuer,
    random_tables,
    random_year,
    render,
)

TEXT_LAYOUTS = tuple(lay for lay in LAYOUTS if not lay.startswith("html"))
HTML_LAYOUTS = tuple(lay for lay in LAYOUTS if lay.startswith("html"))


def group_of(layout: str) -> str:
    """``text`` or ``html``: the layout groups the benchmark reports on."""
    return "html" if layout in HTML_LAYOUTS else "text"


def write_corpus(folder: Path, n: int, layouts: tuple[str, ...] = LAYOUTS, seed: int = 0) -> list[tuple[str, Path]]:
    """Render ``n`` reports round-robin over ``layouts`` into ``folder``; returns (layout, path) pairs.

    Report ``i`` varies the year (so both formats), blank cells (where the
    layout can show them), dashes, the 小计 column, the extra table 4 cell and
    whether the identities hold, all from ``random.Random(seed + i)``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str, Path]] = []
    for i in range(n):
        layout = layouts[i % len(layouts)]
        rng = random.Random(seed + i)
        year = random_year(rng)
        blank = 0.04 if LAYOUT_SUPPORTS_BLANK[layout] and i % 2 else 0.0
        dash = 0.03 if i % 3 == 0 else 0.0
        tables = random_tables(rng, format_for_year(year), blank_rate=blank, dash_rate=dash, consistent=i % 5 != 0)
        text = render(
            tables,
            layout,
            issuer=random_issuer(rng),
            year=year,
            with_subtotal=i % 3 == 1,
            extra_table4_cell=i % 4 == 0,
            rng=rng,
        )
        path = folder / f"{i:05d}_{layout}.{'html' if layout in HTML_LAYOUTS else 'txt'}"
        path.write_text(text, encoding="utf-8")
        out.append((layout, path))
    return out
