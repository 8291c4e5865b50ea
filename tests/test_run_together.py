"""Crawled text with run-together cells: exact where the arithmetic allows one split, reported otherwise."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import read_report
from gongkai.parse.recover import cuts
from gongkai.synthetic import random_tables, table2_frame, table3_frame, table4_frame
from gongkai.synthetic.crawl import render_crawled

from conftest import FIXTURES

CRAWL = FIXTURES / "crawl"
KEYS = {"table2": ["category", "measure"], "table3": ["row", "applicant"], "table4": ["proceeding", "outcome"]}


def test_cuts_follow_the_constraint_and_never_use_leading_zeros():
    def total_last(cut):
        return len(cut) < 7 or sum(cut[:-1]) == cut[-1]

    assert cuts("120300015", 7, total_last).candidates == [(12, 0, 3, 0, 0, 0, 15)]
    assert cuts("000", 3).candidates == [(0, 0, 0)]
    assert sorted(cuts("1011", 2).candidates) == [(10, 11), (101, 1)]  # never (1, 011)
    assert cuts("1234", 2, lambda cut: len(cut) < 2 or cut[0] == cut[1]).candidates == []


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


def _rows_cut_by(report, rule: str) -> set[str]:
    t3 = report.table3
    return set(t3.loc[t3["inferred_by"].str.split(";").apply(lambda by: rule in by), "row"])


def test_an_identity_that_chose_a_cut_is_not_assessable_for_that_row_only():
    from gongkai.rules import audit_all

    report = read_report(CRAWL / "pingtan_2023_crawl.txt")
    chosen = _rows_cut_by(report, "t3.row_total")
    assert chosen  # 640020470 and the like: several cuts, the row total chose
    result = audit_all([report])
    f = result.findings
    na = f[(f["rule"] == "t3.row_total") & (f["status"] == "not_assessable")]
    assert set(na["row"]) == chosen
    assert "by t3.row_total" in na.iloc[0]["evidence"]
    checks = result.checks.set_index("rule")
    assert checks.loc["t3.row_total", "n_pass"] == 25 - len(chosen)  # the rows the digits forced are judged
    assert checks.loc["t3.column_balance", "n_not_assessable"] == 0  # other identities stay assessable


def _render(tmp_path_factory, tables, fmt, rng):
    text = render_crawled(tables, issuer="某某县人民政府", year=2020 if fmt == "2019" else 2024, rng=rng)
    path = tmp_path_factory.mktemp("crawl") / "crawl.txt"
    path.write_text(text, encoding="utf-8")
    return read_report(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["2019", "2021"]), pick=st.integers(0, 10_000))
def test_a_planted_error_in_a_row_the_digits_force_is_caught_at_that_cell(tmp_path_factory, seed, fmt, pick):
    from gongkai.rules import audit_all
    from gongkai.synthetic.generate import TruthCell

    rng = random.Random(seed)
    tables = random_tables(rng, fmt)
    rows = list(dict.fromkeys(r for r, _ in tables.table3))
    single = [r for r in rows if all(
        tables.table3[(r, c)].status == "number" and 0 <= tables.table3[(r, c)].value <= 8
        for c in dict.fromkeys(c for _, c in tables.table3))]  # fmt: skip
    if not single:
        return
    row = single[pick % len(single)]
    cell = (row, "natural_person")
    tables.table3[cell] = TruthCell.number(int(tables.table3[cell].value) + 1)  # the total no longer adds up
    report = _render(tmp_path_factory, tables, fmt, rng)
    t3 = report.table3.set_index(["row", "applicant"])
    assert t3.loc[cell, "value"] == tables.table3[cell].value  # the only reading, kept though it does not add up
    assert t3.loc[cell, "inferred_by"] == "digits"
    f = audit_all([report]).findings
    caught = f[(f["rule"] == "t3.row_total") & (f["status"] == "fail") & (f["row"] == row)]
    assert len(caught) == 1 and f"{row}/natural_person=" in caught.iloc[0]["evidence"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["2019", "2021"]))
def test_rows_whose_cut_an_identity_chose_never_pass_that_identity(tmp_path_factory, seed, fmt):
    from gongkai.rules import audit_all

    rng = random.Random(seed)
    report = _render(tmp_path_factory, random_tables(rng, fmt), fmt, rng)
    result = audit_all([report])
    chosen = _rows_cut_by(report, "t3.row_total")
    f = result.findings
    judged = f[f["rule"] == "t3.row_total"]
    assert chosen <= set(judged.loc[judged["status"] == "not_assessable", "row"])
    n = result.checks.set_index("rule").loc["t3.row_total"]
    assert n["n_pass"] <= len(set(report.table3["row"])) - len(chosen)
    for rule in ("t3.column_balance", "t3.outcome_total"):
        from gongkai.templates.identities import identity, resolve

        lhs, rhs, _ = resolve(identity(rule), report.format)
        by = report.table3[report.table3["inferred_by"].str.contains(rule, regex=False)]
        cols = set(by.loc[by["row"].isin(lhs + rhs), "applicant"])  # cut by the identity: not judged there
        hit = f[(f["rule"] == rule) & f["column"].isin(cols)]
        assert set(hit["status"]) <= {"not_assessable"}
        assert len(hit) == len(cols)


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
