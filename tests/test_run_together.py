"""Crawled text with run-together cells: exact where the arithmetic allows one split, reported otherwise."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import read_report
from gongkai.parse.runtogether import cuts, group_totals, no_constraint
from gongkai.synthetic import random_tables, table2_frame, table3_frame, table4_frame
from gongkai.synthetic.crawl import render_crawled

from conftest import FIXTURES

CRAWL = FIXTURES / "crawl"
KEYS = {"table2": ["category", "measure"], "table3": ["row", "applicant"], "table4": ["proceeding", "outcome"]}


def test_cuts_follow_the_constraint_and_never_use_leading_zeros():
    assert cuts("120300015", 7, group_totals(7, 1)).candidates == [(12, 0, 3, 0, 0, 0, 15)]
    assert cuts("000", 3, no_constraint).candidates == [(0, 0, 0)]
    assert sorted(cuts("1011", 2, no_constraint).candidates) == [(10, 11), (101, 1)]  # never (1, 011)
    assert cuts("1234", 2, group_totals(2, 1)).candidates == []


@pytest.mark.parametrize("year", [2019, 2021, 2023, 2025])
def test_real_crawls_match_the_same_reports_as_html(year):
    report = read_report(CRAWL / f"pingtan_{year}_crawl.txt")
    assert report.layout == "run_together"
    assert report.format == ("2019" if year == 2019 else "2021")
    for table in ("table3", "table4"):
        expected = pd.read_csv(CRAWL / f"pingtan_{year}_{table}_from_html.csv")
        actual = getattr(report, table)
        assert actual[KEYS[table]].values.tolist() == expected[KEYS[table]].values.tolist()
        assert actual["value"].astype(float).tolist() == expected["value"].astype(float).tolist()
        assert set(actual["cell_status"]) == {"inferred"}
    t2 = report.table2
    expected2 = pd.read_csv(CRAWL / f"pingtan_{year}_table2_from_html.csv")
    known = t2["cell_status"].isin(["number", "inferred"])
    assert (t2.loc[known, "value"].astype(float).values == expected2.loc[known, "value"].astype(float).values).all()
    unsplit = set(t2.loc[t2["cell_status"] == "missing", "category"])
    errors = {i.message.split(":")[0] for i in report.issues if i.severity == "error" and i.section == "二"}
    assert unsplit <= errors  # every unsplit category is reported by name
    assert "normative_document" in unsplit  # 3 numbers in a run of 6+ digits: several splits, not guessed


def test_real_crawl_notes_name_the_constraint():
    report = read_report(CRAWL / "pingtan_2021_crawl.txt")
    notes = [i for i in report.issues if i.severity == "info" and i.section == "三"]
    assert any(n.message.startswith("row new_received: run-together cells 640020470 split as 64|0|0|2|0|4|70")
               and "t3.row_total" in n.message for n in notes)  # fmt: skip
    assert report.sections["一"].count("。") > 5  # the narrative survives the flattening


def test_inferred_cells_make_the_rules_used_not_assessable():
    from gongkai.rules import audit_all

    report = read_report(CRAWL / "pingtan_2023_crawl.txt")
    result = audit_all([report])
    checks = result.checks.set_index("rule")
    assert checks.loc["t3.row_total", "n_pass"] == 0
    assert checks.loc["t4.proceeding_total", "n_pass"] == 0
    assert checks.loc["t3.row_total", "n_not_assessable"] > 0


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["2019", "2021"]))
def test_generated_crawls_parse_exactly_or_say_why(tmp_path_factory, seed, fmt):
    rng = random.Random(seed)
    tables = random_tables(rng, fmt)
    text = render_crawled(tables, issuer="某某县人民政府", year=2020 if fmt == "2019" else 2024, rng=rng)
    path = tmp_path_factory.mktemp("crawl") / "crawl.txt"
    path.write_text(text, encoding="utf-8")
    report = read_report(path)
    errors = [i.message for i in report.issues if i.severity == "error"]
    for name, truth in (("table2", table2_frame(tables)), ("table3", table3_frame(tables)),
                        ("table4", table4_frame(tables))):  # fmt: skip
        actual = getattr(report, name)
        recovered = actual["cell_status"] != "missing"
        # never a wrong number: every recovered cell equals the truth
        assert (actual.loc[recovered, "value"].astype(float) == truth.loc[recovered, "value"].astype(float)).all()
        # every unrecovered row is named in an error
        key = KEYS[name][0]
        for row in set(actual.loc[~recovered, key]):
            assert any(row in e or name == "table4" for e in errors), (name, row, errors)
    t3 = report.table3
    assert (t3["cell_status"] != "missing").mean() > 0.8  # most rows have a single split
