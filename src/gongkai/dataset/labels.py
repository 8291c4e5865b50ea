"""The Chinese label columns of the processed tables, filled from the data that already holds them.

Each ``label_of`` column of ``schema/columns.csv`` names a vocabulary: the templates' printed
labels (table rows, columns, items), the rules' Chinese descriptions, or ``schema/vocabulary.csv``
(severities, statuses …). ``table_row@table`` looks the key up in the vocabulary of the table the
row's ``table`` column names (2, 3 or 4).
"""

from __future__ import annotations

import fnmatch
from functools import cache

import pandas as pd

from gongkai import schema, templates
from gongkai.rules.catalog import rules

#: vocabulary of a row or column key, by table number
_BY_TABLE = {
    "table_row": {2: "table2_category", 3: "table3_row", 4: "table4_proceeding"},
    "table_column": {2: "table2_measure", 3: "table3_column", 4: "table4_outcome"},
}


def _table3_rows() -> dict[str, str]:
    rows = [r for fmt in templates.FORMATS for r in templates.table3_rows(fmt)]
    out = {r.key: r.label for r in rows}
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r.group, set()).add(r.key)
    for group, keys in groups.items():  # a glob such as denied_* names the rows of one group
        prefix = {k.split("_", 1)[0] for k in keys}
        if group and len(prefix) == 1 and len(keys) > 1:
            out[f"{prefix.pop()}_*"] = group
    return out


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """Vocabulary name -> key -> Chinese label."""
    cells2 = [c for fmt in templates.FORMATS for c in templates.table2_cells(fmt)]
    out: dict[str, dict[str, str]] = {
        "table2_item": {c.item: c.item_label for c in cells2},
        "table2_category": {c.category: c.category_label for c in cells2},
        "table2_measure": {c.measure: c.measure_label for c in cells2},
        "table3_row": _table3_rows(),
        "table3_column": {c.key: c.label for c in templates.table3_columns()},
        "table4_proceeding": {c.proceeding: c.proceeding_label for c in templates.table4_cells()},
        "table4_outcome": {c.outcome: c.outcome_label for c in templates.table4_cells()},
        "rule": {r.id: r.description_zh for r in rules().values()},
    }
    for domain, words in schema.vocabulary().items():
        out.setdefault(domain, {}).update(words)
    return out


def label(vocabulary: str, key: object) -> str | None:
    """The label of one key in a vocabulary (a glob key such as ``denied_*`` too), or None."""
    if key is None or key is pd.NA or (isinstance(key, float) and pd.isna(key)):
        return None
    words = vocabularies()[vocabulary]
    text = str(key)
    if text in words:
        return words[text]
    if "*" in text:
        hits = {words[k] for k in words if "*" not in k and fnmatch.fnmatchcase(k, text)}
        return hits.pop() if len(hits) == 1 else None
    return None


def cell_label(table: object, axis: str, key: object) -> str | None:
    """The printed label of a row (``axis="row"``) or column key of table 2, 3 or 4."""
    try:
        number = int(table)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    vocab = _BY_TABLE[f"table_{axis}"].get(number)
    return label(vocab, key) if vocab else None


def add_labels(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with every label column of its table filled from its key column (NA where no label)."""
    out = df.copy()
    for col in schema.table(name).columns:
        if not col.label_of or col.label_of not in out.columns:
            continue
        keys = out[col.label_of]
        vocab, _, by = col.vocabulary.partition("@")
        if by:
            tables = out[by] if by in out.columns else pd.Series([None] * len(out), index=out.index)
            axis = vocab.removeprefix("table_")
            values = [cell_label(t, axis, k) for t, k in zip(tables, keys, strict=True)]
        else:
            cache_: dict[object, str | None] = {}
            values = [cache_.setdefault(k, label(vocab, k)) for k in keys]
        out[col.name] = pd.Series(values, index=out.index, dtype="string")
    return out
