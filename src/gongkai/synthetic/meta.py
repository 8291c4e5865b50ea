"""Who published a synthetic report, when, and what its narrative says."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from gongkai.datafiles import package_csv
from gongkai.synthetic.generate import SyntheticTables
from gongkai.templates import format_for_year


@cache
def issuer_places() -> tuple[dict[str, str], ...]:
    """Real places (county, district, city) that publish reports, from ``data/issuers.csv``."""
    return tuple(package_csv(__package__, "data", "issuers.csv"))


@cache
def boilerplate(kind: str) -> tuple[str, ...]:
    """Stock paragraphs of one kind (intro, overview, problems, other …)."""
    return tuple(r["text"] for r in package_csv(__package__, "data", "boilerplate.csv") if r["kind"] == kind)


@cache
def _phrases() -> dict[str, tuple[dict[str, str], ...]]:
    out: dict[str, list[dict[str, str]]] = {}
    for r in package_csv(__package__, "data", "narrative_phrases.csv"):
        out.setdefault(r["piece"], []).append(r)
    return {k: tuple(v) for k, v in out.items()}


def random_issuer(rng: random.Random) -> str:
    """A real-looking issuer: a real place's 人民政府 or 人民政府办公室."""
    place = rng.choice(issuer_places())
    name = place["place"]
    if place["kind"] == "special":
        return name + rng.choice(("管委会", "管理委员会", ""))
    return name + rng.choice(("人民政府", "人民政府", "人民政府办公室"))


def random_year(rng: random.Random) -> int:
    """A reporting year, 2019–2025."""
    return rng.randint(2019, 2025)


def random_published(rng: random.Random, year: int) -> dt.date:
    """A publication date between 10 January and 31 March of the following year."""
    return dt.date(year + 1, 1, 10) + dt.timedelta(days=rng.randint(0, 80))


@dataclass(frozen=True)
class Claim:
    """One figure the narrative states, and the cell it restates."""

    table: int
    row: str
    column: str
    value: int | Decimal
    text: str


@dataclass(frozen=True)
class Narrative:
    """The text of section 一 and the figures it quotes, in order."""

    text: str
    claims: tuple[Claim, ...]


def _piece(rng: random.Random, tables: SyntheticTables, piece: str) -> Claim | None:
    options = [p for p in _phrases()[piece] if (p["table"] != "2" or (p["row"], p["column"]) in tables.table2)]
    if not options:
        return None
    p = rng.choice(options)
    table = int(p["table"])
    cells = {2: tables.table2, 3: tables.table3, 4: tables.table4}[table]
    cell = cells[(p["row"], p["column"])]
    if cell.status != "number" or cell.value is None:
        return None
    return Claim(table, p["row"], p["column"], cell.value, p["template"].format(n=cell.raw))


def _join(claims: list[Claim | None], sep: str) -> str:
    return sep.join(c.text for c in claims if c is not None)


def narrative(rng: random.Random, tables: SyntheticTables, *, issuer: str, year: int) -> Narrative:
    """Section 一: stock paragraphs plus sentences quoting cells of the tables.

    Quotes 收到…申请N件, 办结N件（含上年结转N件）, 予以公开N件, 部分公开N件,
    结转…N件, 行政复议N件 and a table 2 figure, each only when its cell is a number.
    """
    fill = {"issuer": issuer, "year": year, "m": rng.randint(300, 20000), "k": rng.randint(5, 150)}
    t2 = [_piece(rng, tables, "issued"), _piece(rng, tables, "in_force"), _piece(rng, tables, "published")]
    received = _piece(rng, tables, "received")
    processed = _piece(rng, tables, "processed")
    over = _piece(rng, tables, "carried_over") if processed and rng.random() < 0.8 else None
    outcome = [_piece(rng, tables, "granted"), _piece(rng, tables, "partially_granted")]
    forward = _piece(rng, tables, "carried_forward") if rng.random() < 0.7 else None
    review = _piece(rng, tables, "review")

    request = f"{year}年，{issuer}" + _join([received], "")
    if processed:
        request += "，" + processed.text + (over.text if over else "")
    if any(outcome):
        request += "，其中" + _join(outcome, "、")
    if forward:
        request += "，" + forward.text
    request += "。"
    if review:
        request += review.text + "。"
    proactive = rng.choice(boilerplate("proactive")).format(**fill)
    t2_text = _join(t2, "，")
    paragraphs = [
        rng.choice(boilerplate("overview")).format(**fill),
        "（一）主动公开方面。" + proactive + (t2_text + "。" if t2_text else ""),
        "（二）依申请公开方面。" + request,
        "（三）政府信息管理方面。" + rng.choice(boilerplate("management")),
        "（四）平台建设方面。" + rng.choice(boilerplate("platform")),
        "（五）监督保障方面。" + rng.choice(boilerplate("supervision")),
    ]
    claims = tuple(c for c in [*t2, received, processed, over, *outcome, forward, review] if c is not None)
    return Narrative("\n".join(paragraphs), claims)


@dataclass(frozen=True)
class SyntheticReport:
    """Everything needed to render one report."""

    issuer: str
    year: int
    published: dt.date
    tables: SyntheticTables
    narrative: Narrative


def random_report(
    rng: random.Random,
    *,
    year: int | None = None,
    blank_rate: float = 0.0,
    dash_rate: float = 0.0,
    consistent: bool = True,
) -> SyntheticReport:
    """A random issuer, year, tables in that year's format and a narrative quoting them."""
    from gongkai.synthetic.generate import random_tables

    year = random_year(rng) if year is None else year
    issuer = random_issuer(rng)
    tables = random_tables(
        rng, format_for_year(year), blank_rate=blank_rate, dash_rate=dash_rate, consistent=consistent
    )  # type: ignore[arg-type]
    return SyntheticReport(
        issuer, year, random_published(rng, year), tables, narrative(rng, tables, issuer=issuer, year=year)
    )
