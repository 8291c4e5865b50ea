"""One issuer, one series, whatever it is called: names linked by division code and normalised body."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gongkai import read_report
from gongkai.parse.metadata import choose_issuer
from gongkai.report import Report
from gongkai.rules import audit_all, series_links
from gongkai.rules.series import assign_series, normalise_body

from audit_factories import make_report, next_year

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _findings(reports: list[Report], manifest: pd.DataFrame | None = None) -> pd.DataFrame:
    return audit_all(reports, manifest).findings


def test_pingtan_committee_and_its_office_are_one_series_from_2022_to_2023() -> None:
    page = read_report(FIXTURES / "crawl" / "pingtan_2023.html")
    assert page.issuer == "平潭综合实验区管委会办公室"
    earlier = make_report("pingtan_2022", issuer="平潭综合实验区管委会", year=2022, seed=4)
    findings = _findings([earlier, page])
    mine = findings[findings["report_id"] == page.report_id]
    assert not mine["message"].str.contains("no 2022 report").any()  # the cross-year rules ran
    links = findings[findings["rule"] == "series.link"]
    assert len(links) == 1 and links.iloc[0]["severity"] == "info"
    message = links.iloc[0]["message"]
    assert "平潭综合实验区管委会办公室 (2023) is one series with 平潭综合实验区管委会 (2022)" in message
    assert list(assign_series([earlier, page], {}).ids) == ["平潭综合实验区管委会"] * 2


def test_a_name_with_the_parent_region_prefix_is_the_same_series() -> None:
    a = make_report("hz_2022", issuer="洪泽区人民政府", year=2022, seed=1)
    b = next_year(a, "hz_2023", seed=2, issuer="淮安市洪泽区人民政府")
    result = audit_all([a, b])
    carry = result.checks[(result.checks["report_id"] == "hz_2023") & (result.checks["rule"] == "xy.carry_over")]
    assert int(carry["n_pass"].iloc[0]) == 7  # every column checked against 2022, and holds
    links = series_links([a, b])
    assert list(links["kind"]) == ["link"]
    assert links.iloc[0]["division_code"] == "320813"
    assert "same division 320813 and body 人民政府" in links.iloc[0]["message"]


def test_an_office_publishing_beside_its_government_stays_its_own_series() -> None:
    gov = [make_report(f"gp_{y}", issuer="高平市人民政府", year=y, seed=y) for y in (2022, 2023)]
    office = make_report("gpo_2023", issuer="高平市人民政府办公室", year=2023, seed=9)
    ids = assign_series([*gov, office], {}).ids
    assert ids[0] == ids[1] == "高平市人民政府"
    assert ids[2] == "高平市人民政府办公室"
    assert series_links([*gov, office]).empty


def test_two_government_names_of_one_division_with_no_common_year_are_reported_with_the_fix() -> None:
    old = make_report("pt_2020", issuer="平潭县人民政府", year=2020, seed=1)
    new = make_report("pt_2022", issuer="平潭综合实验区管委会", year=2022, seed=2)
    findings = _findings([old, new])
    broken = findings[findings["rule"] == "series.broken"]
    assert len(broken) == 1 and broken.iloc[0]["severity"] == "warning"
    message = broken.iloc[0]["message"]
    assert "division 350128" in message and "series_id = 平潭县人民政府 in manifest.csv for pt_2022.txt" in message
    manifest = pd.DataFrame({"file": ["pt_2020.txt", "pt_2022.txt"], "series_id": ["平潭", "平潭"]})
    fixed = _findings([old, new], manifest)
    assert not (fixed["rule"] == "series.broken").any()
    assert list(assign_series([old, new], {"pt_2020.txt": "平潭", "pt_2022.txt": "平潭"}).ids) == ["平潭", "平潭"]


def test_different_departments_of_one_region_are_not_a_broken_series() -> None:
    a = make_report("gaj", issuer="平潭综合实验区公安局", year=2021, seed=1)
    b = make_report("jjf", issuer="平潭综合实验区经济发展局", year=2023, seed=2)
    assert series_links([a, b]).empty
    assert len(set(assign_series([a, b], {}).ids)) == 2


def test_body_spellings() -> None:
    assert normalise_body("管理委员会办公室") == "管委会办公室"
    assert normalise_body("政府办") == "人民政府办公室"
    assert normalise_body("人民政府办公厅") == "人民政府办公室"
    assert normalise_body("政府") == "人民政府"


def test_the_title_names_the_issuer_when_the_header_leaves_the_place_out(tmp_path: Path) -> None:
    crawl = (FIXTURES / "departments" / "pingtan_hzs_2023_crawl.txt").read_text(encoding="utf-8")
    assert "发布机构: \n" in crawl
    path = tmp_path / "hzs.txt"
    path.write_text(crawl.replace("发布机构: \n", "发布机构: 区行政审批局\n"), encoding="utf-8")
    assert read_report(path).issuer == "平潭综合实验区行政审批局"
    assert choose_issuer("博山区人民政府", "淄博市博山区人民政府2024年政府信息公开工作年度报告") == "博山区人民政府"
    assert choose_issuer("高平市人民政府办公室", "高平市2020年政府信息公开工作年度报告") == "高平市人民政府办公室"
    assert choose_issuer("市场监管局", "某市市场监管局2023年政府信息公开工作年度报告") == "市场监管局"



def test_broken_series_are_found_within_each_division_in_batch_order_and_never_across() -> None:
    # Two divisions, each with a government and a committee of no common year, interleaved in the batch,
    # and a government of a third division: two broken series, in the batch's order, none across divisions.
    reports = [
        make_report("pt_2020", issuer="平潭县人民政府", year=2020, seed=1),
        make_report("hz_2020", issuer="洪泽区人民政府", year=2020, seed=2),
        make_report("gp_2021", issuer="高平市人民政府", year=2021, seed=3),
        make_report("pt_2022", issuer="平潭综合实验区管委会", year=2022, seed=4),
        make_report("hz_2022", issuer="洪泽区管理委员会", year=2022, seed=5),
    ]
    broken = series_links(reports).query("kind == 'broken'")
    assert [(r.issuer, r.other, r.division_code) for r in broken.itertuples()] == [
        ("平潭综合实验区管委会", "平潭县人民政府", "350128"),
        ("洪泽区管理委员会", "洪泽区人民政府", "320813"),
    ]
