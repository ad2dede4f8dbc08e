"""The live preview in a real browser: a headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by Selenium) opens `faktaark preview --watch` on a copy of a layout;
a changed heading in texts.da.toml appears on the page without a reload by hand.

Skipped, saying why, only where no Chromium or chromedriver is installed (`.ci/run` installs
them)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, DRIVER, copy_layout, headless_chromium

if (CHROMIUM is None or DRIVER is None) and os.environ.get("FAKTAARK_REQUIRE_BROWSER"):
    raise RuntimeError("FAKTAARK_REQUIRE_BROWSER is set (.ci/run) but chromium or chromedriver "
                       "is missing: apt-get install -y chromium chromium-driver")  # fmt: skip
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="no headless browser here: install Debian's chromium and chromium-driver "
    "(apt-get install -y chromium chromium-driver; .ci/run does)",
)


@pytest.fixture
def layout_copy(tmp_path: Path) -> Path:
    return copy_layout(tmp_path)


@pytest.fixture
def preview_url(layout_copy: Path) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "faktaark", "preview", "--watch", "--kommune", "Glostrup",
         "--layout", str(layout_copy), "--dpi", "50"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.stderr else url
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=15)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with headless_chromium(tmp_path) as driver:
        yield driver


def _first_page(driver: Any) -> dict[str, Any]:
    """The first page's image as the browser shows it: its text (alt), src, and whether the
    image has loaded."""
    result: dict[str, Any] = driver.execute_script(
        "const i = document.querySelector('img[data-page$=\"side1\"]');"
        "return i ? {alt: i.alt, src: i.src, loaded: i.complete && i.naturalWidth > 0,"
        " version: document.body.dataset.version, state: document.body.dataset.state,"
        " error: document.getElementById('error').textContent} : null;"
    )
    return result or {}


def _wait(driver: Any, until: Any, timeout: float = 20) -> dict[str, Any]:
    end = time.monotonic() + timeout
    page: dict[str, Any] = {}
    while time.monotonic() < end:
        page = _first_page(driver)
        if page and until(page):
            return page
        time.sleep(0.05)
    raise AssertionError(f"the page did not change as expected; it shows {page}")


def test_changed_heading_appears_without_a_reload(
    browser: Any, preview_url: str, layout_copy: Path
) -> None:
    browser.get(preview_url)
    before = _wait(browser, lambda p: p["loaded"] and "ALMENE BOLIGER GØR" in p["alt"])
    browser.execute_script("window.__sameDocument = 'yes';")  # gone if the page reloads
    status = browser.execute_script("return document.getElementById('status').textContent")
    assert re.fullmatch(r"bygget kl\. \d\d\.\d\d\.\d\d \(\d+ ms\), version \d+", status), status

    texts = layout_copy / "texts.da.toml"
    text = texts.read_text(encoding="utf-8")
    old = 'titel = "Almene boliger gør\\n{kommune.officielt_navn:sted} bedre"'  # the sheet's title
    assert old in text
    texts.write_text(
        text.replace(old, old.replace("Almene boliger gør", "Gode naboer i"), 1), encoding="utf-8"
    )
    after = _wait(browser, lambda p: p["loaded"] and "GODE NABOER I GLOSTRUP" in p["alt"])
    assert after["src"] != before["src"]  # a new image, not just new alt text
    assert browser.execute_script("return window.__sameDocument") == "yes"
    png = browser.execute_script(
        "const i = document.querySelector('img'); const c = document.createElement('canvas');"
        "c.width = i.naturalWidth; c.height = i.naturalHeight;"
        "c.getContext('2d').drawImage(i, 0, 0); return c.toDataURL('image/png').length;"
    )
    assert png > 1000  # the image decoded in the browser

    # a heading too long for its box: the error appears on the page, naming the box
    texts.write_text(
        texts.read_text(encoding="utf-8").replace("Gode naboer i", "Gode naboer i " * 12, 1),
        encoding="utf-8",
    )
    failed = _wait(browser, lambda p: p["state"] == "error")
    assert 'box "titel"' in failed["error"]
    with urllib.request.urlopen(preview_url + "state.json", timeout=10) as r:
        assert 'box "titel"' in json.load(r)["error"]  # and the server still answers
