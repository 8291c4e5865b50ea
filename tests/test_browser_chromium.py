"""A real browser (headless Chromium via selenium) opens the rendered pages from disk.

Outside CI the test skips when Chromium or its driver is not installed; under
CI (CI=true) it must run.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from pathlib import Path

import pytest

from gongkai.analysis import sample
from gongkai.dataset import build
from gongkai.publish.cli import main
from gongkai.synthetic import random_tables, render

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,2000",
)


def _binaries() -> tuple[str | None, str | None]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    return browser, shutil.which("chromedriver")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory):
    browser, chromedriver = _binaries()
    if not (browser and chromedriver):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium/chromedriver are missing: apt-get install chromium chromium-driver")
        pytest.skip("no Chromium here: apt-get install chromium chromium-driver to run the browser test")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()


HOSTILE = {  # file name -> issuer printed in the title; each payload sets window.__pwned if it runs
    "jishan_<svg onload=window.__pwned=1>.txt": "稷山县人民政府",
    "jishan_script.txt": "稷山县<script>window.__pwned=2</script>人民政府",
    "jishan_link.txt": "稷山县[x](javascript:window.__pwned=3)人民政府",
    "jishan_img.txt": "稷山县<img/src=x/onerror=window.__pwned=4>人民政府",
}


def _hostile_raw(raw: Path) -> None:
    """Add reports whose file name or issuer carries a script, placed in 稷山县 by the manifest."""
    rng = random.Random(7)
    manifest = (raw / "manifest.csv").read_text("utf-8").rstrip("\n").split("\n")
    for name, issuer in HOSTILE.items():
        tables = random_tables(rng, "2021", consistent=False)  # some identity fails: a problem row
        (raw / name).write_text(render(tables, "pipe_separated", issuer=issuer, year=2022, rng=rng), "utf-8")
        quoted = issuer.replace('"', '""')
        manifest.append(f'"{name}","{quoted}",2022,hostile test input,')
    manifest[0] += ",division_code"
    manifest[1:] = [line + (",140824" if any(h in line for h in HOSTILE) else ",") for line in manifest[1:]]
    (raw / "manifest.csv").write_text("\n".join(manifest) + "\n", "utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser-site")
    raw = sample.write_raw(root / "raw")
    _hostile_raw(raw)
    processed = root / "processed"
    build(raw, processed, progress=False)
    out = root / "reports"
    code = main(
        [
            "audit",
            "--region",
            "晋城市",
            "--region",
            "稷山县",
            "--processed",
            str(processed),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--quiet",
        ]
    )
    assert code == 0
    return out


def _network(drv) -> tuple[list[str], list[str]]:
    """URLs requested and requests that failed, from the DevTools performance log."""
    requested, failed = [], []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            requested.append(msg["params"]["request"]["url"])
        elif msg["method"] == "Network.loadingFailed":
            failed.append(f"{msg['params'].get('errorText')} ({msg['params'].get('requestId')})")
    return requested, failed


def _open(drv, page: Path, shot: Path) -> tuple[list[str], list[str]]:
    drv.get_log("performance")  # drop what an earlier page logged
    drv.get(page.as_uri())
    drv.execute_script("return document.readyState")
    assert drv.save_screenshot(str(shot)) and shot.stat().st_size > 5_000
    return _network(drv)


def test_index_and_region_page_render_offline(driver, site, tmp_path):
    requested, failed = _open(driver, site / "index.html", tmp_path / "index.png")
    assert "审查" in driver.title
    assert failed == []
    assert all(u.startswith(("file:", "data:")) for u in requested), requested
    link = driver.find_element("link text", "审查页面")
    region_page = Path(link.get_attribute("href").removeprefix("file://"))
    assert region_page.exists()

    requested, failed = _open(driver, site / "regions" / "city-140500.html", tmp_path / "region.png")
    assert "晋城市" in driver.title and "审查" in driver.title
    assert failed == []
    assert all(u.startswith(("file:", "data:")) for u in requested), requested
    loaded_plots = driver.execute_script(
        "return Array.from(document.images).filter(i => i.src.startsWith('data:image/png')"
        " && i.complete && i.naturalWidth > 100).length"
    )
    assert loaded_plots >= 1
    highlighted = driver.execute_script(
        "const td = document.querySelector('td.gk-suspect');return td ? getComputedStyle(td).backgroundColor : null"
    )
    assert highlighted not in (None, "rgba(0, 0, 0, 0)")
    alts = driver.execute_script("return Array.from(document.images).map(i => i.alt)")
    assert alts and all(len(a) > 10 for a in alts)  # every figure has alt text


INTERNAL = re.compile(r"\bNaN\b|<NA>|\bNone\b|_\*|\bt[34]\.|\bxy\.|natural_person|total_processed|not_assessable")


def test_region_page_problem_list_first_and_a_working_link_to_the_source(driver, site, tmp_path):
    """The issue's test: problem list before the first table, no NaN/<NA>/internal key, finding → source."""
    _open(driver, site / "regions" / "city-140500.html", tmp_path / "region.png")
    first_table = driver.execute_script(
        "const t = document.querySelector('table'); return t ? t.className : null"
    )
    assert "gk-problem-list" in first_table
    heading_before = driver.execute_script(
        "const h = Array.from(document.querySelectorAll('h2'))[0]; const t = document.querySelector('table');"
        "return h.textContent + '|' + (h.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING ? 'before' : '')"
    )
    assert heading_before == "问题清单|before"
    text = driver.execute_script("return document.body.innerText")
    hit = INTERNAL.search(text)
    assert hit is None, text[max(0, hit.start() - 80) : hit.end() + 80]
    rows = driver.find_elements("css selector", "table.gk-problem-list tbody tr")
    assert len(rows) == 2 and f"{sample.PLANTED_ISSUER}" in rows[0].text
    link = rows[0].find_element("partial link text", "原文")
    link.click()
    assert driver.current_url.split("#")[0].endswith(".html") and "/sources/" in driver.current_url
    target = driver.execute_script(
        "const li = document.querySelector(':target'); return li ? li.innerText : null"
    )
    assert target and re.search(r"予以公开", target)  # the line of the cell, highlighted as the target
    driver.back()


PAYLOADS = "document.querySelectorAll('script, svg, [onload], [onerror], a[href^=\"javascript:\"]').length"


def test_no_payload_from_the_data_runs(driver, site, tmp_path):
    pages = [site / "index.html", site / "overview.html", *sorted((site / "regions").glob("*.html"))]
    pages += sorted((site / "sources").glob("*.html"))
    for i, page in enumerate(pages):
        _open(driver, page, tmp_path / f"page{i}.png")
        assert driver.execute_script("return window.__pwned === undefined"), page
        assert driver.execute_script(f"return {PAYLOADS}") == 0, page
    _open(driver, site / "regions" / "county-140824.html", tmp_path / "jishan.png")
    text = driver.execute_script("return document.body.innerText")
    for issuer in list(HOSTILE.values())[1:]:
        assert issuer in text  # shown as text, not run
    assert "jishan_<svg onload=window.__pwned=1>.txt" in text


def test_network_check_catches_an_external_script(driver, tmp_path):
    """The detector used above does see a page that fetches from the network (loopback, closed port)."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><head><title>坏页面</title><script src="http://127.0.0.1:9/x.js"></script></head><body>x</body></html>',
        "utf-8",
    )
    requested, failed = _open(driver, page, tmp_path / "bad.png")
    assert any(u.startswith("http://127.0.0.1:9/") for u in requested)
    assert failed


def test_payload_check_sees_a_script_that_runs(driver, tmp_path):
    """The detector above does notice a payload that runs (an unescaped onerror handler)."""
    page = tmp_path / "pwned.html"
    page.write_text('<html><body><img src="x" onerror="window.__pwned=1"></body></html>', "utf-8")
    driver.get(page.as_uri())
    assert driver.execute_script("return window.__pwned") == 1
    assert driver.execute_script(f"return {PAYLOADS}") == 1
