"""The processed tables, declared once: ``tables.csv`` (each table) and ``columns.csv`` (each column).

Every stage reads this declaration: ``rules`` and ``dataset`` take their column lists from it, the
write step makes every table :func:`conform` to it before writing, the notebooks' loader conforms
what it reads, and the data dictionary and ``datapackage.json`` are generated from it. Adding a
column is one line of ``columns.csv`` (plus the code that fills it).

Column types are Frictionless field types: ``string``, ``integer``, ``number``, ``date``. In
memory they are the pandas dtypes ``string``, ``Int64``, ``float64`` and ``datetime64[ns]``;
``categorical`` columns are dictionary-encoded in Parquet. A ``label_of`` column holds the Chinese
label of a key column, looked up in the named ``vocabulary`` (``vocabulary.csv``, the templates'
printed labels, the rules' Chinese descriptions) when the tables are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import pandas_dtype

from gongkai.datafiles import package_csv

#: numbers are rounded to this many decimals when conformed: no float noise such as −0.009999999999999787
DECIMALS = 6

PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "date": "datetime64[ns]"}
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}


@dataclass(frozen=True)
class Column:
    """One column of a processed table (a line of ``columns.csv``)."""

    table: str
    name: str
    type: str
    categorical: bool
    required: bool
    label_of: str
    vocabulary: str
    label_zh: str
    description_zh: str
    description_en: str

    @property
    def dtype(self) -> str:
        return PANDAS_DTYPES[self.type]

    @property
    def arrow_type(self) -> pa.DataType:
        base = ARROW_TYPES[self.type]
        return pa.dictionary(pa.int32(), base) if self.categorical else base


@dataclass(frozen=True)
class Table:
    """One processed table (a line of ``tables.csv``) with its columns in order."""

    name: str
    primary_key: tuple[str, ...]
    foreign_key: str  # a column naming a row of ``reports`` (report_id), or ""
    title_zh: str
    description_zh: str
    description_en: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


class SchemaError(ValueError):
    """A table does not fit its declaration (unknown or missing column, a value of the wrong type)."""


@cache
def tables() -> dict[str, Table]:
    """Every processed table by name, in the order of ``tables.csv``."""
    cols: dict[str, list[Column]] = {}
    for r in package_csv(__package__, "columns.csv"):
        if r["type"] not in PANDAS_DTYPES:
            raise SchemaError(f"columns.csv: {r['table']}.{r['column']} has unknown type {r['type']!r}")
        cols.setdefault(r["table"], []).append(
            Column(
                table=r["table"],
                name=r["column"],
                type=r["type"],
                categorical=r["categorical"] == "yes",
                required=r["required"] == "yes",
                label_of=r["label_of"],
                vocabulary=r["vocabulary"],
                label_zh=r["label_zh"],
                description_zh=r["description_zh"],
                description_en=r["description_en"],
            )
        )
    out = {}
    for r in package_csv(__package__, "tables.csv"):
        out[r["table"]] = Table(
            name=r["table"],
            primary_key=tuple(k for k in r["primary_key"].split(";") if k),
            foreign_key=r["foreign_key"],
            title_zh=r["title_zh"],
            description_zh=r["description_zh"],
            description_en=r["description_en"],
            columns=tuple(cols.pop(r["table"], [])),
        )
    if cols:
        raise SchemaError(f"columns.csv names tables not in tables.csv: {sorted(cols)}")
    return out


TABLE_NAMES: tuple[str, ...] = tuple(tables())


def table(name: str) -> Table:
    """The declaration of one table."""
    try:
        return tables()[name]
    except KeyError:
        raise SchemaError(f"no processed table named {name!r}; declared: {', '.join(TABLE_NAMES)}") from None


def columns(name: str, *, produced: bool = False) -> list[str]:
    """Column names of a table in order; ``produced`` leaves out the label columns added when writing."""
    return [c.name for c in table(name).columns if not (produced and c.label_of)]


@cache
def vocabulary() -> dict[str, dict[str, str]]:
    """domain -> key -> Chinese label, from ``vocabulary.csv``."""
    out: dict[str, dict[str, str]] = {}
    for r in package_csv(__package__, "vocabulary.csv"):
        out.setdefault(r["domain"], {})[r["key"]] = r["label_zh"]
    return out


def empty(name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of one table."""
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in table(name).columns})


def typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with each of its columns cast to its declared dtype (columns kept as they are, none added).

    For a producer that builds part of a table; raises :class:`SchemaError` for an undeclared column.
    """
    decl = table(name)
    known = set(decl.column_names)
    unknown = [c for c in df.columns if c not in known]
    if unknown:
        raise SchemaError(f"{name}: columns not declared in schema/columns.csv: {unknown}")
    out = df.reset_index(drop=True)
    return pd.DataFrame({c: _cast(out[c], decl.column(c)) for c in out.columns}, index=out.index)


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with exactly the declared columns, in order, each of its declared dtype.

    Raises :class:`SchemaError` for a column the declaration does not know, for a required column
    that is missing, and for a value that is not of its column's type (a fraction in an integer
    column, text in a number or date column). An optional column that is missing is added empty.
    Numbers are rounded to :data:`DECIMALS` decimals.
    """
    decl = table(name)
    known = set(decl.column_names)
    unknown = [c for c in df.columns if c not in known]
    if unknown:
        raise SchemaError(f"{name}: columns not declared in schema/columns.csv: {unknown}")
    missing = [c.name for c in decl.columns if c.required and c.name not in df.columns]
    if missing:
        raise SchemaError(f"{name}: required columns missing: {missing}")
    n = len(df)
    out = {}
    for col in decl.columns:
        if col.name not in df.columns:
            out[col.name] = pd.Series([pd.NA] * n, dtype=col.dtype) if col.type != "date" else pd.Series(
                pd.NaT, index=range(n), dtype=col.dtype
            )
            continue
        out[col.name] = _cast(df[col.name].reset_index(drop=True), col)
    return pd.DataFrame(out, index=pd.RangeIndex(n))


def _cast(s: pd.Series, col: Column) -> pd.Series:
    if s.dtype == _pandas_dtype(col.dtype):  # already of the declared type: nothing to convert
        return s.round(DECIMALS) if col.type == "number" else s
    where = f"{col.table}.{col.name}"
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object).where(s.notna(), None)
    if col.type == "string":
        if isinstance(s.dtype, pd.StringDtype):  # pandas' default ``str``: only the missing marker changes
            return s.astype(col.dtype)
        return s.astype(object).where(s.notna(), None).astype("string")
    if col.type == "date":
        text = s.astype(object).where(s.notna() & (s.astype(str) != ""), None)
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        bad = text.notna() & parsed.isna()
        if bad.any():
            raise SchemaError(f"{where}: not a date: {sorted(set(map(str, text[bad])))[:5]}")
        return parsed.astype(col.dtype)
    if s.dtype.kind in "iuf":  # numbers already (numpy or nullable): missing becomes NaN
        numbers = s.astype("float64")
    else:
        numbers = pd.to_numeric(s.astype(object).where(s.notna() & (s.astype(str) != ""), None), errors="coerce")
        bad = s.notna() & (s.astype(str) != "") & numbers.isna()
        if bad.any():
            raise SchemaError(f"{where}: not a number: {sorted(set(map(str, s[bad])))[:5]}")
        numbers = numbers.astype("float64")
    if col.type == "integer":
        frac = numbers.notna() & (numbers != np.round(numbers))
        if frac.any():
            raise SchemaError(f"{where}: not a whole number: {sorted(set(numbers[frac]))[:5]}")
        return numbers.astype("Int64")
    return numbers.round(DECIMALS)


@cache
def _pandas_dtype(name: str) -> object:
    return pandas_dtype(name)


def arrow_schema(name: str) -> pa.Schema:
    """The Parquet schema of a table: categorical keys dictionary-encoded, ``date`` as date32."""
    fields = [pa.field(c.name, c.arrow_type, nullable=True) for c in table(name).columns]
    return pa.schema(fields)


def to_arrow(df: pd.DataFrame, name: str) -> pa.Table:
    """A conformed frame as an Arrow table of :func:`arrow_schema`."""
    arrays = []
    for col in table(name).columns:
        s = df[col.name]
        if col.type == "date":
            arr = pa.array(s.dt.date.where(s.notna(), None), type=pa.date32())
        elif col.type == "integer":
            arr = pa.array(s.astype(object).where(s.notna(), None), type=pa.int64())
        elif col.type == "number":
            arr = pa.array(s.to_numpy(dtype="float64"), type=pa.float64(), from_pandas=True)
        else:
            arr = pa.array(s.astype(object).where(s.notna(), None), type=pa.string())
        if col.categorical:
            arr = arr.dictionary_encode()
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=arrow_schema(name))
