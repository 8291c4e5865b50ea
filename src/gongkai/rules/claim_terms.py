"""The vocabulary of narrative claims: keywords naming table cells, and the domains (tables) they belong to.

``claim_terms.csv`` lists one keyword per row. The text is read from left to right, and
where several keywords start at the same place the longest one wins (``经行政复议后又提起诉讼``,
not ``行政复议``); the next keyword is looked for after it. A keyword is plain text;
``{year}`` stands for four digits (``结转至{year}年度``). Rows sharing domain, dim, key,
strength and requires form one :class:`Term`; a keyword belongs to one term only.
``requires`` and the domains' contexts are words separated by ``|``: at least one must occur.
``claim_domains.csv`` says, per domain, which table it quotes and how its dimensions read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from gongkai.datafiles import package_csv

YEAR = "{year}"
_YEAR_DIGITS = re.compile(r"\d{4}")
CLAUSE_DELIMITERS = re.compile(r"[，,；;：:、（()）]")


@dataclass(frozen=True)
class Words:
    """Any of several plain words (looked for as one alternation of the escaped words)."""

    words: tuple[str, ...]
    pattern: re.Pattern[str]

    @classmethod
    def parse(cls, text: str) -> Words | None:
        words = tuple(w for w in text.split("|") if w)
        return cls(words, re.compile("|".join(re.escape(w) for w in words))) if words else None

    def found_in(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Whether one of the words lies wholly inside ``text[start:end]``."""
        return self.pattern.search(text, start, len(text) if end is None else end) is not None


@dataclass(frozen=True)
class Term:
    """What a keyword says: ``key`` along dimension ``dim`` of ``domain`` (``t3.row = granted``)."""

    domain: str
    dim: str
    key: str
    strong: bool
    requires: Words | None
    slot: str = ""  # "domain.dim": what a hit of this term says
    spans_clauses: bool = False  # a keyword of it holds a clause delimiter (公民、法人和其他组织)


@dataclass(frozen=True)
class Domain:
    """A table the narrative quotes, and how a claim's dimensions are read for it."""

    name: str
    table: int
    primary: str
    secondary: str
    secondary_default: str | None
    inherit_secondary: bool
    required_context: Words | None
    strong_context: Words | None
    units: frozenset[str]  # units a count of this domain is written in (件, 起, …)
    noun_units: frozenset[str]  # units that count applications only when the figure's clause names them
    noun: Words | None  # the words naming what is counted (申请)
    not_noun: Words | None  # words that contain the noun but count something else (依申请公开: information items)
    sum_joiners: frozenset[str]  # "A及B N件": keys joined by one of these are summed
    joiner_ends: frozenset[str] = frozenset()  # their last characters (a quick test before looking for a join)

    def counts_in(self, unit: str, clause: str) -> bool:
        """Whether a figure in ``unit`` whose clause is ``clause`` can be a count of this domain."""
        if unit not in self.units:
            return False
        if unit not in self.noun_units:
            return True
        if self.noun is None or not self.noun.found_in(clause):
            return False
        return (
            self.not_noun is None
            or not self.not_noun.found_in(clause)
            or self.noun.found_in(self.not_noun.pattern.sub("", clause))
        )


@dataclass(frozen=True)
class Vocabulary:
    """The keywords, the term of each, and one pattern matching the longest keyword at a place."""

    keywords: tuple[str, ...]
    term_of_keyword: dict[str, Term]
    pattern: re.Pattern[str]
    spans_clauses: bool = False  # some keyword holds a clause delimiter

    def term(self, matched: str) -> Term:
        """The term of a matched text (a ``{year}`` keyword matched with digits)."""
        term = self.term_of_keyword.get(matched)
        return term if term is not None else self.term_of_keyword[_YEAR_DIGITS.sub(YEAR, matched)]


def _tokens(keyword: str) -> list[str]:
    """A keyword's characters, ``{year}`` as one token."""
    out: list[str] = []
    for i, part in enumerate(keyword.split(YEAR)):
        if i:
            out.append(YEAR)
        out.extend(part)
    return out


def longest_keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """A regex matching, at any place, the longest of ``keywords`` written there.

    The keywords are laid out as a trie (``经复议后…|经行政复议后…`` → ``经(?:复议后…|行政复议后…)``)
    whose branches are tried before a keyword ending at their fork: all keywords written at one place
    lie along one path of the trie, so the first to match is the longest. Sharing prefixes keeps the
    engine from retrying hundreds of alternatives at every character.
    """
    root: dict[str, dict] = {}
    for k in keywords:
        node = root
        for t in _tokens(k):
            node = node.setdefault(t, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [(r"\d{4}" if t == YEAR else re.escape(t)) + emit(child) for t, child in node.items() if t]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
        if "" not in node:
            return body
        return f"{body}?" if len(alts) > 1 or len(body) == 1 else f"(?:{body})?"

    return re.compile(emit(root))


@cache
def vocabulary() -> Vocabulary:
    """The keywords of ``claim_terms.csv`` and their terms."""
    rows = package_csv(__package__, "claim_terms.csv")
    keywords_of: dict[tuple[str, ...], list[str]] = {}
    for r in rows:
        ident = (r["domain"], r["dim"], r["key"], r["strength"], r["requires"])
        keywords_of.setdefault(ident, []).append(r["keyword"])
    by_keyword: dict[str, Term] = {}
    for (domain, dim, key, strength, requires), keywords in keywords_of.items():
        term = Term(
            domain,
            dim,
            key,
            strength == "strong",
            Words.parse(requires),
            f"{domain}.{dim}",
            any(CLAUSE_DELIMITERS.search(k) for k in keywords),
        )
        for keyword in keywords:
            if not keyword or keyword in by_keyword:
                raise ValueError(f"claim_terms.csv: keyword {keyword!r} is empty or listed twice")
            by_keyword[keyword] = term
    keywords = tuple(by_keyword)
    spans = any(t.spans_clauses for t in by_keyword.values())
    return Vocabulary(keywords, by_keyword, longest_keyword_pattern(keywords), spans)


@cache
def domains() -> dict[str, Domain]:
    """The domains of ``claim_domains.csv`` by name."""
    return {
        r["domain"]: Domain(
            r["domain"],
            int(r["table"]),
            r["primary"],
            r["secondary"],
            r["secondary_default"] or None,
            r["inherit_secondary"] == "yes",
            Words.parse(r["required_context"]),
            Words.parse(r["strong_context"]),
            frozenset(u for u in r["units"].split("|") if u),
            frozenset(u for u in r["noun_units"].split("|") if u),
            Words.parse(r["noun"]),
            Words.parse(r["not_noun"]),
            frozenset(u for u in r["sum_joiners"].split("|") if u),
            frozenset(u[-1] for u in r["sum_joiners"].split("|") if u),
        )
        for r in package_csv(__package__, "claim_domains.csv")
    }


@cache
def domain_slots(name: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """(dim, "domain.dim") of a domain's primary and secondary dimension, the latter as hits are keyed."""
    dom = domains()[name]
    return (dom.primary, f"{name}.{dom.primary}"), (dom.secondary, f"{name}.{dom.secondary}")


@cache
def noun_units() -> frozenset[str]:
    """The units that count something only when the figure's clause names it, in any domain (条, 个, 次)."""
    return frozenset(u for d in domains().values() for u in d.noun_units)
