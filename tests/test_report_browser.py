"""The report in a real browser: Debian's headless Chromium driven by chromedriver (selenium).

The page must load from a file with no console error and no network request, every chart must
have drawn (an SVG with size and one series group per expected series, each with marks), and
every figure the browser shows must equal `sdesk kpi --json`. A page with one figure changed
must fail the same check. The screenshot is kept as build/report.png (the README names it).
With CI=true a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk
from tests.report_helpers import ROOT, disagreements, kpi_for, sample_desk

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = ROOT / "build" / "report.png"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1280,900"]


def _need(path: str) -> None:
    if Path(path).exists():
        return
    why = f"{path} is missing (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for path in (CHROMIUM, CHROMEDRIVER):
        _need(path)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("selenium is not installed (make install)")
        pytest.skip("selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    return sample_desk(tmp_path_factory.mktemp("browser"))


BROWSER_OWN = ("chrome:", "chrome-untrusted:", "devtools:", "about:", "data:", "blob:")


def load(driver: Any, page: Path) -> tuple[list[str], list[str]]:
    """Open the page; return (console errors, URLs of every request it made but itself)."""
    driver.get_log("browser")  # drop what an earlier page logged
    driver.get_log("performance")
    driver.get(page.as_uri())
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            # Chromium's own pages (chrome://...) and inline data: URIs are not the network;
            # under load the performance log can carry an internal page's loads.
            if url != page.as_uri() and not url.startswith(BROWSER_OWN):
                requests.append(url)
    return errors, requests


CHART_STATE = """
return Array.from(document.querySelectorAll('figure[data-chart]')).map(f => {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const series = svg ? Array.from(svg.querySelectorAll('g.series'))
    .filter(g => !g.closest('.overlay, .text-overlay, .tooltip-overlay')) : [];
  return {name: f.dataset.chart, expected: f.dataset.series ? f.dataset.series.split('|') : [],
          width: box.width, height: box.height,
          marks: series.map(g => g.querySelectorAll('rect, path, circle').length),
          legend: svg ? Array.from(svg.querySelectorAll('.legend text')).map(t => t.textContent) : []};
});
"""


def problems(driver: Any, page: Path, kpi: dict[str, Any]) -> list[str]:
    """Everything wrong with the page as the browser shows it (empty when all is well)."""
    from selenium.webdriver.common.by import By

    errors, requests = load(driver, page)
    out = [f"console error: {e}" for e in errors] + [f"network request: {u}" for u in requests]
    for chart in driver.execute_script(CHART_STATE):
        name = chart["name"]
        if chart["width"] < 100 or chart["height"] < 50:
            out.append(f"chart {name} did not draw ({chart['width']}x{chart['height']})")
        if len(chart["marks"]) != len(chart["expected"]) or not all(chart["marks"]):
            out.append(f"chart {name}: series drawn {chart['marks']}, expected {chart['expected']}")
        missing = [s for s in chart["expected"] if s not in chart["legend"]]
        if missing:
            out.append(f"chart {name}: no legend for {missing}")
    shown = {e.get_attribute("data-kpi"): e.text
             for e in driver.find_elements(By.CSS_SELECTOR, "[data-kpi]")}
    return out + disagreements(shown, kpi)


def test_the_report_in_a_real_browser(browser: Any, sample: Desk, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    sample.run("report", "--horizon", "9", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    kpi = kpi_for(sample, html)
    assert problems(browser, page, kpi) == []
    charts = {c["name"]: c["expected"] for c in browser.execute_script(CHART_STATE)}
    assert set(charts["volume-channel"]) == set(kpi["volume"]["channel"])
    assert charts["sla"] == ["on response %", "on resolution %"]
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(int(height) + 100, 12000))
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert browser.get_screenshot_as_file(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


def test_the_browser_check_fails_when_the_page_disagrees(browser: Any, sample: Desk,
                                                         tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    sample.run("report", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    kpi = kpi_for(sample, html)
    key = "fcr_pct"
    wrong = page.with_name("tampered.html")
    wrong.write_text(html.replace(f'data-kpi="{key}">{kpi[key]}<', f'data-kpi="{key}">99.9<'),
                     encoding="utf-8")
    found = problems(browser, wrong, kpi)
    assert any(p.startswith(f"{key}: page shows '99.9'") for p in found), found
    # A chart that lost a series, and a page that loads something from the network, fail too.
    broken = html.replace('data-series="on response %|on resolution %"',
                          'data-series="on response %|on resolution %|on time %"')
    broken = broken.replace("</body>", '<img src="http://192.0.2.1/pixel.png"></body>')
    wrong.write_text(broken, encoding="utf-8")
    found = problems(browser, wrong, kpi)
    assert any(p.startswith("chart sla:") for p in found), found
    assert any(p.startswith("network request: http://192.0.2.1") for p in found), found


def test_a_missing_browser_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _need("/nonexistent/chromium")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        _need("/nonexistent/chromium")


def test_chromium_is_debians(tmp_path: Path) -> None:
    _need(CHROMIUM)
    assert shutil.which("chromium") == CHROMIUM
