"""Cell keys a researcher writes: the canonical keys of the templates, or the labels printed in the report.

``row``/``column`` of table 2 are category/measure, of table 3 row/applicant, of
table 4 proceeding/outcome. A value is accepted as a canonical key, as the
official label exactly as printed (full-width or half-width brackets, spacing
ignored), as that label without its numbering (``1.``, ``（一）``), or as a
recognition phrase of ``templates/labels.csv`` that names exactly one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from gongkai.templates import FORMATS, label_phrases, table2_cells, table3_columns, table3_rows, table4_cells

KEY_FIELDS = {2: ("category", "measure"), 3: ("row", "applicant"), 4: ("proceeding", "outcome")}
TABLE_NAMES = {"2": 2, "3": 3, "4": 4, "二": 2, "三": 3, "四": 4, "表二": 2, "表三": 3, "表四": 4}
_NUMBERING = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])")


class BadEntry(ValueError):
    """Something a researcher wrote that cannot be used (a table, row or column naming nothing or several
    things, a value that is not a count); the message says which."""


def normalise(text: str) -> str:
    """NFKC (full-width brackets and digits to half-width), no spaces, straight quotes."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).replace("“", '"').replace("”", '"')


def _bare(label: str) -> str:
    """A label without its leading numbering: "（一）予以公开" → "予以公开"."""
    return _NUMBERING.sub("", normalise(label))


@cache
def _labels(table: int, axis: int) -> dict[str, tuple[str, ...]]:
    """Printed label (each spelling) → the keys it names, for one axis (0 rows, 1 columns) of a table."""
    pairs: list[tuple[str, str]] = []
    if table == 2:
        for fmt in FORMATS:
            for c in table2_cells(fmt):
                pairs.append((c.category_label, c.category) if axis == 0 else (c.measure_label, c.measure))
    elif table == 3 and axis == 0:
        pairs = [(r.label, r.key) for fmt in FORMATS for r in table3_rows(fmt)]
    elif table == 3:
        pairs = [(c.label, c.key) for c in table3_columns()]
    else:
        for c in table4_cells():
            if axis == 0:
                pairs += [(c.proceeding_label, c.proceeding), (c.proceeding_label.split("/")[-1], c.proceeding)]
            else:
                pairs.append((c.outcome_label, c.outcome))
    out: dict[str, dict[str, None]] = {}
    for label, key in pairs:
        for spelling in {normalise(label), _bare(label)}:
            out.setdefault(spelling, {})[key] = None
    return {k: tuple(v) for k, v in out.items()}


@cache
def _phrases(table: int, axis: int) -> dict[str, tuple[str, ...]]:
    """Recognition phrases of labels.csv → keys, for the axes that have them."""
    kinds = {(2, 0): ("table2_category",), (2, 1): ("table2_measure_2019", "table2_measure_2021")}
    kinds |= {(3, 0): ("table3_row",), (3, 1): ("table3_column",)}
    out: dict[str, dict[str, None]] = {}
    for kind in kinds.get((table, axis), ()):
        for key, phrases in label_phrases(kind).items():
            for p in phrases:
                out.setdefault(normalise(p), {})[key] = None
    return {k: tuple(v) for k, v in out.items()}


@cache
def _groups(table: int, axis: int) -> frozenset[str]:
    """Printed headings over several rows or columns (法人或其他组织, （三）不予公开 …); a label wins over these."""
    if table != 3:
        return frozenset()
    groups = [c.group for c in table3_columns()] if axis else [r.group for f in FORMATS for r in table3_rows(f)]
    return frozenset(s for g in groups if g for s in (normalise(g), _bare(g)))


@cache
def canonical_keys(table: int, axis: int) -> frozenset[str]:
    """Every key of one axis of a table, over both formats."""
    return frozenset(k for keys in _labels(table, axis).values() for k in keys) | frozenset(
        k for keys in _phrases(table, axis).values() for k in keys
    )


def resolve_table(text: str) -> int:
    """2, 3 or 4 from "3", "三" or "表三"."""
    table = TABLE_NAMES.get(normalise(text))
    if table is None:
        raise BadEntry(f"unknown table {text!r} (expected 2, 3 or 4)")
    return table


def resolve_key(table: int, axis: int, text: str) -> str:
    """The canonical key that ``text`` names on one axis of a table; raises :class:`BadEntry` otherwise."""
    field = KEY_FIELDS[table][axis]
    if text in canonical_keys(table, axis):
        return text
    spelled = normalise(text)
    for lookup in (_labels(table, axis).get(spelled), _labels(table, axis).get(_bare(text))):
        if lookup and len(lookup) == 1:
            return lookup[0]
        if lookup:
            raise BadEntry(f"table {table} {field} {text!r} is ambiguous: {', '.join(lookup)}")
    if spelled in _groups(table, axis) or _bare(text) in _groups(table, axis):
        raise BadEntry(f"table {table} {field} {text!r} names a group of cells, not one {field}")
    hits = {k for phrase, keys in _phrases(table, axis).items() if phrase in spelled for k in keys}
    if len(hits) == 1:
        return hits.pop()
    if hits:
        raise BadEntry(f"table {table} {field} {text!r} is ambiguous: {', '.join(sorted(hits))}")
    raise BadEntry(f"table {table} has no {field} {text!r} (neither a key nor a printed label)")


def resolve_finding_key(table: int, axis: int, text: str) -> str:
    """A finding's row or column: a cell key, the glob of a printed group (（三）不予公开 → ``denied_*``),
    or, when neither, the text as written (a finding may be keyed by something that is not a cell)."""
    try:
        return resolve_key(table, axis, text)
    except BadEntry:
        pass
    if table == 3 and axis == 0:
        wanted = {normalise(text), _bare(text)}
        keys = [r.key for f in FORMATS for r in table3_rows(f) if {normalise(r.group), _bare(r.group)} & wanted]
        prefix = _common_prefix(keys)
        if prefix.endswith("_"):
            return prefix + "*"
    return text


def _common_prefix(keys: list[str]) -> str:
    if not keys:
        return ""
    first, last = min(keys), max(keys)
    n = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    return first[:n]


@cache
def _printed(table: int, axis: int) -> dict[str, str]:
    """Key → its official label, for one axis of a table (the first format's when they differ)."""
    out: dict[str, str] = {}
    if table == 2:
        for fmt in FORMATS:
            for c in table2_cells(fmt):
                key, label = (c.category, c.category_label) if axis == 0 else (c.measure, c.measure_label)
                out.setdefault(key, label)
    elif table == 3:
        items = (
            [(r.key, r.label) for f in FORMATS for r in table3_rows(f)]
            if axis == 0
            else [(c.key, c.label) for c in table3_columns()]
        )
        for key, label in items:
            out.setdefault(key, label)
    else:
        for c in table4_cells():
            out.setdefault(*((c.proceeding, c.proceeding_label) if axis == 0 else (c.outcome, c.outcome_label)))
    return out


def printed_label(table: int, axis: int, key: str) -> str:
    """The label a key is printed with in the report (a row glob: its group's, ``denied_*`` → （三）不予公开),
    or the key itself when it has none."""
    if table == 3 and axis == 0 and key.endswith("*"):
        groups = {r.group for f in FORMATS for r in table3_rows(f) if r.key.startswith(key[:-1])}
        if len(groups) == 1:
            return groups.pop()
    return _printed(table, axis).get(key, key)
