"""The format's arithmetic as data: named row/column groups and the identities over them, one evaluator.

``groups.csv`` names sets of keys of a table (``count_rows``, ``applicants`` …), ``identities.csv``
states each identity ``sum(lhs) = sum(rhs)`` over keys, ``@group`` names or ``*`` globs, walked
along rows or columns. :func:`resolve` turns an identity into concrete keys for a format; the
audit evaluates the result on arrays, the run-together recovery with :func:`holds` on a trial
cut. ``audited = no`` marks an identity over a source column the grid does not keep (the
optional 法人或其他组织小计 column): the parser uses it, the audit does not.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from gongkai.datafiles import package_csv
from gongkai.templates import FORMATS, table2_cells, table3_columns, table3_rows, table4_cells


@dataclass(frozen=True)
class Identity:
    """A linear identity ``sum(lhs) = sum(rhs)`` evaluated once per slice of a table.

    ``iterate`` says which axis is walked (``row`` or ``column``); ``lhs`` and
    ``rhs`` are keys (``@group`` names and ``*`` globs allowed) along the other axis.
    ``iter_field`` says whether the walked key is reported as the finding's row or column.
    """

    rule: str
    table: int
    iterate: str
    iter_field: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    audited: bool = True

    @property
    def term_axis(self) -> str:
        return "column" if self.iterate == "row" else "row"


@cache
def groups() -> dict[str, tuple[int, str, tuple[str, ...]]]:
    """Named key groups: name → (table, axis, keys or globs)."""
    return {
        r["group"]: (int(r["table"]), r["axis"], tuple(r["keys"].split(";")))
        for r in package_csv(__package__, "groups.csv")
    }


@cache
def all_identities() -> tuple[Identity, ...]:
    """Every identity of the format, those the parser alone uses included."""
    return tuple(
        Identity(
            rule=r["rule"],
            table=int(r["table"]),
            iterate=r["iterate"],
            iter_field=r["iter_field"],
            lhs=tuple(r["lhs"].split(";")),
            rhs=tuple(r["rhs"].split(";")),
            audited=r["audited"] == "yes",
        )
        for r in package_csv(__package__, "identities.csv")
    )


@cache
def identities() -> tuple[Identity, ...]:
    """The table identities the audit evaluates (1–4 of the format README)."""
    return tuple(i for i in all_identities() if i.audited)


def identity(rule: str) -> Identity:
    return next(i for i in all_identities() if i.rule == rule)


@cache
def table_keys(table: int, axis: str, fmt: str | None = None) -> tuple[str, ...]:
    """The row or column keys of a table: of one format's template, or of all formats when ``fmt`` is None."""
    fmts = (fmt,) if fmt in FORMATS else FORMATS
    if table == 2:
        cells = [c for f in (FORMATS if axis == "column" else fmts) for c in table2_cells(f)]
        return tuple(dict.fromkeys(c.category if axis == "row" else c.measure for c in cells))
    if table == 3:
        if axis == "column":
            return tuple(c.key for c in table3_columns())
        return tuple(dict.fromkeys(r.key for f in fmts for r in table3_rows(f)))
    return tuple(dict.fromkeys(c.proceeding if axis == "row" else c.outcome for c in table4_cells()))


@cache
def expand(keys: tuple[str, ...], universe: tuple[str, ...]) -> tuple[str, ...]:
    """Expand ``@group`` names and ``*`` globs against ``universe``, keeping order and dropping duplicates.

    A plain key is kept even when ``universe`` lacks it (a source column such as 小计)."""
    out: list[str] = []
    for k in keys:
        if k.startswith("@"):
            out.extend(expand(groups()[k[1:]][2], universe))
        elif "*" in k:
            out.extend(u for u in universe if fnmatch.fnmatchcase(u, k))
        else:
            out.append(k)
    return tuple(dict.fromkeys(out))


@cache
def spelled(keys: tuple[str, ...]) -> tuple[str, ...]:
    """Keys with ``@group`` names written out (globs kept as they are): how a message states an identity."""
    return tuple(k for key in keys for k in (spelled(groups()[key[1:]][2]) if key.startswith("@") else (key,)))


def group_keys(name: str, fmt: str | None = None) -> tuple[str, ...]:
    """The keys of a named group, for a format's template."""
    table, axis, keys = groups()[name]
    return expand(keys, table_keys(table, axis, fmt))


@cache
def resolve(ident: Identity, fmt: str | None) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The lhs keys, the rhs keys (along the term axis) and the slice keys of an identity in a format."""
    terms = table_keys(ident.table, ident.term_axis, fmt)
    lhs, rhs = expand(ident.lhs, terms), expand(ident.rhs, terms)
    return lhs, rhs, table_keys(ident.table, ident.iterate, fmt)


Value = Callable[[str, str], float | None]  # (row, column) → the number, or None when it is not known


def holds(ident: Identity, fmt: str | None, key: str, value: Value) -> bool | None:
    """Whether the identity holds on the slice ``key`` (a row or column key); None when a term is not known."""
    lhs, rhs, _ = resolve(ident, fmt)
    at: Callable[[str], tuple[str, str]] = (lambda t: (key, t)) if ident.iterate == "row" else (lambda t: (t, key))
    sides: list[float] = []
    for terms in (lhs, rhs):
        total = 0.0
        for t in terms:
            v = value(*at(t))
            if v is None:
                return None
            total += v
        sides.append(total)
    return abs(sides[0] - sides[1]) <= 1e-6


def failing(idents: Sequence[Identity], fmt: str | None, slices: dict[str, Sequence[str]], value: Value) -> str | None:
    """The first identity (rule id) that fails on one of its ``slices`` (rule → slice keys), else None."""
    for ident in idents:
        for key in slices.get(ident.rule, ()):
            if holds(ident, fmt, key, value) is False:
                return ident.rule
    return None
