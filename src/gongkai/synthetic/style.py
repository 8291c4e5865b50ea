"""Per-document presentation choices: label variants, punctuation, number decoration."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from gongkai.datafiles import package_csv
from gongkai.synthetic.generate import TruthCell

_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})
_FULL_DIGITS = str.maketrans("0123456789.", "０１２３４５６７８９．")


@cache
def text(key: str) -> str:
    """A fixed label of the rendered report (``data/render_labels.csv``)."""
    return {r["key"]: r["text"] for r in package_csv(__package__, "data", "render_labels.csv")}[key]


@cache
def label_variants() -> dict[str, str]:
    """Wild spellings of official labels (``data/label_variants.csv``)."""
    return {r["canonical"]: r["variant"] for r in package_csv(__package__, "data", "label_variants.csv")}


@dataclass(frozen=True)
class Style:
    """How one document spells its labels and writes its numbers."""

    half_width: bool = False  # (一) and :, instead of （一） and ：，
    marker_space: bool = False  # "1. 属于" and "(一) 予以公开"
    variants: frozenset[str] = frozenset()  # canonical labels written in their wild variant
    fullwidth_rate: float = 0.0  # share of table cells written in full-width digits
    thousands_rate: float = 0.0  # share of table 2 numbers ≥ 1000 written with commas
    unit_rate: float = 0.0  # share of table 2 cells carrying their unit
    yuan_rate: float = 0.0  # share of documents writing 采购总金额 as "390785元"

    def label(self, canonical: str) -> str:
        """A label as this document writes it."""
        out = label_variants()[canonical] if canonical in self.variants else canonical
        if self.marker_space:
            for mark in ("）", ")"):
                if out.startswith(("（", "(")) and mark in out[:4]:
                    i = out.index(mark) + 1
                    out = out[:i] + " " + out[i:]
                    break
            if len(out) > 2 and out[0].isdigit() and out[1] == ".":
                out = out[:2] + " " + out[2:]
        return out.translate(_HALF) if self.half_width else out

    def number(self, cell: TruthCell, rng: random.Random, *, unit: str | None = None) -> str:
        """The text of a value cell: blank, dash mark, or the number with this style's decoration."""
        if cell.status != "number":
            return cell.raw
        out = cell.raw
        big = unit is not None and isinstance(cell.value, (int, Decimal)) and abs(cell.value) >= 1000
        if big and rng.random() < self.thousands_rate:
            whole, _, frac = out.partition(".")
            sign = "-" if whole.startswith("-") else ""
            out = sign + f"{int(whole.lstrip('-')):,}" + ("." + frac if frac else "")
        if rng.random() < self.fullwidth_rate:
            out = out.translate(_FULL_DIGITS)
        if unit is not None and rng.random() < (self.yuan_rate if unit == "元" else self.unit_rate):
            out += unit
        return out


def random_style(rng: random.Random, *, decorate: bool = True) -> Style:
    """A style as found in the wild; without ``decorate`` numbers stay plain."""
    variants = frozenset(k for k in label_variants() if rng.random() < 0.3)
    half = rng.random() < 0.5
    space = rng.random() < 0.25
    if not decorate:
        return Style(half, space, variants)
    return Style(
        half,
        space,
        variants,
        fullwidth_rate=rng.choice((0.0, 0.0, 0.0, 0.1)),
        thousands_rate=rng.choice((0.0, 0.0, 0.5)),
        unit_rate=rng.choice((0.0, 0.0, 0.0, 0.2)),
        yuan_rate=rng.choice((0.0, 1.0, 1.0)),
    )
