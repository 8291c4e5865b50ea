"""Narrative claims: find the figures a report's prose states and what each one talks about.

Extraction is text-only (no tables): every count (``N件``), share (``占比X%``) and
year-on-year phrase (``同比增长X%``, ``较2023年减少X%``, ``较去年上升``) is located by
section and character offset, and the keywords of ``claim_terms.csv`` before it, in
its own clause, say which table cell it quotes. A dimension missing from the clause
(``现行有效规章7件，规范性文件243件``) is inherited from earlier in the sentence, which
makes the reading *weak*: a weak claim can match but is never called a mismatch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from gongkai.rules.claim_terms import Words, domain_slots, domains, noun_units
from gongkai.rules.claim_text import Hit, SectionText

# ``(?<![\d.])(\d+(?:\.\d+)?)…`` with the look-behind after the first digit: the same matches, but a
# pattern that starts with a digit lets the engine skip quickly to the next digit.
COUNT_RE = re.compile(r"(\d(?<![\d.]\d)\d*(?:\.\d+)?)\s*(件|起|条|个|次)(?!\d)")
COUNT_UNIT = re.compile("[件起条个次]")
SHARE_RE = re.compile(r"(?:占比|比例|比重|占)[^\d，,。；;%％]{0,12}?(\d+(?:\.\d+)?)\s*[%％]")
YOY_RE = re.compile(
    r"(?:同比|较上一?年度?|较去年|比上一?年度?|比去年|与上一?年度?相比|与去年相比"
    r"|较(?P<y1>\d{4})\s*年度?|比(?P<y2>\d{4})\s*年度?|与(?P<y3>\d{4})\s*年度?相比)"
    r"(?:同期)?[^\d，,。；;%％]{0,8}?"
    r"(?P<dir>增长|增加|上升|提高|提升|减少|下降|降低|持平)(?:了)?\s*"
    r"(?:(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[%％]|件|个百分点))?"
)
DIRECTIONS = {
    "增长": 1,
    "增加": 1,
    "上升": 1,
    "提高": 1,
    "提升": 1,
    "减少": -1,
    "下降": -1,
    "降低": -1,
    "持平": 0,
}


class Claim(NamedTuple):
    """One figure stated in the narrative, with what it talks about."""

    section: str
    offset: int
    kind: str  # count, share, yoy
    value: float | None
    unit: str | None
    sentence: str
    decimals: int = 0
    domain: str | None = None
    dims: Mapping[str, str] = MappingProxyType({})
    inherited: frozenset[str] = frozenset()
    strong: bool = False
    subject: Claim | None = None  # share / yoy: the count it is about
    direction: int | None = None  # yoy: +1, -1, 0
    ref_year: int | None = None  # yoy: explicit comparison year (else the previous year)

    @property
    def evidence(self) -> str:
        """Where the claim stands, for a finding's evidence."""
        return f"section {self.section} offset {self.offset}: {self.sentence}"


class Reading(NamedTuple):
    """What a figure talks about: the domain, its dimensions, which were inherited, and how sure."""

    domain: str
    dims: dict[str, str]
    inherited: frozenset[str]
    strong: bool


Figure = tuple[int, int, str, re.Match[str]]  # a figure of the text: start, end, kind (count, share, yoy), match


def _decimals(num: str) -> int:
    return len(num.split(".", 1)[1]) if "." in num else 0


def _closest(hits: list[Hit], text: str, upto: int) -> dict[str, Hit]:
    """For each (domain, dim) the hit ending nearest ``upto`` (longest on ties), honouring ``requires``."""
    best: dict[str, Hit] = {}
    for h in hits:
        if h.term.requires is not None and not h.term.requires.found_in(text, h.start, upto):
            continue
        k = h.term.slot
        b = best.get(k)
        if b is None or h.end > b.end or (h.end == b.end and h.start < b.start):
            best[k] = h
    return best


def _latest(h: Hit) -> tuple[int, int]:
    return h.end, -h.start


def _joined(sec: SectionText, last: Hit, sentence_start: int, joiners: frozenset[str]) -> list[Hit]:
    """``last`` and the hits of its slot joined to it by a conjunction alone (予以公开及部分公开), in order."""
    chain = [last]
    earlier = sec.hits_between(sentence_start, last.start)
    for h in reversed(earlier):
        cur = chain[-1]
        if h.term.slot != cur.term.slot or sec.text[h.end : cur.start] not in joiners:
            break
        chain.append(h)
    return chain[::-1]


def read_dims(sec: SectionText, pos: int, floor: int, sentence_start: int) -> Reading | None:
    """What the figure at ``pos`` talks about, from the keywords of its clause (after ``floor``), or None."""
    text = sec.text
    cstart = sec.clause_start(pos, floor)
    own = _closest(sec.hits_between(cstart, pos), text, pos)
    if not own:
        return None
    top = next(iter(own.values())) if len(own) == 1 else max(own.values(), key=_latest)
    if top.term.domain == "x":
        return None
    dom = domains()[top.term.domain]
    prior: dict[str, Hit] | None = None  # the hits earlier in the sentence: only read when a dimension is missing
    dims: dict[str, str] = {}
    inherited: set[str] = set()
    strong = True
    slots = domain_slots(dom.name)
    primary_slot = slots[0][1]
    for dim, slot in slots:
        h = own.get(slot)
        if h is None:
            inherit = dim == dom.primary or dom.inherit_secondary or primary_slot not in own
            if inherit and prior is None:
                prior = _closest(sec.outside_parens(sec.hits_between(sentence_start, cstart)), text, cstart)
            h = prior.get(slot) if inherit else None  # type: ignore[union-attr]
            if h is not None:
                inherited.add(dim)
        if h is None:
            if dim == dom.secondary and dom.secondary_default:
                dims[dim] = dom.secondary_default
            continue
        if dim == dom.primary and dim not in inherited and h.start and text[h.start - 1] in dom.joiner_ends:
            joined = _joined(sec, h, sentence_start, dom.sum_joiners)
            dims[dim] = "+".join(dict.fromkeys(j.term.key for j in joined))
            strong = strong and all(j.term.strong for j in joined)
            continue
        dims[dim] = h.term.key
        strong = strong and h.term.strong
    return Reading(dom.name, dims, frozenset(inherited), strong and not inherited)


def extract_claims(sections: Mapping[str, str]) -> list[Claim]:
    """All claims of a report's narrative, in reading order (counts, shares, year-on-year)."""
    out: list[Claim] = []
    for name, text in sections.items():
        if text:
            found = figures(text)
            if found:
                out.extend(_extract_section(SectionText(name, text), found))
    return out


def figures(text: str) -> list[Figure]:
    """The figures of a text, by start; a figure inside a YoY or share phrase is not counted again.

    Shares and counts are only searched for in texts holding a % sign or a count unit."""
    spans: list[Figure] = [(m.start(), m.end(), "yoy", m) for m in YOY_RE.finditer(text)]
    if "%" in text or "％" in text:
        taken = [(a, b) for a, b, _, _ in spans]
        for m in SHARE_RE.finditer(text):
            if not any(a <= m.start(1) < b for a, b in taken):
                spans.append((m.start(1), m.end(), "share", m))
    if COUNT_UNIT.search(text):
        taken = [(a, b) for a, b, _, _ in spans]
        for m in COUNT_RE.finditer(text):
            if not taken or not any(a <= m.start() < b for a, b in taken):
                spans.append((m.start(), m.end(), "count", m))
    spans.sort(key=_start)
    return spans


def _start(figure: Figure) -> int:
    return figure[0]


def _named_before(sec: SectionText, figure: Figure, nouns: tuple[Words, ...]) -> bool:
    """Whether a count in a unit that needs it has a noun (申请) before it in its sentence (else no claim)."""
    start = figure[0]
    k = sec.sentence_of(start)
    return any(w.found_in(sec.text, sec.sent_starts[k], start) for w in nouns)


def _extract_section(sec: SectionText, found: list[Figure]) -> list[Claim]:
    units = noun_units()
    if units:
        nouns = tuple(d.noun for d in domains().values() if d.noun is not None)
        found = [f for f in found if f[2] != "count" or f[3].group(2) not in units or _named_before(sec, f, nouns)]
        if not found:
            return []
    sentence_of = [sec.sentence_of(f[0]) for f in found]
    windows: dict[int, tuple[int, int]] = {}
    for k, f in zip(sentence_of, found, strict=True):
        windows[k] = (sec.sent_starts[k], f[1])
    sec.scan(sorted(windows.values()))

    claims: list[Claim] = []
    last_count: Claim | None = None
    last_count_end = -1
    current_sentence = -1
    floor = 0
    for k, (start, end, kind, m) in zip(sentence_of, found, strict=True):
        if k != current_sentence:
            current_sentence, last_count, floor = k, None, sec.sent_starts[k]
        s_start = sec.sent_starts[k]
        if kind == "count":
            clause_floor, floor = floor, end
            reading = read_dims(sec, start, clause_floor, s_start)
            if reading is None:
                continue
            dom = domains()[reading.domain]
            unit = m.group(2)
            if unit not in dom.units or (
                unit in dom.noun_units
                and not dom.counts_in(unit, sec.text[sec.clause_start(start, clause_floor) : start])
            ):
                continue
            strong = reading.strong
            if dom.required_context is not None or dom.strong_context is not None:
                ctx = sec.context(k)
                if dom.required_context is not None and not dom.required_context.found_in(ctx):
                    continue
                if dom.strong_context is not None and not dom.strong_context.found_in(ctx):
                    strong = False
            num = m.group(1)
            claim = Claim(
                sec.name,
                start,
                "count",
                float(num),
                unit,
                sec.sentence_text(k),
                decimals=_decimals(num),
                domain=reading.domain,
                dims=reading.dims,
                inherited=reading.inherited,
                strong=strong,
            )
            claims.append(claim)
            last_count, last_count_end = claim, end
            continue
        sentence = sec.sentence_text(k)
        near = last_count is not None and sec.clauses_between(last_count_end, start) <= 1
        if kind == "share":
            num = m.group(1)
            claims.append(
                Claim(
                    sec.name,
                    start,
                    "share",
                    float(num),
                    "%",
                    sentence,
                    decimals=_decimals(num),
                    subject=last_count if near else None,
                )
            )
            continue
        num, unit = m.group("num"), m.group("unit")
        year = m.group("y1") or m.group("y2") or m.group("y3")
        subject = last_count if near else None
        if subject is None:
            reading = read_dims(sec, start, floor, s_start)
            if reading is not None:
                subject = Claim(
                    sec.name,
                    start,
                    "count",
                    None,
                    None,
                    sentence,
                    domain=reading.domain,
                    dims=reading.dims,
                    inherited=reading.inherited,
                    strong=reading.strong,
                )
        claims.append(
            Claim(
                sec.name,
                m.start("num") if num else start,
                "yoy",
                float(num) if num else None,
                ("%" if unit in ("%", "％") else unit) if num else None,
                sentence,
                decimals=_decimals(num) if num else 0,
                subject=subject,
                direction=DIRECTIONS[m.group("dir")],
                ref_year=int(year) if year else None,
            )
        )
        floor = end
    return claims
