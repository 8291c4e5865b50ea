"""Narrative claims on real department reports and the 平潭 2023 page read as a person reads them.

The department crawls (``fixtures/departments``) run their table cells together; which cells the
parser recovers is the run-together stage's business (another branch). These tests take the
narrative from the crawl as parsed and the cells from the hand-made truth CSVs beside it, so they
assert what the claims rules conclude *given the cells*, whatever the parser recovers today.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from gongkai import read_report
from gongkai.report import Report
from gongkai.rules import audit_all

from audit_factories import make_report, set_cell

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEPARTMENTS = FIXTURES / "departments"


def _truth(name: str, table: int) -> dict[tuple[str, str], int]:
    with (DEPARTMENTS / f"{name}.table{table}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    return {(r[0], r[1]): int(r[2]) for r in rows}


def department(name: str) -> Report:
    """The crawl's narrative and metadata, with the cells of its truth CSVs."""
    parsed = read_report(DEPARTMENTS / f"{name}_crawl.txt", report_id=name)
    fmt = "2019" if parsed.year is not None and parsed.year < 2021 else "2021"
    report = make_report(
        name,
        fmt=fmt,
        issuer=parsed.issuer or "",
        year=parsed.year,
        sections=parsed.sections,
        t2=_truth(name, 2),
        t3=_truth(name, 3),
        t4=_truth(name, 4),
    )
    report.title = parsed.title
    return report


def claims_of(report: Report) -> tuple[pd.DataFrame, pd.DataFrame]:
    result = audit_all([report])
    return result.claims, result.findings[result.findings["rule"] == "claim.count"]


def test_jjf_2023_zero_applications_in_tiao_disagrees_with_new_received() -> None:
    claims, findings = claims_of(department("pingtan_jjf_2023"))
    counts = claims[claims["kind"] == "count"]
    assert list(zip(counts["value"], counts["unit"], counts["status"], strict=True)) == [(0.0, "条", "mismatch")]
    row = counts.iloc[0]
    assert (row["matched_row"], row["matched_column"], row["table_value"]) == ("new_received", "total", 3.0)
    assert list(findings["status"]) == ["fail"]
    assert "共收到政府信息公开申请0条" in findings.iloc[0]["evidence"]
    # 依申请公开130条 / 不予公开55条 count information items, not applications: no claim at all
    assert not counts["sentence"].str.contains("依申请公开130条").any()


def test_jjf_2020_items_published_on_request_are_no_claim() -> None:
    claims, findings = claims_of(department("pingtan_jjf_2020"))
    assert not (claims["kind"] == "count").any()
    assert findings.empty


def test_hzs_2023_applications_from_citizens_and_organisations_are_the_total() -> None:
    claims, findings = claims_of(department("pingtan_hzs_2023"))
    received = claims[(claims["value"] == 7) & claims["sentence"].str.startswith("收到公民")]
    assert list(received["matched_row"]) == ["new_received", "total_processed"]
    assert set(received["matched_column"]) == {"total"}
    assert set(received["status"]) == {"match"}
    assert not (claims["status"] == "mismatch").any()
    assert (findings["status"] != "fail").all()


def test_gaj_2021_no_false_alarm() -> None:
    claims, findings = claims_of(department("pingtan_gaj_2021"))
    assert not (claims["status"] == "mismatch").any()
    received = claims[claims["sentence"].str.contains("收到政府信息公开申请1件")]
    assert list(received["status"])[:1] == ["match"]
    assert (findings["status"] != "fail").all()


@pytest.fixture(scope="module")
def pingtan_2023() -> pd.DataFrame:
    return audit_all([read_report(FIXTURES / "crawl" / "pingtan_2023.html")]).claims


def test_pingtan_2023_has_no_mismatch(pingtan_2023: pd.DataFrame) -> None:
    assert not (pingtan_2023["status"] == "mismatch").any()


def test_two_rows_named_together_are_compared_with_their_sum(pingtan_2023: pd.DataFrame) -> None:
    row = pingtan_2023[(pingtan_2023["kind"] == "count") & (pingtan_2023["value"] == 42)].iloc[0]
    assert (row["matched_row"], row["table_value"], row["status"]) == ("granted+partially_granted", 42.0, "match")
    share = pingtan_2023[(pingtan_2023["kind"] == "share") & (pingtan_2023["value"] == 51.85)].iloc[0]
    assert share["status"] == "match"


def test_figures_of_one_sentence_adding_up_to_the_cell_are_not_a_disagreement(pingtan_2023: pd.DataFrame) -> None:
    row = pingtan_2023[pingtan_2023["value"] == 393].iloc[0]
    assert row["status"] == "unmatched"
    assert row["note"].startswith("393 + 77 = 470")


def _t3(report: Report, row: str, col: str) -> int:
    df = report.table3
    return int(df[(df["row"] == row) & (df["applicant"] == col)]["value"].iloc[0])


def test_a_blank_total_is_compared_as_the_sum_of_its_parts() -> None:
    report = make_report(seed=5)
    parts = _t3(report, "new_received", "total")
    set_cell(report, 3, "new_received", "total", value=None, status="blank")
    report.sections = {"三": f"本年度共收到政府信息公开申请{parts}件。"}
    claims, findings = claims_of(report)
    assert list(claims["status"]) == ["match"]
    assert "new_received/total blank; sum of" in claims.iloc[0]["note"]

    report.sections = {"三": f"本年度共收到政府信息公开申请{parts + 5}件。"}
    claims, findings = claims_of(report)
    assert list(claims["status"]) == ["mismatch"]
    assert list(findings["status"]) == ["fail"]
    assert "sum of the new_received cells of natural_person" in findings.iloc[0]["evidence"]
    assert f"= {parts}" in findings.iloc[0]["message"]


def test_a_blank_total_with_a_blank_part_stays_not_assessable() -> None:
    report = make_report(seed=5)
    set_cell(report, 3, "new_received", "total", value=None, status="blank")
    set_cell(report, 3, "new_received", "natural_person", value=None, status="blank")
    report.sections = {"三": "本年度共收到政府信息公开申请999件。"}
    claims, findings = claims_of(report)
    assert list(claims["status"]) == ["unmatched"]
    assert list(findings["status"]) == ["not_assessable"]


@pytest.mark.parametrize(
    ("phrase", "row"),
    [
        ("同意公开答复{n}件", "granted"),
        ("部分公开答复{n}件", "partially_granted"),
        ("不予公开答复{n}件", "denied_*"),
    ],
)
def test_reply_phrases_name_their_outcome_row(phrase: str, row: str) -> None:
    report = make_report(seed=7)
    df = report.table3
    rows = df[df["applicant"] == "total"]
    value = int(rows[rows["row"].str.fullmatch(row.replace("*", ".*"))]["value"].sum())
    report.sections = {"三": "本年度办理政府信息公开申请，" + phrase.format(n=value) + "。"}
    claims, _ = claims_of(report)
    assert list(claims["matched_row"]) == [row]
    assert list(claims["status"]) == ["match"]


def test_applications_counted_in_ge_or_ci_are_counts_but_other_items_are_not() -> None:
    report = make_report(seed=7)
    n = _t3(report, "new_received", "total")
    report.sections = {"三": f"全年共收到政府信息公开申请{n}个。依申请公开信息{n + 1}条，主动公开信息40条。"}
    claims, _ = claims_of(report)
    assert list(zip(claims["unit"], claims["status"], strict=True)) == [("个", "match")]


def test_review_and_litigation_named_together_are_summed() -> None:
    report = make_report(seed=9)
    df = report.table4
    total = int(df[df["outcome"] == "total"]["value"].sum())
    report.sections = {"四": f"本年度发生政府信息公开行政复议和行政诉讼{total}件。"}
    claims, findings = claims_of(report)
    assert list(claims["matched_row"]) == ["administrative_review+litigation_direct+litigation_after_review"]
    assert list(claims["status"]) == ["match"]
    report.sections = {"四": f"本年度发生政府信息公开行政复议和行政诉讼{total + 1}件。"}
    claims, findings = claims_of(report)
    assert list(claims["status"]) == ["mismatch"]
    assert list(findings["status"]) == ["fail"]
