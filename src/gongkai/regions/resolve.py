"""Resolve an issuer name (发布机构) to the administrative division it belongs to.

An issuer is read as: an optional organ prefix (中共…), a chain of division full names from the
highest written level down (淄博市博山区), then an agency part that must match a suffix rule
(人民政府, 办公室, 财政局…). Each name may denote several divisions (朝阳区); the chain keeps only the
readings in which every name lies under the one before it, and the last name must end with exactly
one reading, otherwise nothing is resolved. Nothing is guessed: unknown, ambiguous or inconsistent
names give no region and a note saying why.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, total_ordering

from gongkai.regions.dataset import LEVELS, Division, Level, Vintage, name_history, vintage
from gongkai.regions.rules import AgencyRule, aliases, match_suffix, strip_prefix


@total_ordering
@dataclass(frozen=True)
class Region:
    """A division at some level; ``code`` is the 6-digit code of the most specific level.

    ``city`` is the 地级 division; for districts and counties of a 直辖市 it is the 直辖市 itself
    (北京市 朝阳区 → city 北京市), and for a 省直辖县级行政区划 (济源市, 仙桃市, 五指山市…) it is None.
    Regions sort by code, then by level.
    """

    province: str
    city: str | None
    county: str | None
    code: str
    level: Level

    def _key(self) -> tuple[str, int]:
        return (self.code, LEVELS.index(self.level))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Region):
            return NotImplemented
        return self._key() < other._key()

    @property
    def code_prefix(self) -> str:
        """The code prefix shared by this region and everything below it (14, 1405, 140581)."""
        return {"province": self.code[:2], "city": self.code[:4], "county": self.code}[self.level]

    def contains(self, other: Region) -> bool:
        """Whether ``other`` is this region or lies below it."""
        return other.code.startswith(self.code_prefix)

    @property
    def path(self) -> str:
        """The names from province down, without repeats (北京市朝阳区, 山西省晋城市高平市)."""
        parts: list[str] = []
        for part in (self.province, self.city, self.county):
            if part and part not in parts:
                parts.append(part)
        return "".join(parts)


@dataclass(frozen=True)
class Resolution:
    """The outcome for one issuer: the region (or None) and a note saying how or why not."""

    issuer: str
    region: Region | None
    note: str
    kind: str | None = None  # the agency rule that matched (government, department, township…)
    body: str = ""  # the agency part after the division names (人民政府, 管委会办公室, 财政局…)


def region_of(div: Division) -> Region:
    """The :class:`Region` of a dataset division."""
    if div.level == "province":
        return Region(div.province, None, None, div.code, "province")
    if div.level == "city":
        return Region(div.province, div.name, None, div.code, "city")
    city = div.city if div.city_code else (div.province if div.in_municipality else None)
    return Region(div.province, city, div.name, div.code, "county")


@cache
def _names(year: int) -> tuple[dict[str, tuple[Division, ...]], dict[str, str], int]:
    """Full names (and aliases) → divisions of a vintage, alias notes, longest name length."""
    v = vintage(year)
    index: dict[str, list[Division]] = defaultdict(list)
    for name, divs in v.by_name.items():
        index[name].extend(divs)
    notes = {}
    for alias in aliases():
        div = v.by_code.get(alias.division_code)
        if div is not None:
            index[alias.alias].append(div)
            notes[alias.alias] = alias.note
    return {k: tuple(d) for k, d in index.items()}, notes, max(len(k) for k in index)


def normalise(issuer: str) -> str:
    """NFKC-normalise and drop all whitespace."""
    return "".join(unicodedata.normalize("NFKC", issuer).split())


def _longest_name(text: str, pos: int, names: dict[str, tuple[Division, ...]], longest: int) -> str | None:
    for end in range(min(len(text), pos + longest), pos, -1):
        if text[pos:end] in names:
            return text[pos:end]
    return None


def _under(child: Division, parent: Division) -> bool:
    return child.code == parent.code or parent.code in child.ancestor_codes()


def _history_hint(text: str, v: Vintage) -> str:
    history = name_history()
    for end in range(min(len(text), 20), 1, -1):
        hit = history.get(text[:end])
        if hit and text[:end] not in v.by_name:
            year, code = hit
            return f"; {text[:end]!r} was a division until {year} (code {code}): pass year= for that vintage"
    return ""


def _filter_chain(chain: list[str], cands: list[list[Division]]) -> str | None:
    """Keep the readings consistent along the chain (in place); a note if none is left."""
    for i in range(1, len(cands)):
        cands[i] = [d for d in cands[i] if any(_under(d, p) for p in cands[i - 1])]
        if not cands[i]:
            return f"inconsistent: {chain[i]!r} does not lie under {chain[i - 1]!r}"
    for i in range(len(cands) - 2, -1, -1):
        cands[i] = [p for p in cands[i] if any(_under(d, p) for d in cands[i + 1])]
    return None


def _township_reading(
    text: str, chain: list[str], names: dict[str, tuple[Division, ...]]
) -> tuple[list[str], list[list[Division]], AgencyRule] | None:
    """A shorter consistent chain whose remainder is a township (稷山县 + 城区街道办事处), if any."""
    for k in range(len(chain) - 1, 0, -1):
        rule = match_suffix(text[sum(len(n) for n in chain[:k]) :])
        if rule is None or rule.kind != "township":
            continue
        cands = [list(names[n]) for n in chain[:k]]
        if _filter_chain(chain[:k], cands) is None:
            return chain[:k], cands, rule
    return None


def explain_issuer(issuer: str, *, year: int | None = None) -> Resolution:
    """Resolve ``issuer`` against the divisions of ``year`` (default: latest), saying how or why not."""
    v = vintage(year)
    names, alias_notes, longest = _names(v.year)
    text = strip_prefix(normalise(issuer))
    if not text:
        return Resolution(issuer, None, "empty issuer name")
    chain: list[str] = []
    pos = 0
    while (name := _longest_name(text, pos, names, longest)) is not None:
        chain.append(name)
        pos += len(name)
    if not chain:
        note = f"no division name (as of {v.year}) at the start of {text!r}" + _history_hint(text, v)
        return Resolution(issuer, None, note)
    rest = text[pos:]
    rule = match_suffix(rest)
    cands = [list(names[n]) for n in chain]
    if rule is None:
        problem = f"unrecognised agency {rest!r} after {''.join(chain)!r}"
    else:
        problem = _filter_chain(chain, cands)
    if problem:
        shorter = _township_reading(text, chain, names)
        if shorter is None:
            return Resolution(issuer, None, problem, rule.kind if rule else None)
        chain, cands, rule = shorter
    last = cands[-1]
    if len(last) > 1:
        readings = ", ".join(f"{region_of(d).path} ({d.code})" for d in sorted(last, key=lambda d: d.code))
        note = f"ambiguous: {chain[-1]!r} may be {readings}; a prefix is needed"
        return Resolution(issuer, None, note, rule.kind)
    notes = [alias_notes[n] for n in chain if n in alias_notes]
    if rule.kind == "township":
        notes.append(rule.note)
    return Resolution(issuer, region_of(last[0]), "; ".join(notes), rule.kind, text[sum(len(n) for n in chain) :])


def resolve_issuer(issuer: str, *, year: int | None = None) -> Region | None:
    """The division of an issuer name, or None when it is unknown or ambiguous."""
    return explain_issuer(issuer, year=year).region


def resolve_code(code: str, *, year: int | None = None) -> Region | None:
    """The division with this 6-digit code in the vintage of ``year`` (default: latest)."""
    div = vintage(year).by_code.get(str(code).strip())
    return region_of(div) if div else None
