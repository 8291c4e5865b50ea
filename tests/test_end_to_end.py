"""End to end on the bundled sample data: raw reports → build → audit notebooks → offline site.

A copy of data/raw gets one planted inconsistency (晋城 2024, 予以公开 by 自然人: 221 → 231), which must
show as the highlighted suspect cell of 晋城市's page, and nowhere else.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lxml import html as lxml_html

from gongkai.cli import main

from conftest import RAW


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("e2e")
    raw = root / "raw"
    shutil.copytree(RAW, raw)
    seed = raw / "jincheng_2024.txt"
    seed.chmod(0o644)
    lines = seed.read_text(encoding="utf-8").split("\n")
    i = lines.index("(一)予以公开") + 2
    assert lines[i] == "221"
    lines[i] = "231"
    seed.write_text("\n".join(lines), encoding="utf-8")
    processed, out = root / "processed", root / "reports"
    assert main(["build", str(raw), str(processed)]) == 0
    code = main(["audit", "--all", "--processed", str(processed), "--out", str(out), "--jobs", "2", "--quiet"])
    assert code == 0
    return processed, out


def _doc(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_text("utf-8"))


def test_every_region_of_the_sample_has_its_page_and_links_resolve(site):
    _, out = site
    index = _doc(out / "index.html")
    regions = index.xpath("//tr[@data-region]/@data-region")
    assert {"山西省/晋城市", "山西省/晋城市/高平市", "山西省/运城市/稷山县", "山东省/淄博市/博山区", "河南省"} <= set(
        regions
    )
    assert "河南省/济源市" in regions  # 济源市 lies directly under its province: it has its page
    hrefs = index.xpath("//a[@href]/@href")
    for href in hrefs:
        assert not urlparse(href).scheme and (out / unquote(href.split("#")[0])).exists(), href


def test_planted_inconsistency_is_the_highlighted_cell(site):
    _, out = site
    page = _doc(out / "regions" / "city-140500.html")
    suspects = page.xpath('//td[contains(concat(" ", @class, " "), " gk-suspect ")]')
    assert [td.text_content().strip() for td in suspects] == ["231"]
    jincheng_row = next(r for r in _doc(out / "index.html").xpath("//tr[@data-region]")
                        if r.get("data-region") == "山西省/晋城市")  # fmt: skip
    errors = int(jincheng_row.xpath("td")[3].text_content().removesuffix(" 条"))
    assert errors == 2  # the row total of 予以公开 and the outcome total of the 自然人 column
    clean = _doc(out / "regions" / "county-370304.html")
    assert not clean.xpath('//td[contains(@class, "gk-suspect") or contains(@class, "gk-fail")]')
