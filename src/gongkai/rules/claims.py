"""Narrative claims: find the figures a report's prose states and what each one talks about.

Extraction is text-only (no tables): every count (``N件``), share (``占比X%``) and
year-on-year phrase (``同比增长X%``, ``较2023年减少X%``, ``较去年上升``) is located by
section and character offset, and the keywords of ``claim_terms.csv`` before it, in
its own clause, say which table cell it quotes. A dimension missing from the clause
(``现行有效规章7件，规范性文件243件``) is inherited from earlier in the sentence, which
makes the reading *weak*: a weak claim can match but is never called a mismatch.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from gongkai.datafiles import package_csv

SENTENCE_END = re.compile(r"[。！？!?\n]")
OPENERS = frozenset("（(")
DELIM_RE = re.compile(r"[，,；;：:、（()）]")
# ``(?<![\d.])(\d+(?:\.\d+)?)…`` with the look-behind after the first digit: the same matches, but a
# pattern that starts with a digit lets the engine skip quickly to the next digit.
COUNT_RE = re.compile(r"(\d(?<![\d.]\d)\d*(?:\.\d+)?)\s*(件|起)(?!\d)")
PAREN_RE = re.compile(r"[（()）]")
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


@dataclass(frozen=True)
class Term:
    domain: str
    dim: str
    key: str
    strong: bool
    requires: re.Pattern[str] | None
    slot: str = ""  # "domain.dim": what a hit of this term says


@dataclass(frozen=True)
class Domain:
    name: str
    table: int
    primary: str
    secondary: str
    secondary_default: str | None
    inherit_secondary: bool
    required_context: re.Pattern[str] | None
    strong_context: re.Pattern[str] | None


def _pattern(text: str) -> re.Pattern[str] | None:
    return re.compile(text) if text else None


@cache
def terms() -> tuple[tuple[Term, ...], re.Pattern[str]]:
    """The keyword terms and one combined regex (a named group per term, in priority order)."""
    rows = package_csv(__package__, "claim_terms.csv")
    out = tuple(
        Term(
            r["domain"],
            r["dim"],
            r["key"],
            r["strength"] == "strong",
            _pattern(r["requires"]),
            f"{r['domain']}.{r['dim']}",
        )
        for r in rows
    )
    body = "|".join(f"(?P<g{i}>{r['pattern']})" for i, r in enumerate(rows))
    starts = _first_chars(body)
    # A look-ahead on the possible first characters lets the engine skip most positions quickly.
    prefix = f"(?=[{re.escape(''.join(sorted(starts)))}])" if starts else ""
    return out, re.compile(f"{prefix}(?:{body})")


def _first_chars(pattern: str) -> set[str] | None:
    """The characters a match of ``pattern`` can start with, or None when that cannot be told."""
    try:
        from re import _constants as C
        from re import _parser as P
    except ImportError:  # pragma: no cover - other Python versions
        return None

    def first(items) -> tuple[set[str] | None, bool]:
        out: set[str] = set()
        for op, av in items:
            if op is C.LITERAL:
                return out | {chr(av)}, False
            if op is C.IN:
                if any(o is not C.LITERAL for o, _ in av):
                    return None, False
                return out | {chr(a) for _, a in av}, False
            branches = (
                [av[-1]]
                if op is C.SUBPATTERN
                else av[1]
                if op is C.BRANCH
                else [av[2]]
                if op in (C.MAX_REPEAT, C.MIN_REPEAT)
                else None
            )
            if branches is None:
                return None, False
            empty = op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0
            for b in branches:
                s, e = first(b)
                if s is None:
                    return None, False
                out |= s
                empty = empty or e
            if not empty:
                return out, False
        return out, True

    chars, can_be_empty = first(P.parse(pattern))
    return None if chars is None or can_be_empty else chars


@cache
def scanner() -> tuple[re.Pattern[str], tuple[Term | None, ...]]:
    """The combined regex of :func:`terms` written for speed, and the term of each of its groups.

    Same matches as the combined regex, but each top-level alternative of every
    term is an alternative of its own, followed by an empty group that says which
    term it belongs to (``来信()|留言()|…``): an alternative that starts with a
    literal character is skipped by the engine at a glance, where a named group
    around it has to be entered first. The term of a match is the one of its
    group (``Match.lastindex``). A term with groups of its own falls back to the
    combined regex.
    """
    rows = package_csv(__package__, "claim_terms.csv")
    term_list, combined = terms()
    alternatives: list[str] = []
    owners: list[Term | None] = [None]  # group 0 is the whole match
    for r, term in zip(rows, term_list, strict=True):
        for alt in split_alternatives(r["pattern"]):
            alternatives.append(f"{alt}()")
            owners.append(term)
    prefix = combined.pattern[: combined.pattern.index("(?:")]  # the look-ahead on first characters, if any
    fast = re.compile(f"{prefix}(?:{'|'.join(alternatives)})")
    if fast.groups == len(alternatives):
        return fast, tuple(owners)
    by_index: list[Term | None] = [None] * (combined.groups + 1)
    for name, index in combined.groupindex.items():
        by_index[index] = term_list[int(name[1:])]
    return combined, tuple(by_index)


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex (``a|b(c|d)`` → ``a``, ``b(c|d)``), escapes and classes respected."""
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class ends at the first ] that is not its first member
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


@cache
def domains() -> dict[str, Domain]:
    return {
        r["domain"]: Domain(
            r["domain"],
            int(r["table"]),
            r["primary"],
            r["secondary"],
            r["secondary_default"] or None,
            r["inherit_secondary"] == "yes",
            _pattern(r["required_context"]),
            _pattern(r["strong_context"]),
        )
        for r in package_csv(__package__, "claim_domains.csv")
    }


@dataclass
class Claim:
    """One figure stated in the narrative, with what it talks about."""

    section: str
    offset: int
    kind: str  # count, share, yoy
    value: float | None
    unit: str | None
    sentence: str
    decimals: int = 0
    domain: str | None = None
    dims: dict[str, str] = field(default_factory=dict)
    inherited: frozenset[str] = frozenset()
    strong: bool = False
    note: str = ""
    subject: Claim | None = None  # share / yoy: the count it is about
    direction: int | None = None  # yoy: +1, -1, 0
    ref_year: int | None = None  # yoy: explicit comparison year (else the previous year)


class _Hit(NamedTuple):
    start: int
    end: int
    term: Term


_new_hit = tuple.__new__  # a _Hit without the named tuple's Python-level __new__


def _decimals(num: str) -> int:
    return len(num.split(".", 1)[1]) if "." in num else 0


class _Section:
    """Positions of sentences, clause delimiters, parentheses and keyword hits of one section's text.

    Clause delimiters and keyword hits are only looked for inside the windows given
    to :meth:`scan` (each from a sentence's start to the end of its last figure):
    every clause and hit lookup of the extraction falls inside one.
    """

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        ends = [m.start() for m in SENTENCE_END.finditer(text)]
        self.sent_starts = [0] + [e + 1 for e in ends]
        self.sent_ends = [*ends, len(text)]
        self.delims: list[int] = []
        # Matched parentheses pair up like a stack, so any two spans are nested or apart: a position is
        # inside some span exactly when it is inside one of the outermost spans (kept as sorted starts, ends).
        self.paren_starts: list[int] = []
        self.paren_ends: list[int] = []
        if any(p in text for p in "（()）"):
            open_at: list[int] = []
            spans: list[tuple[int, int]] = []
            for m in PAREN_RE.finditer(text):
                i = m.start()
                if text[i] in OPENERS:
                    open_at.append(i)
                elif open_at:
                    spans.append((open_at.pop(), i))
            for a, b in sorted(spans):
                if not self.paren_ends or a > self.paren_ends[-1]:
                    self.paren_starts.append(a)
                    self.paren_ends.append(b)
        self.hits: list[_Hit] = []
        self.hit_ends: list[int] = []
        self._sentences: dict[int, str] = {}

    def scan(self, windows: list[tuple[int, int]]) -> None:
        """Find keyword hits and clause delimiters, only inside the given (start, end) windows, in order."""
        text = self.text
        merged: list[list[int]] = []  # a figure may run past its sentence's end: windows can overlap
        for a, b in windows:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            self.delims.extend([m.start() for m in DELIM_RE.finditer(text, a, b)])
        fast, owners = scanner()
        hits, ends = self.hits, self.hit_ends
        for a, b in windows:
            for m in fast.finditer(self.text, a, b):
                start, end = m.span()
                hits.append(_new_hit(_Hit, (start, end, owners[m.lastindex])))  # type: ignore[arg-type,index]
                ends.append(end)

    def sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sent_starts, pos) - 1

    def in_paren(self, pos: int) -> bool:
        """Strictly between a matched opening and closing parenthesis."""
        k = bisect.bisect_left(self.paren_starts, pos) - 1
        return k >= 0 and pos < self.paren_ends[k]

    def clause_start(self, pos: int, floor: int) -> int:
        k = bisect.bisect_left(self.delims, pos) - 1
        start = self.delims[k] + 1 if k >= 0 else 0
        return max(start, floor)

    def hits_between(self, a: int, b: int) -> list[_Hit]:
        lo = bisect.bisect_right(self.hit_ends, a)
        hi = bisect.bisect_right(self.hit_ends, b)
        return [h for h in self.hits[lo:hi] if h.start >= a]

    def sentence_text(self, k: int) -> str:
        s = self._sentences.get(k)
        if s is None:
            s = self._sentences[k] = self.text[self.sent_starts[k] : self.sent_ends[k]].strip()
        return s

    def context(self, k: int) -> str:
        """The sentence and the one before it when both are in the same paragraph."""
        s = self.text[self.sent_starts[k] : self.sent_ends[k]]
        if k > 0 and self.text[self.sent_ends[k - 1]] != "\n":
            s = self.text[self.sent_starts[k - 1] : self.sent_ends[k - 1]] + s
        return s


def _closest(hits: list[_Hit], text: str, upto: int) -> dict[str, _Hit]:
    """For each (domain, dim) the hit ending nearest ``upto`` (longest on ties), honouring ``requires``."""
    best: dict[str, _Hit] = {}
    for h in hits:
        if h.term.requires is not None and not h.term.requires.search(text, h.start, upto):
            continue
        k = h.term.slot
        b = best.get(k)
        if b is None or h.end > b.end or (h.end == b.end and h.start < b.start):
            best[k] = h
    return best


def _outside_parens(sec: _Section, hits: list[_Hit]) -> list[_Hit]:
    return [h for h in hits if not sec.in_paren(h.start)] if sec.paren_starts else hits


@cache
def _domain_dims(name: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """(dim, "domain.dim") of a domain's primary and secondary dimension, the latter as hits are keyed."""
    dom = domains()[name]
    return (dom.primary, f"{name}.{dom.primary}"), (dom.secondary, f"{name}.{dom.secondary}")


def _latest(h: _Hit) -> tuple[int, int]:
    return h.end, -h.start


def _read_dims(sec: _Section, pos: int, floor: int, sentence_start: int) -> Claim | None:
    """What the figure at ``pos`` talks about: a claim skeleton (domain, dims) or None."""
    text = sec.text
    cstart = sec.clause_start(pos, floor)
    own = _closest(sec.hits_between(cstart, pos), text, pos)
    if not own:
        return None
    top = next(iter(own.values())) if len(own) == 1 else max(own.values(), key=_latest)
    if top.term.domain == "x":
        return None
    dom = domains()[top.term.domain]
    prior: dict[str, _Hit] | None = None  # the hits earlier in the sentence: only read when a dimension is missing
    dims: dict[str, str] = {}
    inherited: set[str] = set()
    strong = True
    dom_dims = _domain_dims(dom.name)
    primary_slot = dom_dims[0][1]
    for dim, slot in dom_dims:
        h = own.get(slot)
        if h is None:
            inherit = dim == dom.primary or dom.inherit_secondary or primary_slot not in own
            if inherit and prior is None:
                prior = _closest(_outside_parens(sec, sec.hits_between(sentence_start, cstart)), text, cstart)
            h = prior.get(slot) if inherit else None  # type: ignore[union-attr]
            if h is not None:
                inherited.add(dim)
        if h is None:
            if dim == dom.secondary and dom.secondary_default:
                dims[dim] = dom.secondary_default
            continue
        dims[dim] = h.term.key
        strong = strong and h.term.strong
    claim = Claim(sec.name, pos, "count", None, None, "", domain=dom.name, dims=dims)
    claim.inherited = frozenset(inherited)
    claim.strong = strong and not inherited
    return claim


def extract_claims(sections: dict[str, str]) -> list[Claim]:
    """All claims of a report's narrative, in reading order (counts, shares, year-on-year)."""
    out: list[Claim] = []
    for name, text in sections.items():
        if text:
            spans = _spans(text)
            if spans:
                out.extend(_extract_section(_Section(name, text), spans))
    return out


def _spans(text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """The figures of a text: (start, end, kind, match), by start; a figure inside a YoY or share phrase is
    not counted again. Shares and counts are only searched for in texts holding a % sign or 件/起."""
    spans: list[tuple[int, int, str, re.Match[str]]] = []
    for m in YOY_RE.finditer(text):
        spans.append((m.start(), m.end(), "yoy", m))
    if "%" in text or "％" in text:
        taken = [(a, b) for a, b, _, _ in spans]
        for m in SHARE_RE.finditer(text):
            if not any(a <= m.start(1) < b for a, b in taken):
                spans.append((m.start(1), m.end(), "share", m))
    if "件" in text or "起" in text:
        taken = [(a, b) for a, b, _, _ in spans]
        for m in COUNT_RE.finditer(text):
            if not taken or not any(a <= m.start() < b for a, b in taken):
                spans.append((m.start(), m.end(), "count", m))
    spans.sort(key=lambda s: s[0])
    return spans


def _extract_section(sec: _Section, spans: list[tuple[int, int, str, re.Match[str]]]) -> list[Claim]:
    sentence_of = [sec.sentence_of(start) for start, _, _, _ in spans]
    windows: dict[int, tuple[int, int]] = {}
    for k, (_, end, _, _) in zip(sentence_of, spans, strict=True):
        windows[k] = (sec.sent_starts[k], end)
    sec.scan(sorted(windows.values()))

    claims: list[Claim] = []
    last_count: Claim | None = None
    last_count_end = -1
    current_sentence = -1
    floor = 0
    for k, (start, end, kind, m) in zip(sentence_of, spans, strict=True):
        if k != current_sentence:
            current_sentence, last_count, floor = k, None, sec.sent_starts[k]
        s_start = sec.sent_starts[k]
        if kind == "count":
            claim = _read_dims(sec, start, floor, s_start)
            floor = end
            if claim is None:
                continue
            dom = domains()[claim.domain]  # type: ignore[index]
            if dom.required_context is not None or dom.strong_context is not None:
                ctx = sec.context(k)
                if dom.required_context is not None and not dom.required_context.search(ctx):
                    continue
                if dom.strong_context is not None and not dom.strong_context.search(ctx):
                    claim.strong = False
            sentence = sec.sentence_text(k)
            claim.value = float(m.group(1))
            claim.unit = m.group(2)
            claim.decimals = _decimals(m.group(1))
            claim.sentence = sentence
            claims.append(claim)
            last_count, last_count_end = claim, end
            continue
        sentence = sec.sentence_text(k)
        near = last_count is not None and _clauses_between(sec, last_count_end, start) <= 1
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
            subject = _read_dims(sec, start, floor, s_start)
            if subject is not None:
                subject.sentence = sentence
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


def _clauses_between(sec: _Section, a: int, b: int) -> int:
    """Number of clause delimiters between two positions."""
    return bisect.bisect_left(sec.delims, b) - bisect.bisect_left(sec.delims, a)
