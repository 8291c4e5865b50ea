"""Cross-year rules on generated series: carry-over, documents in force, YoY claims, copy-paste, series ids."""

from __future__ import annotations

import copy

import pandas as pd

from gongkai.rules import audit_all, normalise_issuer

from audit_factories import make_report, next_year, set_cell


def _fails(result, rule):
    f = result.findings
    return f[(f["rule"] == rule) & (f["status"] == "fail")]


def _cell(report, table, row, col):
    df = {2: report.table2, 3: report.table3, 4: report.table4}[table]
    a, b = {2: ("category", "measure"), 3: ("row", "applicant"), 4: ("proceeding", "outcome")}[table]
    return float(df[(df[a] == row) & (df[b] == col)]["value"].iloc[0])


def test_consistent_series_passes_carry_over_and_docs_in_force():
    y1 = make_report("y1", seed=1, year=2022)
    y2 = next_year(y1, "y2", seed=2)
    y3 = next_year(y2, "y3", seed=3)
    result = audit_all([y3, y1, y2])  # order does not matter
    checks = result.checks.set_index(["report_id", "rule"])
    for rid in ("y2", "y3"):
        assert checks.loc[(rid, "xy.carry_over"), "n_pass"] == 7
        assert checks.loc[(rid, "xy.docs_in_force"), "n_pass"] == 2
        assert checks.loc[(rid, "sanity.copy_paste"), "n_pass"] == 1
    assert checks.loc[("y1", "xy.carry_over"), "n_not_assessable"] == 1
    assert result.findings[result.findings["status"] == "fail"].empty


def test_carry_over_broken_in_one_column():
    y1 = make_report("y1", seed=4, year=2023)
    y2 = next_year(y1, "y2", seed=5)
    old = _cell(y2, 3, "carried_over", "research_institution")
    set_cell(y2, 3, "carried_over", "research_institution", old + 2)
    for row, col in (
        ("carried_over", "total"),
        ("carried_forward", "research_institution"),
        ("carried_forward", "total"),
    ):
        set_cell(y2, 3, row, col, _cell(y2, 3, row, col) + 2)  # keep this year's own identities intact
    result = audit_all([y1, y2])
    fails = result.findings[result.findings["status"] == "fail"]
    assert list(fails["rule"]) == ["xy.carry_over", "xy.carry_over"]
    assert list(fails["column"]) == ["research_institution", "total"]  # the total column moved with it
    f = fails.iloc[0]
    assert (f["column"], f["expected"], f["actual"], f["difference"]) == ("research_institution", old, old + 2, 2)


def test_carry_over_across_the_2019_to_2021_format_change():
    y1 = make_report("y1", fmt="2019", seed=6, year=2020)
    y2 = next_year(y1, "y2", seed=7, fmt="2021")
    result = audit_all([y1, y2])
    checks = result.checks.set_index(["report_id", "rule"])
    assert checks.loc[("y2", "xy.carry_over"), "n_pass"] == 7
    # 2019 has no 现行有效件数: documents in force cannot be assessed, never passed
    assert checks.loc[("y2", "xy.docs_in_force"), "n_pass"] == 0
    assert checks.loc[("y2", "xy.docs_in_force"), "n_not_assessable"] == 2


def test_documents_in_force_drift_is_a_warning():
    y1 = make_report("y1", seed=8, year=2023)
    y2 = next_year(y1, "y2", seed=9)
    set_cell(y2, 2, "normative_document", "in_force", _cell(y2, 2, "normative_document", "in_force") + 5)
    result = audit_all([y1, y2])
    f = _fails(result, "xy.docs_in_force")
    assert list(f["row"]) == ["normative_document"]
    assert f.iloc[0]["severity"] == "warning" and f.iloc[0]["difference"] == 5


def _yoy_pair(sentence_fn, seed=10):
    y1 = make_report("y1", seed=seed, year=2023)
    y2 = next_year(y1, "y2", seed=seed + 1)
    prev = _cell(y1, 3, "new_received", "total")
    cur = _cell(y2, 3, "new_received", "total")
    y2.sections = {"一": sentence_fn(prev, cur)}
    return y1, y2, prev, cur


def test_yoy_claim_right_truncated_and_wrong():
    def text(prev, cur):
        pct = 100 * (cur - prev) / prev
        word = "增长" if pct >= 0 else "下降"
        return (
            f"全年新收政府信息公开申请{cur:g}件，同比{word}{abs(pct):.1f}%。"
            f"共收到政府信息公开申请{cur:g}件，较2023年{word}{abs(pct) + 7:.1f}%。"
        )

    y1, y2, prev, cur = _yoy_pair(text)
    assert prev != cur
    result = audit_all([y1, y2])
    yoy = result.claims[result.claims["kind"] == "yoy"]
    assert list(yoy["status"]) == ["match", "mismatch"]
    f = _fails(result, "claim.yoy")
    assert len(f) == 1 and f.iloc[0]["row"] == "new_received"


def test_yoy_direction_only_and_count_difference():
    def text(prev, cur):
        up = "上升" if cur > prev else "下降"
        down = "下降" if cur > prev else "上升"
        return (
            f"本年收到政府信息公开申请数量较去年{up}。收到政府信息公开申请{cur:g}件，比上年增加{cur - prev:g}件。"
            f"依申请公开方面，收到的申请数量较去年{down}。"
        )

    y1, y2, prev, cur = _yoy_pair(text, seed=20)
    if cur < prev:  # "增加" a negative number would not be written; regenerate the easy way
        y1, y2, prev, cur = _yoy_pair(text, seed=21)
    assert cur > prev
    result = audit_all([y1, y2])
    yoy = result.claims[result.claims["kind"] == "yoy"]
    assert list(yoy["status"]) == ["match", "match", "mismatch"]


def test_yoy_without_previous_report_is_not_assessable():
    y2 = make_report("y2", seed=30, year=2024, sections={"一": "本年收到政府信息公开申请3件，同比增长50%。"})
    result = audit_all([y2])
    f = result.findings[result.findings["rule"] == "claim.yoy"]
    assert list(f["status"]) == ["not_assessable"]
    assert "2023" in f.iloc[0]["message"]


def test_copy_pasted_year_is_flagged():
    y1 = make_report("y1", seed=40, year=2023)
    y2 = copy.deepcopy(y1)
    y2.report_id, y2.year, y2.source_file = "y2", 2024, "y2.txt"
    # a copied table 3 breaks carry-over unless nothing was carried: that is reported too
    result = audit_all([y1, y2])
    f = _fails(result, "sanity.copy_paste")
    assert list(f["report_id"]) == ["y2"] and f.iloc[0]["severity"] == "warning"


def test_all_zero_tables_repeated_are_not_called_copy_paste():
    y1 = make_report("y1", seed=41, year=2023)
    for n in (2, 3, 4):
        df = getattr(y1, f"table{n}")
        df["value"] = 0
        setattr(y1, f"table{n}", df)
    y2 = copy.deepcopy(y1)
    y2.report_id, y2.year = "y2", 2024
    assert _fails(audit_all([y1, y2]), "sanity.copy_paste").empty


def test_issuer_normalisation_joins_office_suffix_and_spacing():
    assert normalise_issuer("高平市人民政府办公室") == normalise_issuer("高平市 人民政府")
    assert normalise_issuer("济源市人民政府办公室") == "济源市人民政府"
    assert normalise_issuer("晋城市人民政府") != normalise_issuer("高平市人民政府")
    y1 = make_report("y1", seed=50, year=2023, issuer="高平市人民政府办公室")
    y2 = next_year(y1, "y2", seed=51, issuer="高平市 人民政府")
    checks = audit_all([y1, y2]).checks.set_index(["report_id", "rule"])
    assert checks.loc[("y2", "xy.carry_over"), "n_pass"] == 7


def test_manifest_series_id_overrides_issuer_names():
    y1 = make_report("y1", seed=60, year=2023, issuer="城区人民政府")
    y2 = next_year(y1, "y2", seed=61, issuer="城区人民政府")
    other = make_report("o2", seed=62, year=2024, issuer="城区人民政府")
    manifest = pd.DataFrame(
        {
            "file": ["y1.txt", "y2.txt", "o2.txt"],
            "series_id": ["jincheng-chengqu", "jincheng-chengqu", "yangquan-chengqu"],
        }
    )
    checks = audit_all([y1, y2, other], manifest).checks.set_index(["report_id", "rule"])
    assert checks.loc[("y2", "xy.carry_over"), "n_pass"] == 7
    assert checks.loc[("o2", "xy.carry_over"), "n_not_assessable"] == 1
    # without the manifest the two 城区 bodies collide and y2's carry-over may be checked against o2's year
    plain = audit_all([y1, other]).checks.set_index(["report_id", "rule"])
    assert plain.loc[("o2", "xy.carry_over"), "n_not_assessable"] == 0
