"""Issuer → 行政区划 resolution, containment and the issuer table."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.regions import (
    FRAME_COLUMNS,
    Region,
    explain_issuer,
    latest_year,
    overrides_from_manifest,
    region_contains,
    regions_frame,
    resolve_code,
    resolve_issuer,
    selector_prefix,
)
from gongkai.regions.dataset import vintage
from gongkai.regions.resolve import region_of
from gongkai.regions.rules import aliases

JISHAN = Region("山西省", "运城市", "稷山县", "140824", "county")
GAOPING = Region("山西省", "晋城市", "高平市", "140581", "county")
JINCHENG = Region("山西省", "晋城市", None, "140500", "city")
JIYUAN = Region("河南省", None, "济源市", "419001", "county")
BOSHAN = Region("山东省", "淄博市", "博山区", "370304", "county")
PINGTAN = Region("福建省", "福州市", "平潭县", "350128", "county")
HUAIAN = Region("江苏省", "淮安市", None, "320800", "city")


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("稷山县人民政府", JISHAN),
        ("高平市人民政府办公室", GAOPING),
        ("晋城市人民政府", JINCHENG),
        ("济源市人民政府办公室", JIYUAN),
        ("淄博市博山区人民政府", BOSHAN),
        ("博山区人民政府", BOSHAN),
        ("平潭综合实验区管委会办公室", PINGTAN),
        ("淮安市人民政府", HUAIAN),
        ("山西省晋城市高平市人民政府", GAOPING),
        (" 稷山县 财政局 ", JISHAN),
        ("中共稷山县委办公室", JISHAN),
        ("国家税务总局稷山县税务局", JISHAN),
        ("山西省人民政府办公厅", Region("山西省", None, None, "140000", "province")),
    ],
)
def test_examples_resolve(issuer: str, expected: Region) -> None:
    assert resolve_issuer(issuer) == expected


def test_alias_note_is_reported() -> None:
    found = explain_issuer("平潭综合实验区管委会办公室")
    assert found.kind == "committee"
    assert "平潭县" in found.note


def test_township_resolves_to_its_county_with_a_note() -> None:
    found = explain_issuer("稷山县西社镇人民政府")
    assert found.region == JISHAN
    assert found.kind == "township"
    assert found.note


def test_township_named_like_a_district_elsewhere() -> None:
    # 城区 is a district of 晋城市 (and others), not of 稷山县: here it is part of a 街道 name
    found = explain_issuer("稷山县城区街道办事处")
    assert found.region == JISHAN and found.kind == "township"
    assert resolve_issuer("晋城市城区人民政府") == Region("山西省", "晋城市", "城区", "140502", "county")
    assert resolve_issuer("淄博市朝阳区财政局") is None


def test_municipality_district_has_the_municipality_as_city() -> None:
    assert resolve_issuer("北京市朝阳区人民政府") == Region("北京市", "北京市", "朝阳区", "110105", "county")
    assert resolve_issuer("北京市人民政府") == Region("北京市", None, None, "110000", "province")


def test_ambiguous_name_is_not_guessed() -> None:
    found = explain_issuer("朝阳区人民政府")
    assert found.region is None
    assert "ambiguous" in found.note
    assert "110105" in found.note and "220104" in found.note
    assert resolve_issuer("长春市朝阳区财政局") == Region("吉林省", "长春市", "朝阳区", "220104", "county")
    assert resolve_issuer("吉林省朝阳区人民政府") == resolve_issuer("长春市朝阳区人民政府")


def test_inconsistent_prefix_is_refused() -> None:
    found = explain_issuer("淄博市朝阳区人民政府")
    assert found.region is None
    assert "inconsistent" in found.note


@pytest.mark.parametrize("issuer", ["某某县财政局", "", "   ", "国务院办公厅"])
def test_unknown_names_are_none_with_a_note(issuer: str) -> None:
    found = explain_issuer(issuer)
    assert found.region is None
    assert found.note


def test_unrecognised_agency_suffix_is_refused() -> None:
    found = explain_issuer("稷山县人民政府某某")
    assert found.region is None
    assert "某某" in found.note


def test_old_name_resolves_in_its_vintage_and_is_hinted_otherwise() -> None:
    found = explain_issuer("会理县人民政府")
    assert found.region is None
    assert "2020" in found.note and "513425" in found.note
    old = resolve_issuer("会理县人民政府", year=2020)
    assert old is not None and old.code == "513425" and old.province == "四川省"
    assert resolve_issuer("会理市人民政府") is not None


def test_every_alias_points_at_a_current_division() -> None:
    for alias in aliases():
        region = resolve_issuer(alias.alias)
        assert region is not None and region.code == alias.division_code


def test_dataset_is_current_and_complete() -> None:
    v = vintage()
    assert latest_year() >= 2024
    levels = pd.Series([d.level for d in v.by_code.values()]).value_counts()
    assert levels["province"] == 34
    assert levels["city"] >= 330
    assert levels["county"] >= 2800
    # the 2024 Xinjiang changes are present
    assert resolve_issuer("和田地区和康县人民政府") is not None


@pytest.mark.parametrize("year", [2008, 2015, 2020, None])
def test_county_codes_share_their_city_prefix(year: int | None) -> None:
    """Containment by code prefix relies on this (true since 2000; reports start in 2008)."""
    for div in vintage(year).by_code.values():
        if div.level == "county" and div.city_code:
            assert div.code[:4] == div.city_code[:4], div
        assert div.code[:2] == div.province_code[:2], div


_DIVISIONS = sorted(vintage().by_code.values(), key=lambda d: d.code)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_DIVISIONS), st.sampled_from(["人民政府", "人民政府办公室", "财政局", ""]))
def test_full_path_always_resolves_to_that_division(div, suffix: str) -> None:
    region = region_of(div)
    assert resolve_issuer(region.path + suffix) == region
    assert resolve_code(div.code) == region
    assert region_contains(region.province, region)
    assert region_contains(div.code, region)


@pytest.mark.parametrize(
    ("selector", "inside", "outside"),
    [
        ("山西省", [JISHAN, GAOPING, JINCHENG], [BOSHAN, JIYUAN]),
        ("晋城市", [GAOPING, JINCHENG], [JISHAN, BOSHAN]),
        ("山西省晋城市", [GAOPING, JINCHENG], [JISHAN]),
        ("高平市", [GAOPING], [JINCHENG, JISHAN]),
        ("济源市", [JIYUAN], [BOSHAN]),
        ("河南省", [JIYUAN], [JISHAN]),
        ("平潭综合实验区", [PINGTAN], [JISHAN]),
        ("14", [JISHAN, GAOPING, JINCHENG], [BOSHAN]),
        ("1405", [GAOPING, JINCHENG], [JISHAN]),
        ("140500", [GAOPING, JINCHENG], [JISHAN]),
        ("140000", [JISHAN, GAOPING], [BOSHAN]),
        ("140581", [GAOPING], [JINCHENG]),
        ("4190", [JIYUAN], [JISHAN]),
    ],
)
def test_region_contains(selector: str, inside: list[Region], outside: list[Region]) -> None:
    for region in inside:
        assert region_contains(selector, region), (selector, region)
    for region in outside:
        assert not region_contains(selector, region), (selector, region)


def test_region_contains_accepts_a_region_and_rejects_none() -> None:
    assert region_contains(JINCHENG, GAOPING)
    assert not region_contains(GAOPING, JINCHENG)
    assert JINCHENG.contains(GAOPING)
    assert not region_contains("山西省", None)


@pytest.mark.parametrize("selector", ["朝阳区", "某某县", "140", "1405811", "晋城市人民政府"])
def test_bad_selectors_raise(selector: str) -> None:
    with pytest.raises(ValueError):
        selector_prefix(selector)


def test_regions_sort_by_code() -> None:
    assert sorted([BOSHAN, GAOPING, JINCHENG, JISHAN]) == [JINCHENG, GAOPING, JISHAN, BOSHAN]


def test_regions_frame_keeps_every_issuer_in_order() -> None:
    issuers = ["稷山县人民政府", "朝阳区人民政府", "某某县财政局", "济源市人民政府办公室"]
    frame = regions_frame(issuers)
    assert list(frame.columns) == FRAME_COLUMNS
    assert frame["issuer"].tolist() == issuers
    assert frame["resolved"].tolist() == [True, False, False, True]
    assert frame.loc[0, "division_code"] == "140824"
    assert frame.loc[3, "province"] == "河南省" and pd.isna(frame.loc[3, "city"])
    assert frame.loc[1, "note"].startswith("ambiguous")
    assert frame.loc[2, "note"]
    assert frame.loc[[1, 2], ["province", "division_code", "level"]].isna().all().all()


def test_regions_frame_overrides() -> None:
    frame = regions_frame(
        ["某某县财政局", "朝阳区人民政府", "稷山县人民政府", "博山区人民政府", "高平市人民政府"],
        {
            "某某县财政局": "140824",
            "朝阳区人民政府": "999999",
            "稷山县人民政府": "140581",
            "博山区人民政府": "",
            "高平市人民政府": "140581.0",
        },
    )
    assert frame["resolved"].tolist() == [True, False, True, True, True]
    assert frame.loc[0, "county"] == "稷山县" and frame.loc[0, "note"] == "override"
    assert "999999" in frame.loc[1, "note"]
    assert frame.loc[2, "county"] == "高平市" and "稷山县" in frame.loc[2, "note"]
    assert frame.loc[3, "county"] == "博山区" and frame.loc[3, "note"] == ""
    assert frame.loc[4, "division_code"] == "140581"


def test_overrides_from_manifest(tmp_path) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text(
        "report_id,issuer,division_code\na,某某县财政局,140824\nb,稷山县人民政府,\nc,某某县财政局,140824\n",
        encoding="utf-8",
    )
    assert overrides_from_manifest(path) == {"某某县财政局": "140824"}
    assert overrides_from_manifest(pd.DataFrame({"issuer": ["x"]})) == {}
    clash = pd.DataFrame({"issuer": ["x", "x"], "division_code": ["140824", "140581"]})
    with pytest.raises(ValueError):
        overrides_from_manifest(clash)
