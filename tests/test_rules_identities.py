"""Table identities 1–4: consistent reports pass, one changed cell fails exactly its identities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.rules import audit, audit_all
from gongkai.templates import table3_columns, table3_rows, table4_cells

from audit_factories import APPLICANTS, make_report, outcome_rows, set_cell

IDENTITY_RULES = {"t3.column_balance", "t3.row_total", "t3.outcome_total", "t4.proceeding_total"}
BALANCE_ROWS = {"new_received", "carried_over", "total_processed", "carried_forward"}


def _fails(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["status"] == "fail"]


def expected_t3_failures(fmt: str, row: str, col: str) -> set[tuple[str, str, str]]:
    """(rule, row, column) of the identities that contain table 3 cell (row, col), written out by hand."""
    out = {("t3.row_total", row, "total")}
    if row in BALANCE_ROWS:
        out.add(("t3.column_balance", "new_received+carried_over", col))
    if row == "total_processed" or row in outcome_rows(fmt):
        out.add(("t3.outcome_total", "total_processed", col))
    return out


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(["2019", "2021"]),
    seed=st.integers(0, 10_000),
    data=st.data(),
    delta=st.integers(1, 40),
)
def test_one_changed_table3_cell_fails_exactly_its_identities(fmt, seed, data, delta):
    report = make_report(fmt=fmt, seed=seed)
    row = data.draw(st.sampled_from([r.key for r in table3_rows(fmt)]))
    col = data.draw(st.sampled_from([c.key for c in table3_columns()]))
    old = int(report.table3[(report.table3["row"] == row) & (report.table3["applicant"] == col)]["value"].iloc[0])
    new = old + delta
    set_cell(report, 3, row, col, new)
    fails = _fails(audit(report))
    got = {(f.rule, f.row, f.column) for f in fails.itertuples()}
    assert got == expected_t3_failures(fmt, row, col)
    for f in fails.itertuples():
        # the changed cell is on the actual (left) side when it is the lhs of the identity
        on_lhs = (
            (f.rule == "t3.row_total" and col == "total")
            or (f.rule == "t3.column_balance" and row in ("new_received", "carried_over"))
            or (f.rule == "t3.outcome_total" and row == "total_processed")
        )
        assert f.difference == (delta if on_lhs else -delta)
        assert f.actual - f.expected == f.difference
        assert f.severity == "error"


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), cell=st.sampled_from(table4_cells()), delta=st.integers(1, 9))
def test_one_changed_table4_cell_fails_its_proceeding_only(seed, cell, delta):
    report = make_report(seed=seed)
    t4 = report.table4
    old = int(t4[(t4["proceeding"] == cell.proceeding) & (t4["outcome"] == cell.outcome)]["value"].iloc[0])
    set_cell(report, 4, cell.proceeding, cell.outcome, old + delta)
    fails = _fails(audit(report))
    assert [(f.rule, f.row) for f in fails.itertuples()] == [("t4.proceeding_total", cell.proceeding)]
    f = fails.iloc[0]
    assert f["difference"] == (delta if cell.outcome == "total" else -delta)


def test_consistent_reports_pass_every_identity_in_both_formats():
    reports = [make_report(f"r{i}", fmt=fmt, seed=i) for i, fmt in enumerate(["2019", "2021"] * 3)]
    result = audit_all(reports)
    assert not (result.findings["rule"].isin(IDENTITY_RULES)).any()
    checks = result.checks.set_index(["report_id", "rule"])
    assert checks.loc[("r0", "t3.row_total"), "n_pass"] == 23  # 2019: one （六） row
    assert checks.loc[("r1", "t3.row_total"), "n_pass"] == 25
    assert checks.loc[("r1", "t3.column_balance"), "n_pass"] == 7
    assert checks.loc[("r1", "t4.proceeding_total"), "n_pass"] == 3


def test_failure_names_cells_with_raw_values_and_lines():
    report = make_report(seed=3)
    set_cell(report, 3, "carried_forward", "natural_person", 500)
    f = _fails(audit(report))
    bal = f[f["rule"] == "t3.column_balance"].iloc[0]
    assert bal["column"] == "natural_person"
    assert "carried_forward/natural_person='500'" in bal["evidence"]
    assert "line" in bal["evidence"]
    assert "new_received + carried_over" in bal["message"]


def test_blank_or_dash_cell_makes_identities_not_assessable_not_pass():
    report = make_report(seed=4)
    set_cell(report, 3, "granted", "research_institution", None, status="dash")
    result = audit_all([report])
    f = result.findings
    na = f[f["status"] == "not_assessable"]
    assert {("t3.row_total", "granted"), ("t3.outcome_total", "total_processed")} <= {
        (x.rule, x.row) for x in na.itertuples()
    }
    assert not (f["status"] == "fail").any()
    checks = result.checks.set_index(["report_id", "rule"])
    assert checks.loc[("r1", "t3.row_total"), "n_not_assessable"] == 1
    assert checks.loc[("r1", "t3.row_total"), "n_pass"] == 24
    assert "dash" in na[na["rule"] == "t3.row_total"].iloc[0]["evidence"]


def test_text_cells_are_not_numbers_and_digit_cuts_are():
    report = make_report(seed=5)
    old = report.table4.set_index(["proceeding", "outcome"]).loc[("administrative_review", "upheld"), "value"]
    set_cell(report, 4, "administrative_review", "upheld", old + 1, status="inferred")  # a cut the digits forced
    set_cell(report, 3, "granted", "natural_person", None, status="text")
    f = audit(report)
    na = f[f["status"] == "not_assessable"]
    assert "t4.proceeding_total" not in set(na["rule"])
    assert {"t3.row_total", "t3.outcome_total"} <= set(na["rule"])
    fail = f[(f["rule"] == "t4.proceeding_total") & (f["status"] == "fail")]
    assert list(fail["row"]) == ["administrative_review"]
    assert "inferred" in fail.iloc[0]["evidence"]


def test_an_identity_that_chose_a_cut_does_not_judge_it():
    report = make_report(seed=5)
    cells = report.cells(4)
    records = [
        r._replace(cell_status="inferred", inferred_by="t4.proceeding_total") if p < 5 else r
        for p, r in enumerate(cells.records)
    ]
    report.table4 = type(cells)(cells.template, tuple(records))
    result = audit_all([report])
    f = result.findings
    na = f[(f["rule"] == "t4.proceeding_total") & (f["status"] == "not_assessable")]
    assert list(na["row"]) == ["administrative_review"]  # that proceeding's cells only
    assert result.checks.set_index("rule").loc["t4.proceeding_total", "n_pass"] == 2


def test_missing_tables_are_never_a_vacuous_pass():
    report = make_report(seed=6)
    report.table3 = report.table3.iloc[0:0]
    report.table4 = report.table4.iloc[0:0]
    result = audit_all([report])
    checks = result.checks.set_index("rule")
    for rule in IDENTITY_RULES:
        assert checks.loc[rule, "n_pass"] == 0
        assert checks.loc[rule, "n_not_assessable"] > 0
    blank = result.findings[result.findings["rule"] == "sanity.blank_table"]
    assert blank.empty  # a table the parser lost is a parse error, not also a blank table


def test_a_parsed_report_that_lost_a_table_has_a_parse_error_and_no_blank_table_finding(tmp_path):
    from gongkai import read_report

    seed = sorted((Path(__file__).resolve().parent.parent / "data" / "raw").glob("*.txt"))[0]
    text = seed.read_text(encoding="utf-8")
    start = text.index("四、政府信息公开行政复议")
    end = text.index("五、", start)
    path = tmp_path / "no_table4.txt"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = read_report(path)
    assert any(i.severity == "error" and "table 4" in i.message for i in report.issues)
    findings = audit_all([report]).findings
    assert findings[findings["rule"] == "sanity.blank_table"].empty


def test_missing_single_row_is_not_assessable():
    report = make_report(seed=7)
    t3 = report.table3
    report.table3 = t3[t3["row"] != "carried_forward"].reset_index(drop=True)
    f = audit(report)
    bal = f[f["rule"] == "t3.column_balance"]
    assert len(bal) == 7 and (bal["status"] == "not_assessable").all()
    assert "missing" in bal.iloc[0]["evidence"]


def test_negative_count_is_an_error_but_2019_items_change_may_be_negative():
    r21 = make_report("a", fmt="2021", seed=8)
    set_cell(r21, 2, "administrative_penalty", "decisions", -3)
    r19 = make_report("b", fmt="2019", seed=8, year=2020)
    set_cell(r19, 2, "administrative_licensing", "items_change", -2)
    f = audit([r21, r19])
    neg = f[f["rule"] == "sanity.negative"]
    assert list(zip(neg["report_id"], neg["row"], neg["column"], strict=True)) == [
        ("a", "administrative_penalty", "decisions")
    ]


def test_entirely_blank_table_is_flagged():
    report = make_report(seed=9)
    t4 = report.table4  # a view: edits reach the report only when assigned back
    t4["cell_status"] = "blank"
    t4["value"] = pd.NA
    report.table4 = t4
    f = audit(report)
    blank = f[f["rule"] == "sanity.blank_table"]
    assert list(blank["table"]) == [4]
    assert blank.iloc[0]["severity"] == "warning"


def test_factory_reports_are_consistent():
    rng_reports = [make_report(seed=s, fmt="2021") for s in range(5)]
    for r in rng_reports:
        t3 = r.table3.pivot(index="row", columns="applicant", values="value").astype(int)
        assert (t3[APPLICANTS].sum(axis=1) == t3["total"]).all()
        assert np.array_equal(
            (t3.loc["new_received"] + t3.loc["carried_over"]).to_numpy(),
            (t3.loc["total_processed"] + t3.loc["carried_forward"]).to_numpy(),
        )


def test_an_empty_batch_gives_empty_tables_with_their_columns():
    result = audit_all([])
    assert [len(df) for df in (result.findings, result.claims, result.checks)] == [0, 0, 0]
    assert list(result.findings.columns)[:4] == ["report_id", "rule", "severity", "status"]
    assert result.findings["table"].dtype == "Int64" and result.claims["offset"].dtype == "int64"


def test_the_tables_of_an_audit_have_the_dtypes_of_their_row_types():
    report = make_report(fmt="2021")
    set_cell(report, 3, "new_received", "natural_person", 999)
    result = audit_all([report])
    findings, checks = result.findings, result.checks
    assert len(findings) and findings["rule"].dtype == "str" and findings["expected"].dtype == "float64"
    assert checks["n_pass"].dtype == "int64" and set(checks["report_id"]) == {report.report_id}
    assert checks.groupby("rule")["n_fail"].sum()["t3.row_total"] >= 1


def test_the_audit_hands_its_reports_back_to_the_collector():
    import gc

    reports = [make_report(f"r{k}", fmt="2021", seed=k) for k in range(3)]
    before = gc.get_freeze_count()
    audit_all(reports)
    assert gc.get_freeze_count() == before == 0  # spared while it ran, not after
