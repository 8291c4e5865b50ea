"""The one declaration of the processed tables (gongkai.schema): enforced when written and read, and
the data dictionary, datapackage.json (validated with frictionless) and SQLite file generated from it."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pyarrow.parquet as pq
import pytest

from gongkai import schema
from gongkai.analysis import sample
from gongkai.analysis.data import load_table
from gongkai.dataset.tables import all_tables
from gongkai.dataset.write import prepare_table, write_table
from gongkai.parse.report import read_report
from gongkai.rules import audit_all
from gongkai.rules.results import CHECK_COLUMNS, CLAIM_COLUMNS, FINDING_COLUMNS

from conftest import RAW


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory):
    return sample.build_sample(tmp_path_factory.mktemp("schema"))


@pytest.fixture(scope="module")
def seeds():
    reports = [read_report(p, report_id=p.name) for p in sorted(RAW.glob("*.txt"))]
    return reports, audit_all(reports)


def test_every_produced_column_is_declared(seeds):
    reports, result = seeds
    produced = {**all_tables(reports), "findings": result.findings, "claims": result.claims, "checks": result.checks}
    for name, df in produced.items():
        assert set(df.columns) <= set(schema.columns(name)), name
        ready = prepare_table(df, name)
        assert list(ready.columns) == schema.columns(name)
        assert [str(t) for t in ready.dtypes] == [c.dtype for c in schema.table(name).columns], name
    for name, cols in (("findings", FINDING_COLUMNS), ("claims", CLAIM_COLUMNS), ("checks", CHECK_COLUMNS)):
        declared = schema.columns(name, produced=True)
        assert set(cols) <= set(declared), name  # the audit writes only declared columns
        required = [c.name for c in schema.table(name).columns if c.required]
        assert set(required) <= set(cols), name  # and every required one


def test_conform_refuses_what_does_not_fit():
    good = pd.DataFrame({"report_id": ["a"], "rule": ["t3.row_total"], "n_pass": [1], "n_fail": [0],
                         "n_not_assessable": [0]})  # fmt: skip
    assert schema.conform(good, "checks")["n_pass"].dtype == "Int64"
    with pytest.raises(schema.SchemaError, match="not declared"):
        schema.conform(good.assign(surprise=1), "checks")
    with pytest.raises(schema.SchemaError, match="required columns missing"):
        schema.conform(good.drop(columns="n_fail"), "checks")
    with pytest.raises(schema.SchemaError, match="not a whole number"):
        schema.conform(good.assign(n_pass=[1.5]), "checks")
    with pytest.raises(schema.SchemaError, match="not a number"):
        schema.conform(good.assign(n_pass=["many"]), "checks")


def test_numbers_carry_no_float_noise_and_counts_are_integers(processed, tmp_path):
    f = pd.DataFrame(
        {c: [None] for c in schema.columns("findings", produced=True)}
    ).assign(report_id="a", rule="claim.share", severity="error", status="fail", table=3,
             expected=0.1 + 0.2, actual=12.0, difference=-0.009999999999999787)  # fmt: skip
    write_table(f, tmp_path, "findings")
    line = (tmp_path / "findings.csv").read_text("utf-8-sig").splitlines()[1]
    assert ",0.3,12,-0.01," in line
    text = (processed / "table3.csv").read_text("utf-8-sig")
    assert ".0," not in text  # counts are written as integers


def test_parquet_has_categorical_keys_and_a_date(processed):
    s = pq.read_schema(processed / "reports.parquet")
    assert str(s.field("published").type) == "date32[day]"
    assert str(s.field("status").type).startswith("dictionary")
    assert str(pq.read_schema(processed / "table3.parquet").field("row").type).startswith("dictionary")
    reports = load_table(processed, "reports")
    assert str(reports["published"].dtype).startswith("datetime64")


def test_csv_has_chinese_labels_beside_the_keys(processed):
    t3 = pd.read_csv(processed / "table3.csv", encoding="utf-8-sig", dtype=str)
    pairs = dict(zip(t3["row"], t3["row_label"], strict=False))
    assert pairs["granted"] == "（一）予以公开"
    f = pd.read_csv(processed / "findings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = f[f["rule"] == "t3.row_total"].iloc[0]
    assert row["rule_label"] == "表三每行：总计＝六类申请人之和" and row["severity_label"] == "错误"
    assert row["column_label"] == "总计"


def test_datapackage_is_valid_frictionless(processed):
    from frictionless import Package

    report = Package(str(processed / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    package = Package(str(processed / "datapackage.json"))
    assert [r.name for r in package.resources] == list(schema.TABLE_NAMES)
    fields = package.get_resource("findings").schema.field_names
    assert fields == schema.columns("findings")


def test_datapackage_validation_sees_a_broken_file(processed, tmp_path):
    from frictionless import Package

    for f in processed.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    text = (tmp_path / "checks.csv").read_text("utf-8-sig").splitlines()
    cells = text[1].split(",")
    cells[3] = "x"  # n_pass, an integer
    text[1] = ",".join(cells)
    (tmp_path / "checks.csv").write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    assert not Package(str(tmp_path / "datapackage.json")).validate().valid


def test_data_dictionary_lists_every_column(processed):
    d = pd.read_csv(processed / "data_dictionary.csv", encoding="utf-8-sig")
    assert len(d) == sum(len(t.columns) for t in schema.tables().values())
    assert d["description_zh"].notna().all() and d["description_en"].notna().all()
    assert "## `findings` 审查发现" in (processed / "data_dictionary.md").read_text("utf-8")


def test_sqlite_holds_the_tables(processed):
    with sqlite3.connect(processed / "gongkai.sqlite") as con:
        n = con.execute("select count(*) from table3").fetchone()[0]
        fails = con.execute(
            "select r.issuer, f.rule_label from findings f join reports r using (report_id) where f.status = 'fail'"
        ).fetchall()
        published = con.execute("select published from reports limit 1").fetchone()[0]
    assert n == len(load_table(processed, "table3"))
    assert {i for i, _ in fails} == {sample.PLANTED_ISSUER}
    assert len(published) == 10 and published[4] == "-"


def test_duckdb_reads_the_parquet_as_in_the_readme(processed):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rows = con.execute(
        f"""
        select r.issuer, r.year, t.value
        from '{processed}/table3.parquet' t join '{processed}/reports.parquet' r using (report_id)
        where t.row = 'new_received' and t.applicant = 'total'
        order by r.issuer, r.year
        """
    ).fetchall()
    assert len(rows) == len(load_table(processed, "reports"))
    assert all(isinstance(v, int) for _, _, v in rows)


def test_a_rebuild_writes_byte_identical_files(tmp_path):
    from gongkai.dataset import build

    a, b = tmp_path / "a", tmp_path / "b"
    build(RAW, a, progress=False)
    build(RAW, b, progress=False)
    names = sorted(p.name for p in a.iterdir())
    assert {"datapackage.json", "data_dictionary.md", "gongkai.sqlite", "findings.parquet"} <= set(names)
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
