"""A real browser (headless Chromium via selenium) opens the rendered pages from disk.

Outside CI the test skips when Chromium or its driver is not installed; under
CI (CI=true) it must run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from gongkai.analysis import sample
from gongkai.publish.cli import main

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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser-site")
    processed = sample.write_processed(sample.make_sample(), root / "processed")
    out = root / "reports"
    code = main(
        [
            "audit",
            "--region",
            "晋城市",
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
