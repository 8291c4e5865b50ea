"""The four department crawls of the shared corpus: cell-exact against the hand-made truth, and the table
identity results their README states (column balance fails for 自然人 and 总计 in gaj 2021 and jjf 2023)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gongkai import read_report
from gongkai.rules import audit_all

from conftest import FIXTURES

CORPUS = FIXTURES / "corpus"
NAMES = ("pingtan_gaj_2021", "pingtan_jjf_2023", "pingtan_hzs_2023", "pingtan_jjf_2020")
KEYS = {2: ("category", "measure"), 3: ("row", "applicant"), 4: ("proceeding", "outcome")}
TABLE_FAILS = {
    "pingtan_gaj_2021": {("t3.column_balance", "natural_person"), ("t3.column_balance", "total")},
    "pingtan_jjf_2023": {("t3.column_balance", "natural_person"), ("t3.column_balance", "total")},
    "pingtan_hzs_2023": set(),
    "pingtan_jjf_2020": set(),
}


@pytest.fixture(scope="module", params=NAMES)
def parsed(request):
    name = request.param
    return name, read_report(CORPUS / f"{name}_crawl.txt", report_id=name)


def test_every_cell_equals_the_truth(parsed) -> None:
    name, report = parsed
    for table, (a, b) in KEYS.items():
        truth = pd.read_csv(CORPUS / "truth" / f"{name}.table{table}.csv")
        truth = truth.rename(columns={"item": "category"}) if table == 2 else truth
        got = getattr(report, f"table{table}").set_index([a, b])["value"]
        for row in truth.itertuples(index=False):
            key = (getattr(row, a), getattr(row, b))
            want, have = row.value, got.loc[key]
            assert (pd.isna(want) and pd.isna(have)) or float(want) == float(have), (name, table, key)
        assert len(got) == len(truth), (name, table)


def test_table_identities_give_what_the_readme_states(parsed) -> None:
    name, report = parsed
    result = audit_all([report])
    f = result.findings[result.findings["rule"].str.match(r"t[34]\.")]
    assert set(f["status"]) <= {"fail"}  # every identity assessable: the cuts were forced by the digits
    assert set(zip(f["rule"], f["column"], strict=True)) == TABLE_FAILS[name]
    checks = result.checks.set_index("rule")
    assert checks.loc[["t3.column_balance", "t3.row_total", "t3.outcome_total", "t4.proceeding_total"],
                      "n_not_assessable"].sum() == 0  # fmt: skip
    assert result.findings.query("rule == 'sanity.blank_table'").empty


def test_how_each_cut_was_settled_is_recorded(parsed) -> None:
    name, report = parsed
    assert set(report.table3["inferred_by"]) == {"digits"}
    t2 = report.table2.set_index(["category", "measure"])
    if name == "pingtan_hzs_2023":  # 5416: 5|4|16, 5|41|6 or 54|1|6; the narrative states 16 and 5
        assert set(t2.loc["normative_document", "inferred_by"]) == {"narrative"}
    if name == "pingtan_jjf_2020":  # "规范性文件 10 10 10": the spaces are separators
        assert t2.loc["normative_document", "value"].tolist() == [10, 10, 10]
        assert set(t2.loc["normative_document", "inferred_by"]) == {"digits"}
    assert report.status == "ok"


def _without_narrative_figures(tmp_path, name: str) -> Path:
    text = (CORPUS / f"{name}_crawl.txt").read_text(encoding="utf-8")
    text = text.replace("现行有效的规范性文件16件", "现行有效的规范性文件").replace(
        "制定规范性文件5件", "制定规范性文件"
    )
    path = tmp_path / f"{name}_crawl.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _with_in_force(report, value: float):
    """The report with its table 2 规范性文件 / 现行有效 cell set to ``value``."""
    cells = report.cells(2)
    keys = list(zip(*cells.template.key_values, strict=True))
    at = next(p for p, k in enumerate(keys) if k[1:3] == ("normative_document", "in_force"))
    record = cells.records[at]._replace(value=value, raw=f"{value:g}", cell_status="number", inferred_by="")
    report.table2 = cells.replace(keys[at], record)
    return report


def test_without_the_narrative_the_run_is_left_unsplit_and_reported(tmp_path) -> None:
    report = read_report(_without_narrative_figures(tmp_path, "pingtan_hzs_2023"))
    t2 = report.table2.set_index(["category", "measure"])
    assert set(t2.loc["normative_document", "cell_status"]) == {"missing"}
    assert any(i.severity == "error" and "5416" in i.message and "left unsplit" in i.message for i in report.issues)


def test_the_previous_report_settles_a_run_the_narrative_does_not(tmp_path) -> None:
    """Rung 4: last year's 现行有效 15 + 本年制发 − 本年废止 must be this year's 现行有效: only 5|4|16 fits."""
    previous = _with_in_force(read_report(CORPUS / "pingtan_hzs_2023_crawl.txt"), 15)
    report = read_report(_without_narrative_figures(tmp_path, "pingtan_hzs_2023"), previous=previous)
    t2 = report.table2.set_index(["category", "measure"])
    assert t2.loc["normative_document", "value"].tolist() == [5, 4, 16]
    assert set(t2.loc["normative_document", "inferred_by"]) == {"previous_year"}
    # a previous report that no cut continues settles nothing: unsplit, never guessed
    unfit = _with_in_force(read_report(CORPUS / "pingtan_hzs_2023_crawl.txt"), 100)
    report = read_report(_without_narrative_figures(tmp_path, "pingtan_hzs_2023"), previous=unfit)
    assert set(report.table2.set_index(["category", "measure"]).loc["normative_document", "cell_status"]) == {"missing"}


def test_cells_settled_by_the_narrative_are_set_aside_for_per_cell_rules() -> None:
    from gongkai.rules.gridbatch import report_grids

    report = read_report(CORPUS / "pingtan_hzs_2023_crawl.txt")
    grid = report_grids(report).t2
    assert grid.value("normative_document", "in_force") is None  # the narrative chose it: it cannot judge it
    assert grid.value("regulation", "in_force") == 0  # forced by the digits: a number like any other
    assert "by narrative" in grid.describe("normative_document", "in_force")
