"""The analysis layer behind the notebooks: loading, regions, table 3 view, trends."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from gongkai.analysis import sample
from gongkai.analysis.data import load_table
from gongkai.analysis.region_data import load_region
from gongkai.analysis.selection import RegionNotFound, find_region, list_regions, select_reports
from gongkai.analysis.table3_view import table3_grid, table3_html
from gongkai.analysis.trends import Thresholds, _judge, detect_trends, report_figures


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory):
    return sample.build_sample(tmp_path_factory.mktemp("sample"))


def test_csv_and_parquet_load_alike(processed, tmp_path):
    csv_only = tmp_path / "csv"
    csv_only.mkdir()
    for f in processed.glob("*.csv"):
        (csv_only / f.name).write_bytes(f.read_bytes())
    a = load_table(processed, "table3")
    b = load_table(csv_only, "table3")
    pd.testing.assert_frame_equal(a, b)
    reports = load_table(csv_only, "reports")
    assert reports["division_code"].map(type).eq(str).all()  # a code is text, not a number


def test_missing_table_loads_empty_with_columns(tmp_path):
    df = load_table(tmp_path, "claims")
    assert df.empty and "matched_row" in df.columns


def test_city_includes_its_counties(processed):
    reports = load_table(processed, "reports")
    _, picked = select_reports(reports, "晋城市")
    assert set(picked["issuer"]) == {"晋城市人民政府", "高平市人民政府办公室"}
    _, province = select_reports(reports, "山西省")
    assert "稷山县人民政府" in set(province["issuer"]) and len(province) == 11
    _, jiyuan = select_reports(reports, "济源市")  # a county-level city directly under 河南省
    assert set(jiyuan["issuer"]) == {"济源市人民政府办公室"} and len(jiyuan) == 3
    _, county = select_reports(reports, "山西省/晋城市/高平市")
    assert set(county["issuer"]) == {"高平市人民政府办公室"}


def test_region_slugs_are_ascii_and_unique(processed):
    regions = list_regions(load_table(processed, "reports"))
    assert regions["slug"].is_unique
    assert all(s.isascii() for s in regions["slug"])
    assert find_region(regions, "city-140500").name == "晋城市"


def test_ambiguous_region_name_is_refused():
    reports = pd.DataFrame(
        {
            "province": ["吉林省", "北京市"],
            "city": ["长春市", "北京市"],
            "county": ["朝阳区", "朝阳区"],
            "division_code": ["220104", "110105"],
        }
    )
    with pytest.raises(RegionNotFound, match="ambiguous"):
        find_region(list_regions(reports), "朝阳区")
    assert find_region(list_regions(reports), "北京市/北京市/朝阳区").code == "110105"


def test_unknown_region_loads_empty(processed):
    data = load_region(processed, "朔州市")
    assert data.empty and "朔州市" in data.note


def test_unknown_region_names_the_nearest(processed):
    regions = list_regions(load_table(processed, "reports"))
    with pytest.raises(RegionNotFound, match="did you mean 晋城市"):
        find_region(regions, "晋成市")


def test_sample_findings_are_what_the_pipeline_produces(processed):
    """The planted cell gives exactly the two failures the audit finds, named as the rules name them."""
    f = load_table(processed, "findings")
    fails = f[f["status"] == "fail"]
    assert sorted(fails["rule"]) == ["t3.outcome_total", "t3.row_total"]
    assert set(fails["table"]) == {3}
    assert set(fails["difference"]) == {-float(sample.PLANTED_DELTA)}
    assert set(fails["row_label"]) == {"（一）予以公开", "（七）总计"}
    # the chained years make every cross-year check that can be made pass
    checks = load_table(processed, "checks")
    assert checks.loc[checks["rule"] == "xy.carry_over", "n_fail"].sum() == 0
    assert checks.loc[checks["rule"] == "xy.carry_over", "n_pass"].sum() > 0


def _planted(processed):
    data = load_region(processed, "高平市")
    rid = data.reports.loc[data.reports["year"] == sample.PLANTED_YEAR, "report_id"].iloc[0]
    return data.tables.for_report(rid)


def test_planted_cell_is_highlighted(processed):
    part = _planted(processed)
    doc = lxml_html.fromstring(table3_html(part.table3, part.findings))
    suspect = doc.xpath('//td[contains(concat(" ", @class, " "), " gk-suspect ")]')
    failing = doc.xpath('//td[contains(concat(" ", @class, " "), " gk-fail ")]')
    t3 = part.table3
    row, col = sample.PLANTED_CELL
    value = t3.loc[(t3["row"] == row) & (t3["applicant"] == col), "value"].iloc[0]
    assert [td.text_content().strip() for td in suspect] == [str(value)]
    assert len(failing) == 2  # the row total and the column's outcome total


def test_clean_report_has_no_highlight(processed):
    data = load_region(processed, "博山区")
    part = data.tables.for_report(data.reports["report_id"].iloc[0])
    doc = lxml_html.fromstring(table3_html(part.table3, part.findings))
    assert not doc.xpath('//td[contains(@class, "gk-fail") or contains(@class, "gk-suspect")]')


def test_blank_and_dash_are_not_zero():
    t3 = pd.DataFrame(
        [
            {
                "row": "granted",
                "applicant": "natural_person",
                "value": pd.NA,
                "raw": "",
                "cell_status": "blank",
            },
            {"row": "granted", "applicant": "total", "value": pd.NA, "raw": "/", "cell_status": "dash"},
        ]
    )
    text, css = table3_grid(t3, "2021")
    assert text.iloc[2, 0] == "空" and css.iloc[2, 0] == "gk-blank"
    assert text.iloc[2, 6] == "/" and css.iloc[2, 6] == "gk-dash"
    assert len(text) == 25 and text.iloc[0, 0] == "缺"  # absent cells are shown as missing


def test_2019_layout_has_single_other_row():
    t3 = pd.DataFrame(
        [{"row": "other_handling", "applicant": "total", "value": 1, "raw": "1", "cell_status": "number"}]
    )
    text, _ = table3_grid(t3)
    assert len(text) == 23


def test_figure_needing_a_blank_cell_is_na(processed):
    data = load_region(processed, "博山区")
    tables = data.tables
    before = report_figures(tables).iloc[0]
    hit = (tables.table3["row"] == "denied_state_secret") & (tables.table3["applicant"] == "total")
    tables.table3.loc[hit, ["value", "raw", "cell_status"]] = [pd.NA, "", "blank"]
    after = report_figures(tables).iloc[0]
    assert not math.isnan(before["share_denied"]) and math.isnan(after["share_denied"])
    assert after["share_granted"] == before["share_granted"]  # other figures are unaffected


def test_trends_name_both_years(processed):
    data = load_region(processed, "晋城市")
    trends = detect_trends(report_figures(data.tables), Thresholds(growth_factor=1.2, share_points=5))
    assert not trends.empty
    growth = trends[trends["rule"].isin(["growth", "shrink"])]
    assert (growth["year_to"] > growth["year_from"]).all()
    assert growth[["value_from", "value_to"]].notna().all().all()


def test_single_year_region_has_no_change_trends(processed):
    data = load_region(processed, "博山区")
    trends = detect_trends(report_figures(data.tables), Thresholds(growth_factor=1.01, share_points=0.1))
    assert set(trends["rule"]) <= {"correction_rate"}


counts = st.floats(min_value=0, max_value=1e5, allow_nan=False)


@given(v0=counts, v1=counts, factor=st.floats(min_value=1.1, max_value=10))
def test_growth_rule(v0, v1, factor):
    th = Thresholds(growth_factor=factor, min_count=10)
    hit = _judge("count", v0, v1, th)
    if max(v0, v1) < 10:
        assert hit is None
    elif v0 == 0:
        assert hit == ("growth", math.inf)
    else:
        ratio = v1 / v0
        expected = "growth" if ratio > factor else "shrink" if ratio < 1 / factor else None
        assert (hit[0] if hit else None) == expected


@given(v0=st.floats(0, 100), v1=st.floats(0, 100), points=st.floats(1, 50))
def test_share_rule(v0, v1, points):
    hit = _judge("share", v0, v1, Thresholds(share_points=points))
    assert (hit is not None) == (abs(v1 - v0) > points)


def test_na_never_flags():
    th = Thresholds()
    assert _judge("count", math.nan, 1000.0, th) is None
    assert _judge("share", 10.0, math.nan, th) is None
    assert _judge("rate", 0.0, math.nan, th) is None
    assert _judge("rate", math.nan, 25.0, th) == ("correction_rate", 25.0)


def test_every_report_lands_in_a_region_page():
    """A report whose issuer could not be placed is on the 未定位地区 page, with its findings counted."""
    from gongkai.analysis.overview import region_summary
    from gongkai.analysis.selection import UNPLACED

    reports = pd.DataFrame(
        {
            "report_id": ["a", "b"],
            "issuer": ["晋城市人民政府", "某某委员会"],
            "year": [2024, 2024],
            "province": ["山西省", None],
            "city": ["晋城市", None],
            "county": [None, None],
            "division_code": ["140500", None],
        }
    )
    regions = list_regions(reports)
    assert UNPLACED in set(regions["key"])
    _, picked = select_reports(reports, UNPLACED)
    assert list(picked["report_id"]) == ["b"]
    findings = pd.DataFrame({"report_id": ["b"], "status": ["fail"], "severity": ["error"]})
    summary = region_summary(reports, findings).set_index("key")
    assert summary.loc[UNPLACED, "error"] == 1 and summary.loc["山西省", "error"] == 0


def test_source_links_cite_line_page_and_cell():
    from gongkai.analysis.sources import ref_zh, source_href, source_slug

    slug = source_slug("x/jishan_<svg onload=1>.txt")
    assert slug.isascii() and slug.isalnum()
    assert source_href("../sources", "a.txt", "raw/a.txt", 12) == f"../sources/{source_slug('a.txt')}.html#L12"
    assert source_href("s", "b.pdf", "raw/b.pdf", None, "page 4 table 1 row 2 cell 3").endswith(".pdf#page=4")
    assert source_href("s", "c.docx", "raw/c.docx", None, "table 3 row 5 cell 2").endswith(".docx")
    assert ref_zh("table 2 row 4 cell 2") == "第2个表格 第4行 第2格"
    assert ref_zh("page 4 line 7") == "第4页 第7行"
    assert ref_zh("line 10, char 1234") == "第10行 第1234字"


def test_glob_rows_and_cells_are_labelled_as_printed():
    from gongkai.dataset.labels import cell_label, label

    assert label("table3_row", "denied_*") == "（三）不予公开"
    assert label("table3_row", "unavailable_*") == "（四）无法提供"
    assert cell_label(2, "row", "normative_document") == "行政规范性文件"
    assert cell_label(2, "column", "issued") == "本年制发件数"
    assert cell_label(4, "row", "litigation_direct") == "行政诉讼 / 未经复议直接起诉"
    assert cell_label(None, "row", "granted") is None  # no table, no guess
    assert label("rule", "t3.row_total") == "表三每行：总计＝六类申请人之和"


def test_trends_are_per_issuer_with_integer_ticks_and_a_fact_row_for_one_year(processed):
    from gongkai.analysis import fonts
    from gongkai.analysis import region_report as rr
    from gongkai.analysis.plots import series_figure

    fonts.use_cjk_font()
    one_year = rr.build_audit(load_region(processed, "博山区"))
    html = rr.trends_html(one_year)
    assert "gk-fact" in html and "<img" not in html and "无法比较年度变化" in html
    audit = rr.build_audit(load_region(processed, "晋城市"))
    fig, alt = series_figure(audit.figures)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2  # 晋城市 and 高平市: two lines, never one sum
    assert {line.get_label() for line in ax.get_lines()} == {"晋城市人民政府", sample.PLANTED_ISSUER}
    assert all(float(t).is_integer() for t in ax.get_yticks())
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert "晋城市人民政府" in alt
    assert 'alt="' in rr.trends_html(audit)


def test_year_against_year_marks_the_changes(processed):
    from gongkai.analysis.compare import issuer_comparisons

    data = load_region(processed, "高平市")
    [block] = issuer_comparisons(data.tables)
    assert block["years"] == [2020, 2021, 2022, 2023, 2024]
    new = next(r for r in block["rows"] if r["label"] == "一、本年新收政府信息公开申请数量")
    t3 = data.tables.table3
    values = t3[(t3["row"] == "new_received") & (t3["applicant"] == "total")].merge(
        data.reports[["report_id", "year"]], on="report_id"
    ).sort_values("year")["value"].tolist()
    for cell, prev, cur in zip(new["cells"][1:], values[:-1], values[1:], strict=True):
        if cur != prev:
            assert cell["css"] == ("gk-up" if cur > prev else "gk-down")
    checks = [r for r in block["rows"] if r["check"]]
    carry = next(r for r in checks if "上年结转" in r["label"])
    assert [c["text"] for c in carry["cells"]] == ["无法判断", "通过", "通过", "通过", "通过"]
