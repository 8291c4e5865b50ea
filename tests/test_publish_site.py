"""End to end: `gongkai audit` on the generated sample renders every region offline."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from lxml import html as lxml_html

from gongkai.analysis import sample
from gongkai.analysis.data import load_table
from gongkai.analysis.selection import list_regions
from gongkai.publish.cli import find_notebooks, main


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("site")
    processed = sample.write_processed(sample.make_sample(), root / "processed")
    out = root / "reports"
    code = main(["audit", "--all", "--processed", str(processed), "--out", str(out), "--jobs", "2", "--quiet"])
    assert code == 0
    return processed, out


def _doc(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_text("utf-8"))


def test_every_region_has_its_page(site):
    processed, out = site
    regions = list_regions(load_table(processed, "reports"))
    assert len(regions) == 10
    for slug in regions["slug"]:
        assert (out / "regions" / f"{slug}.html").stat().st_size > 10_000
        assert (out / "regions" / f"{slug}.ipynb").exists()
        assert slug.isascii()
    assert (out / "overview.html").exists()


def test_index_links_resolve(site):
    _, out = site
    doc = _doc(out / "index.html")
    hrefs = [a.get("href") for a in doc.xpath("//a[@href]")]
    assert len(hrefs) == 2 * 10 + 2  # page and notebook of each region, and of the overview
    for href in hrefs:
        assert not urlparse(href).scheme
        assert (out / unquote(href)).exists(), href
    rows = doc.xpath("//tr[@data-region]")
    jincheng = next(r for r in rows if r.get("data-region") == "山西省/晋城市")
    cells = [td.text_content().strip() for td in jincheng.xpath("td")]
    assert cells[:4] == ["晋城市", "市级", "10", "2"]  # 10 reports, 2 errors (planted in 高平市)


def test_region_page_back_link_resolves(site):
    _, out = site
    page = out / "regions" / "county-140581.html"
    back = _doc(page).xpath('//nav[@class="gk-back"]/a/@href')[0]
    assert (page.parent / back).resolve() == (out / "index.html").resolve()


def test_planted_inconsistency_is_highlighted(site):
    processed, out = site
    doc = _doc(out / "regions" / "county-140581.html")
    suspects = doc.xpath('//td[contains(concat(" ", @class, " "), " gk-suspect ")]')
    assert len(suspects) == 1
    reports = load_table(processed, "reports")
    rid = reports.loc[
        (reports["issuer"] == sample.PLANTED_ISSUER) & (reports["year"] == sample.PLANTED_YEAR), "report_id"
    ].iloc[0]
    t3 = load_table(processed, "table3", report_ids=[rid])
    row, col = sample.PLANTED_CELL
    value = t3.loc[(t3["row"] == row) & (t3["applicant"] == col), "value"].iloc[0]
    assert suspects[0].text_content().strip() == str(value)
    assert len(doc.xpath('//td[contains(concat(" ", @class, " "), " gk-fail ")]')) == 2
    # a clean region has none
    assert not _doc(out / "regions" / "county-370304.html").xpath(
        '//td[contains(@class, "gk-")][contains(@class, "fail")]'
    )


def test_pages_are_offline_with_embedded_plots(site):
    _, out = site
    for page in [out / "index.html", out / "overview.html", *sorted((out / "regions").glob("*.html"))]:
        text = page.read_text("utf-8")
        doc = lxml_html.fromstring(text)
        assert not doc.xpath("//script[@src]"), page
        assert not doc.xpath('//link[@href and not(starts-with(@href, "data:"))]'), page
        assert not re.search(r"@import|url\((?!data:)", text), page
    region = _doc(out / "regions" / "city-140500.html")
    assert region.xpath('//img[starts-with(@src, "data:image/png;base64,")]')
    assert "晋城市" in region.findtext(".//title")
    assert "build_audit" not in region.text_content()  # code hidden
    assert not region.xpath('//*[contains(@class, "highlight")]//pre')


def test_executed_notebook_keeps_parameters(site):
    _, out = site
    nb = nbformat.read(out / "regions" / "city-140500.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected
    namespace: dict[str, object] = {}
    exec(injected[0].source, namespace)  # papermill writes the values as Python literals
    assert namespace["region"] == "山西省/晋城市"


def test_failing_notebook_is_listed_and_exit_code_is_nonzero(site, tmp_path):
    processed, _ = site
    books = tmp_path / "notebooks"
    shutil.copytree(find_notebooks(), books)
    nb = nbformat.read(books / "region_audit.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell('if region.endswith("稷山县"):\n    raise RuntimeError("planted")'))
    nbformat.write(nb, books / "region_audit.ipynb")
    out = tmp_path / "reports"
    code = main(
        [
            "audit",
            "--region",
            "稷山县",
            "--region",
            "博山区",
            "--processed",
            str(processed),
            "--out",
            str(out),
            "--notebooks",
            str(books),
            "--no-overview",
            "--quiet",
            "--jobs",
            "1",
        ]
    )
    assert code == 1
    status = json.loads((out / "status.json").read_text("utf-8"))
    assert "RuntimeError: planted" in status["region:山西省/运城市/稷山县"]["error"]
    assert status["region:山东省/淄博市/博山区"]["error"] == ""
    index = _doc(out / "index.html")
    failed = index.xpath('//tr[contains(@class, "failed")]')
    assert [r.get("data-region") for r in failed] == ["山西省/运城市/稷山县"]
    assert "RuntimeError: planted" in failed[0].text_content()
    assert (out / "regions" / "county-370304.html").exists()


def test_empty_region_renders(site, tmp_path):
    processed, _ = site
    out = tmp_path / "reports"
    code = main(
        [
            "audit",
            "--region",
            "朔州市",
            "--processed",
            str(processed),
            "--out",
            str(out),
            "--no-overview",
            "--quiet",
            "--jobs",
            "1",
        ]
    )
    assert code == 0
    pages = list((out / "regions").glob("*.html"))
    assert len(pages) == 1 and "没有可审查的年度报告" in pages[0].read_text("utf-8")
