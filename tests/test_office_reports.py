"""Word and PDF reports parse as exactly as the text layouts: the seed values, the real 淮安 PDF."""

from __future__ import annotations

import pandas as pd
import pytest

from gongkai import read_report
from gongkai.rules import audit_all

from conftest import FIXTURES

KEYS = {"table2": ["category", "measure"], "table3": ["row", "applicant"], "table4": ["proceeding", "outcome"]}


def _expected(seed: str, table: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "expected" / seed / f"{table}.csv")


@pytest.mark.parametrize(
    ("fixture", "seed"),
    [
        ("seed_000.docx", "jincheng_2024"),
        ("seed_003.docx", "jiyuan_2024"),
        ("seed_004.docx", "boshan_2024"),
        ("seed_003.pdf", "jiyuan_2024"),
        ("edge_table3_page_break.pdf", "jiyuan_2024"),
    ],
)
def test_office_fixture_has_the_seed_values(fixture, seed):
    report = read_report(FIXTURES / fixture)
    assert report.status == "ok", report.message
    assert report.layout == ("docx_table" if fixture.endswith(".docx") else "pdf_table")
    assert report.format == "2021"
    for table, keys in KEYS.items():
        actual, expected = getattr(report, table), _expected(seed, table)
        assert actual[keys].values.tolist() == expected[keys].values.tolist()
        assert actual["value"].astype(float).tolist() == expected["value"].astype(float).tolist(), table
        assert set(actual["cell_status"]) == {"number"}


def test_docx_blank_cell_under_a_merged_group_label_stays_blank():
    report = read_report(FIXTURES / "edge_vmerge_blank.docx")
    t3 = report.table3
    blank = t3[t3["cell_status"] == "blank"]
    assert len(blank) == 1 and blank["value"].isna().all()
    assert report.status == "ok"


def test_huaian_pdf_tables_and_narrative():
    report = read_report(FIXTURES / "huaian_2024.pdf")
    assert (report.issuer, report.year, report.format, report.status) == ("淮安市人民政府", 2024, "2021", "ok")
    expected = pd.read_csv(FIXTURES / "huaian_2024_table3.csv")
    t3 = report.table3.pivot(index="row", columns="applicant", values="value")
    cols = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_organization",
            "legal_service_organization", "other_organization", "total"]  # fmt: skip
    for row, values in zip(expected["row"], expected["values"], strict=True):
        assert t3.loc[row, cols].tolist() == [int(v) for v in values.split()], row
    result = audit_all([report])
    assert (result.findings["status"] == "fail").sum() == 0
    claims = result.claims.set_index("value")
    for figure, row in ((3119, "new_received"), (3050, "total_processed"), (34, "carried_over")):
        assert claims.loc[figure, "status"] == "match" and claims.loc[figure, "matched_row"] == row
    litigation = result.claims[result.claims["matched_row"] == "litigation_direct+litigation_after_review"]
    assert set(litigation["status"]) == {"match"} and len(litigation) == 5  # 46 split by outcome over both kinds


def test_word_and_pdf_cells_point_at_their_place():
    docx = read_report(FIXTURES / "seed_003.docx").table3
    assert docx["source_ref"].str.fullmatch(r"table \d+ row \d+ cell \d+").all()
    pdf = read_report(FIXTURES / "huaian_2024.pdf").table3
    assert pdf["source_ref"].str.startswith("page ").all()
    assert set(pdf["source_ref"].str.extract(r"^page (\d+)")[0].astype(int)) == {4, 5}  # table 3 spans pages 4–5
