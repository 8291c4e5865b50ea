"""Every cell of tables 2, 3 and 4 of the five seed reports against hand-verified fixtures."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import FIXTURES, RAW, SEEDS

from gongkai import read_report

KEYS = {"table2": ["category", "measure"], "table3": ["row", "applicant"], "table4": ["proceeding", "outcome"]}


@pytest.fixture(scope="module", params=SEEDS)
def seed(request):
    name = request.param
    return name, read_report(RAW / f"{name}.txt")


def _expected(name: str, table: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "expected" / name / f"{table}.csv", dtype={"raw": str}, keep_default_na=False)


@pytest.mark.parametrize("table", list(KEYS))
def test_every_cell_matches_fixture(seed, table):
    name, report = seed
    expected = _expected(name, table)
    actual = getattr(report, table)
    assert list(actual[KEYS[table]].itertuples(index=False)) == list(expected[KEYS[table]].itertuples(index=False))
    for col in ("raw", "cell_status"):
        assert actual[col].tolist() == expected[col].astype(str).tolist(), col
    assert actual["source_line"].astype(int).tolist() == expected["source_line"].tolist()
    assert actual["value"].astype(float).tolist() == pytest.approx(expected["value"].astype(float).tolist())


def test_metadata_matches_fixture(seed):
    name, report = seed
    meta = json.loads((FIXTURES / "expected" / name / "meta.json").read_text(encoding="utf-8"))
    assert report.title == meta["title"]
    assert report.issuer == meta["issuer"]
    assert report.year == meta["year"]
    assert report.published == meta["published"]
    assert report.format == meta["format"]
    assert report.layout == meta["layout"]


def test_seed_status_and_notes(seed):
    name, report = seed
    assert report.status == "ok", report.message
    warnings = [i.message for i in report.issues if i.severity != "info"]
    if name == "jiyuan_2024":
        assert len(warnings) == 1 and "extra unlabelled cell '0'" in warnings[0]
        assert next(i.source_line for i in report.issues if i.severity == "warning") == 82
    else:
        assert warnings == []


def test_narrative_sections_exclude_tables(seed):
    _, report = seed
    assert set("一二三四五六") <= set(report.sections)
    assert "政府信息公开" in report.sections["一"] or "公开" in report.sections["一"]
    for key in "二三四":
        assert "本年新收政府信息公开申请数量" not in report.sections[key]
    assert len(report.sections["一"]) > 100
