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
from gongkai.analysis.sources import source_slug
from gongkai.publish.cli import find_notebooks, main


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("site")
    processed = sample.build_sample(root)
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
    assert "河南省/济源市" in set(regions["key"])  # a county-level city directly under its province
    pages = set(regions["page"])
    assert len(pages) == 6  # 山东省 and 淄博市 share 博山区's page, 运城市 稷山县's, 河南省 济源市's
    assert regions.set_index("key").loc["山东省", "page"] == "county-370304"
    for slug in pages:
        assert (out / "regions" / f"{slug}.html").stat().st_size > 10_000
        assert (out / "regions" / f"{slug}.ipynb").exists()
        assert slug.isascii()
    assert not (out / "regions" / "province-370000.html").exists()
    assert (out / "overview.html").exists()


def test_index_links_resolve(site):
    _, out = site
    doc = _doc(out / "index.html")
    hrefs = [a.get("href") for a in doc.xpath("//a[@href]")]
    assert len(hrefs) == 10 + 6 + 2 + 2 * 2  # each region's page, 6 notebooks, the overview's two, 2 problems
    for href in hrefs:
        assert not urlparse(href).scheme
        assert (out / unquote(href.split("#")[0])).exists(), href
    rows = doc.xpath("//tr[@data-region]")
    jincheng = next(r for r in rows if r.get("data-region") == "山西省/晋城市")
    cells = [td.text_content().strip() for td in jincheng.xpath("td")]
    assert cells[:4] == ["晋城市", "市级", "10 份", "2 条"]  # 10 reports, 2 errors (planted in 高平市)
    # the index opens with the problem list, before the regions
    headings = [h.text_content() for h in doc.xpath("//h2")]
    assert headings[0] == "问题清单"
    problems = doc.xpath('//table[contains(@class, "gk-problem-list")]//tbody/tr')
    assert len(problems) == 2


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
    css = out / "assets" / "site.css"
    assert css.exists() and css.stat().st_size < 20_000
    for page in [out / "index.html", out / "overview.html", *sorted((out / "regions").glob("*.html"))]:
        text = page.read_text("utf-8")
        doc = lxml_html.fromstring(text)
        assert not doc.xpath("//script[@src]"), page
        assert not doc.xpath("//script"), page  # the pages run no script at all
        links = doc.xpath("//link[@href]/@href")
        assert [(page.parent / h).resolve() for h in links] == [css.resolve()], page  # the one stylesheet
        assert len(text) < 300_000 or page.name == "overview.html", (page, len(text))
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
    assert [r.get("data-region") for r in failed] == ["山西省/运城市", "山西省/运城市/稷山县"]  # one shared page
    assert "RuntimeError: planted" in failed[0].text_content()
    assert (out / "regions" / "county-370304.html").exists()


def test_unknown_region_exits_nonzero(site, tmp_path, capsys):
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
    assert code == 2  # an unknown region is an error, not an empty page
    assert not (out / "regions").exists()
    err = capsys.readouterr().err
    assert "朔州市" in err


def test_unknown_region_suggests_the_nearest(site, tmp_path, capsys):
    processed, _ = site
    code = main(["audit", "--region", "晋成市", "--processed", str(processed), "--out", str(tmp_path), "--quiet"])
    assert code == 2
    assert "did you mean 晋城市" in capsys.readouterr().err


INTERNAL = re.compile(
    r"\bNaN\b|<NA>|\bNone\b|\bnan\b|_\*|t3\.|t4\.|xy\.|claim\.|sanity\.|natural_person|total_processed"
    r"|new_received|normative_document|not_assessable|\bgranted\b"
)


def _visible(doc: lxml_html.HtmlElement) -> str:
    for bad in doc.xpath("//style|//script|//title"):
        bad.drop_tree()
    return doc.text_content()


def test_region_page_opens_with_the_problem_list(site):
    _, out = site
    doc = _doc(out / "regions" / "city-140500.html")
    tables = doc.xpath("//table")
    assert "gk-problem-list" in tables[0].get("class")
    rows = tables[0].xpath(".//tbody/tr")
    assert len(rows) == 2
    cells = [td.text_content().strip() for td in rows[0].xpath("td")]
    assert cells[:5] == ["错误", "2022", sample.PLANTED_ISSUER, "表三", "（一）予以公开 × 总计"]
    printed, expected = (int(c.removesuffix(" 件")) for c in cells[5:7])
    assert expected - printed == sample.PLANTED_DELTA and cells[7] == f"−{sample.PLANTED_DELTA} 件"
    not_checked = doc.xpath('//details[@class="gk-not-checked"]')
    assert not_checked and not not_checked[0].get("open")  # apart and collapsed
    assert "语料中没有同一发布机关 2019 年度的报告" in not_checked[0].text_content()


def test_no_internal_key_nan_or_index_in_what_readers_see(site):
    _, out = site
    for page in [out / "index.html", *sorted((out / "regions").glob("*.html"))]:
        text = _visible(_doc(page))
        hit = INTERNAL.search(text)
        assert hit is None, (page.name, text[max(0, hit.start() - 60) : hit.end() + 60])
        doc = _doc(page)
        assert not doc.xpath('//th[contains(@class, "blank") or contains(@class, "index_name")]'), page


def test_a_finding_links_to_its_source_line(site):
    processed, out = site
    page = out / "regions" / "county-140581.html"
    doc = _doc(page)
    link = doc.xpath('//table[contains(@class, "gk-problem-list")]//tbody/tr[1]//a[starts-with(., "原文")]')[0]
    href = link.get("href")
    target, anchor = href.split("#")
    source = (page.parent / target).resolve()
    assert source.exists() and anchor.startswith("L")
    line = int(anchor[1:])
    src = _doc(source)
    assert src.xpath(f'//li[@id="L{line}"]')
    reports = load_table(processed, "reports")
    rid = reports.loc[reports["year"] == sample.PLANTED_YEAR].query("issuer == @sample.PLANTED_ISSUER")["report_id"]
    t3 = load_table(processed, "table3", report_ids=list(rid))
    total = t3[(t3["row"] == "granted") & (t3["applicant"] == "total")].iloc[0]
    assert int(total["source_line"]) == line  # the row total's own line
    raw = Path(reports.set_index("report_id").loc[rid.iloc[0], "source_file"]).read_text("utf-8").split("\n")
    assert src.xpath(f'//li[@id="L{line}"]/code')[0].text_content() == raw[line - 1]
    section = doc.xpath('//table[contains(@class, "gk-problem-list")]//tbody/tr[1]//a[.="报告详情"]/@href')[0]
    assert doc.xpath(f'//section[@id="{section.removeprefix("#")}"]')


def test_pages_are_reproducible_byte_for_byte(site, tmp_path):
    processed, out = site
    again = tmp_path / "again"
    args = ["audit", "--region", "高平市", "--processed", str(processed), "--out", str(again), "--quiet", "--jobs", "1"]
    assert main([*args, "--no-overview"]) == 0
    for rel in ("regions/county-140581.html", "assets/site.css"):
        assert (again / rel).read_bytes() == (out / rel).read_bytes(), rel
    for source in (again / "sources").glob("*.html"):
        assert source.read_bytes() == (out / "sources" / source.name).read_bytes()
    html = (again / "regions" / "county-140581.html").read_text("utf-8")
    assert not re.search(r"T_[0-9a-f]{5}|20\d\d-\d\d-\d\dT\d\d:\d\d", html)  # no Styler id, no timestamp


def test_sources_are_found_near_the_processed_folder_and_checked_by_digest(tmp_path, monkeypatch):
    """`gongkai build mine out` run in one folder, `gongkai audit` from another: the raw files are found
    beside the processed folder; a raw file changed since the build is not linked as its source."""
    from gongkai.dataset import build
    from gongkai.publish.sources import write_sources

    from conftest import RAW

    work = tmp_path / "work"
    shutil.copytree(RAW, work / "mine")
    monkeypatch.chdir(work)
    build(Path("mine"), Path("out"), progress=False)
    monkeypatch.chdir(tmp_path)
    (work / "mine" / "jishan_2023.txt").write_text("changed", encoding="utf-8")
    reports = load_table(work / "out", "reports")
    pages = {p.name: p.read_text("utf-8") for p in write_sources(tmp_path / "site", reports, work / "out")}
    shown = {rid: pages[f"{source_slug(rid)}.html"] for rid in reports["report_id"]}
    assert 'id="L1"' in shown["jincheng_2024.txt"] and "原始文件不在此处" not in shown["jincheng_2024.txt"]
    assert "原始文件不在此处" in shown["jishan_2023.txt"] and 'id="L1"' not in shown["jishan_2023.txt"]
