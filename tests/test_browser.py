"""The dashboard in a real headless browser (Debian's chromium and chromedriver): load /, click
through to a partner, see its copies without credit; the API docs render offline.

Screenshots are saved under the test's temporary folder; their paths are printed (pytest -s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.little_site import free_port
from tests.syndication_web import cli_env, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _browser_available() -> None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).exists()]
    if missing:
        if os.environ.get("CI"):
            raise RuntimeError(f"{', '.join(missing)} missing: .ci/run installs chromium and chromium-driver")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    _browser_available()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[str]:
    """`aggregator serve` over a crawl of the shared web; yields its base URL."""
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(truth()["sites"]), encoding="utf-8")
    with serve_web(tmp_path / "requests.jsonl") as web:
        env = cli_env(database_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        run_cli("crawl", env=env)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "aggregator.cli", "serve", "--port", str(port)],
                              cwd=REPO_ROOT, env=cli_env(database_url), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_dashboard_in_a_real_browser(browser: object, served: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    data = truth()
    driver.get(f"{served}/")  # type: ignore[attr-defined]
    assert driver.title.startswith("Sources")  # type: ignore[attr-defined]
    table = driver.find_element(By.TAG_NAME, "table").text  # type: ignore[attr-defined]
    for site in data["sites"]:
        assert site["host"] in table
    index_shot = tmp_path / "dashboard.png"
    driver.save_screenshot(str(index_shot))  # type: ignore[attr-defined]

    articles = {a["id"]: a["site"] for a in data["articles"]}
    partner = max((s["host"] for s in data["sites"] if s["role"] == "partner"),
                  key=lambda host: sum(articles[r["of"]] == host and r["attribution"] != "correct"
                                       for r in data["republications"]))
    driver.find_element(By.LINK_TEXT, partner).click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 20).until(expected_conditions.title_contains(partner))
    heading = driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    assert partner in heading
    body = driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    assert "Copies without credit" in body and "Where its articles went" in body
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]  # a phone
    partner_shot = tmp_path / "partner-phone.png"
    driver.save_screenshot(str(partner_shot))  # type: ignore[attr-defined]

    driver.set_window_size(1280, 1000)  # type: ignore[attr-defined]
    driver.get(f"{served}/docs")  # type: ignore[attr-defined]
    title = WebDriverWait(driver, 30).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".swagger-ui .info .title")))
    assert "Syndication aggregator read API" in title.text
    docs_shot = tmp_path / "docs.png"
    driver.save_screenshot(str(docs_shot))  # type: ignore[attr-defined]
    for shot in (index_shot, partner_shot, docs_shot):
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")
    if os.environ.get("AGGREGATOR_SCREENSHOTS"):  # keep them where the caller asks
        for shot in (index_shot, partner_shot, docs_shot):
            shutil.copy(shot, Path(os.environ["AGGREGATOR_SCREENSHOTS"]) / shot.name)
