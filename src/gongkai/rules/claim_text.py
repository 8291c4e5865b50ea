"""One section of a report's narrative, indexed for reading claims: sentences, clauses, brackets, keywords."""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from gongkai.rules.claim_terms import CLAUSE_DELIMITERS, Term, vocabulary

SENTENCE_END = re.compile(r"[。！？!?\n]")
DELIM_RE = CLAUSE_DELIMITERS
PAREN_RE = re.compile(r"[（()）]")
OPENERS = frozenset("（(")
BRACKETS = frozenset("（()）")


class Hit(NamedTuple):
    """A keyword found in the text: its span and the term it names."""

    start: int
    end: int
    term: Term


_new_hit = tuple.__new__  # a Hit without the named tuple's Python-level __new__ (many per report)


def keyword_hits(text: str, start: int = 0, end: int | None = None) -> list[Hit]:
    """The keywords of ``text[start:end]`` from left to right, not overlapping; at one place the longest
    keyword wins."""
    vocab = vocabulary()
    term_of = vocab.term_of_keyword.get
    out = []
    for m in vocab.pattern.finditer(text, start, len(text) if end is None else end):
        found = m.group()
        out.append(_new_hit(Hit, (*m.span(), term_of(found) or vocab.term(found))))
    return out


class SectionText:
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
        if any(p in text for p in BRACKETS):
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
        self.hits: list[Hit] = []
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
        inside: list[Hit] = []  # hits of keywords holding a delimiter (公民、法人和其他组织): not clause breaks
        for a, b in windows:
            found = keyword_hits(text, a, b)
            self.hits.extend(found)
            self.hit_ends.extend([h[1] for h in found])
        if vocabulary().spans_clauses:
            inside = [h for h in self.hits if h[2].spans_clauses]
        if inside:
            self.delims = [d for d in self.delims if not any(h.start < d < h.end for h in inside)]

    def sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sent_starts, pos) - 1

    def in_paren(self, pos: int) -> bool:
        """Strictly between a matched opening and closing parenthesis."""
        k = bisect.bisect_left(self.paren_starts, pos) - 1
        return k >= 0 and pos < self.paren_ends[k]

    def clause_start(self, pos: int, floor: int) -> int:
        """Where the clause holding ``pos`` starts (after the last delimiter before it), not before ``floor``."""
        k = bisect.bisect_left(self.delims, pos) - 1
        start = self.delims[k] + 1 if k >= 0 else 0
        return max(start, floor)

    def clauses_between(self, a: int, b: int) -> int:
        """Number of clause delimiters between two positions."""
        return bisect.bisect_left(self.delims, b) - bisect.bisect_left(self.delims, a)

    def hits_between(self, a: int, b: int) -> list[Hit]:
        lo = bisect.bisect_right(self.hit_ends, a)
        hi = bisect.bisect_right(self.hit_ends, b)
        return [h for h in self.hits[lo:hi] if h.start >= a]

    def outside_parens(self, hits: list[Hit]) -> list[Hit]:
        return [h for h in hits if not self.in_paren(h.start)] if self.paren_starts else hits

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
