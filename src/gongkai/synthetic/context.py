"""What a layout renderer needs: the truth, the document's style, its text parts and a random source."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from gongkai.synthetic.generate import SyntheticTables, TruthCell
from gongkai.synthetic.style import Style, text

SECTIONS = ("一", "二", "三", "四", "五", "六")


@dataclass
class Context:
    """One document being rendered."""

    tables: SyntheticTables
    style: Style
    rng: random.Random
    issuer: str
    year: int
    published: dt.date
    intro: str
    narratives: dict[str, list[str]]  # section -> paragraphs (一, 五, 六)
    with_subtotal: bool = False
    extra_table4_cell: bool = False

    @property
    def fmt(self) -> str:
        return self.tables.fmt

    def title(self) -> str:
        return text("title").format(issuer=self.issuer, year=self.year)

    def date_line(self) -> str:
        return text("published").format(date=self.published.isoformat())

    def heading(self, section: str) -> str:
        return text(f"heading_{section}")

    def label(self, canonical: str) -> str:
        return self.style.label(canonical)

    def num(self, cell: TruthCell, unit: str | None = None) -> str:
        return self.style.number(cell, self.rng, unit=unit)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def signature_date(self) -> str:
        d = self.published
        return f"{d.year}年{d.month}月{d.day}日"

    def extra_cell(self) -> str:
        """The stray unlabelled cell some reports append to the table 4 row."""
        return "0"
