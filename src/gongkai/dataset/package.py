"""What sits beside the processed tables, generated from their one declaration (``gongkai.schema``).

* ``datapackage.json``: a Frictionless Data Package describing every CSV (fields, types, keys);
* ``data_dictionary.csv`` and ``data_dictionary.md``: each column in Chinese and English;
* ``gongkai.sqlite``: the tables in one SQLite file, for Datasette and SQL users.

Each reads only the declaration and the tables already written, so any write path can call
:func:`write_package` once the tables are on disk.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from gongkai import schema

DATAPACKAGE = "datapackage.json"
DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "data_dictionary.md"
SQLITE = "gongkai.sqlite"


def _field(col: schema.Column) -> dict[str, object]:
    field: dict[str, object] = {
        "name": col.name,
        "type": col.type,
        "title": col.label_zh,
        "description": f"{col.description_zh} / {col.description_en}",
    }
    if col.type == "date":
        field["format"] = "%Y-%m-%d"
    if col.name == "report_id":
        field["constraints"] = {"required": True}
    return field


def datapackage(names: list[str]) -> dict[str, object]:
    """The Data Package descriptor of the CSV files of the named tables."""
    resources = []
    for name in names:
        t = schema.table(name)
        table_schema: dict[str, object] = {
            "fields": [_field(c) for c in t.columns],
            "missingValues": [""],
        }
        if t.primary_key:
            table_schema["primaryKey"] = list(t.primary_key)
        if t.foreign_key and "reports" in names:
            table_schema["foreignKeys"] = [
                {"fields": [t.foreign_key], "reference": {"resource": "reports", "fields": ["report_id"]}}
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "title": t.title_zh,
                "description": f"{t.description_zh} / {t.description_en}",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": table_schema,
            }
        )
    return {
        "name": "gongkai-processed",
        "title": "政府信息公开工作年度报告：处理后的数据",
        "description": "Tables parsed and audited by gongkai from 政府信息公开工作年度报告.",
        "profile": "tabular-data-package",
        "resources": resources,
    }


def dictionary() -> pd.DataFrame:
    """Every declared column: table, column, type, categorical, label and descriptions."""
    rows = [
        {
            "table": c.table,
            "table_title": schema.table(c.table).title_zh,
            "column": c.name,
            "type": c.type,
            "categorical": c.categorical,
            "label_of": c.label_of,
            "label_zh": c.label_zh,
            "description_zh": c.description_zh,
            "description_en": c.description_en,
        }
        for t in schema.tables().values()
        for c in t.columns
    ]
    return pd.DataFrame(rows)


def dictionary_markdown() -> str:
    """The data dictionary as Markdown, one section per table."""
    out = ["# 数据字典 / Data dictionary", ""]
    for t in schema.tables().values():
        out += [f"## `{t.name}` {t.title_zh}", "", f"{t.description_zh}. {t.description_en}.", ""]
        out += ["| 列 column | 类型 type | 名称 | 说明 | description |", "|---|---|---|---|---|"]
        for c in t.columns:
            kind = c.type + (", categorical" if c.categorical else "")
            out.append(f"| `{c.name}` | {kind} | {c.label_zh} | {c.description_zh} | {c.description_en} |")
        out.append("")
    return "\n".join(out)


def written_tables(out_dir: Path) -> list[str]:
    """The declared tables whose CSV is in ``out_dir``, in declaration order."""
    return [n for n in schema.TABLE_NAMES if (out_dir / f"{n}.csv").exists()]


def write_sqlite(out_dir: Path, names: list[str]) -> Path:
    """``gongkai.sqlite`` with one table per written Parquet file (dates as ISO text), built aside and swapped in."""
    path, tmp = out_dir / SQLITE, out_dir / f".{SQLITE}.tmp"
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(tmp) as con:
        for name in names:
            parquet = pq.ParquetFile(out_dir / f"{name}.parquet")  # a row group at a time: memory stays bounded
            groups = range(parquet.num_row_groups) or [None]
            for i in groups:
                frame = parquet.read() if i is None else parquet.read_row_group(i)
                df = schema.conform(frame.to_pandas(), name)
                for col in schema.table(name).columns:
                    if col.type == "date":
                        df[col.name] = df[col.name].dt.strftime("%Y-%m-%d")
                df.to_sql(name, con, index=False, if_exists="append")
            if "report_id" in df.columns:
                con.execute(f'CREATE INDEX "{name}_report_id" ON "{name}" (report_id)')
    con.close()
    tmp.replace(path)
    return path


def write_package(out_dir: Path) -> list[Path]:
    """Write the Data Package descriptor, the data dictionary and the SQLite file for the tables in ``out_dir``."""
    names = written_tables(out_dir)
    desc = out_dir / DATAPACKAGE
    desc.write_text(json.dumps(datapackage(names), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    dict_csv = out_dir / DICTIONARY_CSV
    dictionary().to_csv(dict_csv, index=False, encoding="utf-8-sig", lineterminator="\n")
    dict_md = out_dir / DICTIONARY_MD
    dict_md.write_text(dictionary_markdown() + "\n", encoding="utf-8")
    return [desc, dict_csv, dict_md, write_sqlite(out_dir, names)]
