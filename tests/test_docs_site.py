"""The documentation site builds with `mkdocs build --strict` (no broken link, no page outside
the navigation), its CLI reference says what `faktaark COMMAND --help` says, it loads nothing
from the network, and in a headless Chromium its start page, a tutorial and the CLI reference
render, with working navigation and search.

The browser part uses the same Debian Chromium and flags as test_review_browser.py: skipped,
saying why, where Chromium or chromedriver is missing; `.ci/run` installs them and sets
FAKTAARK_REQUIRE_BROWSER=1, which turns the skip into a failure.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import CHROMIUM, DRIVER, headless_chromium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import mkdocs_hooks  # noqa: E402

needs_browser = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="no headless browser here: install Debian's chromium and chromium-driver "
    "(apt-get install -y chromium chromium-driver; .ci/run does)",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(Path(sys.executable).parent)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def _text(html: str) -> str:
    import html as entities

    return entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)))


def test_every_page_is_built(site: Path) -> None:
    pages = sorted(p.relative_to(ROOT / "docs").with_suffix(".html").as_posix()
                   for p in (ROOT / "docs").rglob("*.md"))  # fmt: skip
    assert pages
    assert all((site / p).is_file() for p in pages)


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    """No web fonts, scripts or styles from elsewhere (links to other sites are fine)."""
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(?:script|img)[^>]+src=\"https?:", html), page
        assert not re.search(r"<link[^>]+href=\"https?:", html), page
        assert "fonts.googleapis" not in html, page
        assert "fonts.gstatic" not in html, page


def test_performance_page_shows_the_benchmarks_own_run(site: Path) -> None:
    import json

    meta = json.loads((ROOT / "bench" / "results" / "results.json").read_text())["meta"]
    text = _text((site / "explanation" / "performance.html").read_text(encoding="utf-8"))
    assert f"Measured {meta['when_utc']} UTC" in text
    assert "cold build --kommune Glostrup" in text


def test_cli_reference_is_in_step_with_the_app(site: Path) -> None:
    """Every command and every option `--help` shows has its place in the built reference,
    under that command; and the reference shows no command the app does not have."""
    reference = mkdocs_hooks.generate("cli")
    sections = re.split(r"^#+ `(faktaark[a-z -]*)`", reference, flags=re.M)[1:]
    by_name = dict(zip(sections[::2], sections[1::2], strict=True))
    html = _text((site / "reference" / "cli.html").read_text(encoding="utf-8"))
    runner = CliRunner()
    from faktaark.cli.app import app

    seen = set()
    for path, cmd, _ in mkdocs_hooks.commands():
        name = " ".join(path)
        seen.add(name)
        assert name in by_name, f"{name} is not in the reference"
        result = runner.invoke(app, [*path[1:], "--help"], terminal_width=200)
        assert result.exit_code == 0, result.output
        options = result.output.split("Options:", 1)[-1].split("\nCommands:", 1)[0]
        rows = re.findall(r"^  (-\S.*?)(?:\s{2,}|$)", options, flags=re.M)
        flags = {f for row in rows for f in re.findall(r"--[a-z][a-z-]*", row)}
        assert "--help" in flags, result.output
        missing = [f for f in flags if f not in by_name[name]]
        assert not missing, f"{name}: {missing} in --help but not in the reference"
        first = " ".join((cmd.help or "").split("\n\n")[0].split())
        assert first.replace("`", "")[:40] in html, f"{name}: its help text is not on the page"
        assert name in html
    assert seen == set(by_name)
    assert {"faktaark build", "faktaark layouts list", "faktaark data statbank"} <= seen


# --- in a browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The built site over http on 127.0.0.1 (Material's search runs in a web worker, which
    a file:// page may not start)."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("no headless browser here: install Debian's chromium and chromium-driver")
    with headless_chromium(None, "--window-size=1280,900") as driver:
        yield driver


def _wait(condition: Any, timeout: float = 20) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("the page did not get there in time")


def _h1(driver: Any) -> str:
    text = driver.execute_script("const h = document.querySelector('h1'); "
                                 "return h ? h.textContent : ''")  # fmt: skip
    return str(text).replace("¶", "").strip()  # the heading's permalink


def _click_nav(driver: Any, label: str) -> None:
    from selenium.webdriver.common.by import By

    links = driver.find_elements(By.CSS_SELECTOR, "nav.md-nav--primary a.md-nav__link")
    link = next(a for a in links if a.get_attribute("textContent").strip() == label)
    driver.execute_script("arguments[0].click();", link)


@needs_browser
def test_start_page_renders_with_its_picture(browser: Any, served: str) -> None:
    browser.get(served)
    assert _h1(browser) == "faktaark"
    assert "faktaark" in browser.title
    loaded = _wait(lambda: browser.execute_script(
        "const i = document.querySelector('img[src*=\"glostrup-side1\"]');"
        "return i && i.complete && i.naturalWidth > 0;"))  # fmt: skip
    assert loaded


@needs_browser
def test_navigation_reaches_the_tutorial_and_the_cli_reference(browser: Any, served: str) -> None:
    browser.get(served)
    _click_nav(browser, "Your first sheet")
    _wait(lambda: browser.current_url.endswith("tutorials/first-sheet.html"))
    assert _wait(lambda: _h1(browser) == "Your first sheet")
    code = browser.execute_script("return document.querySelector('pre code').textContent")
    assert "faktaark" in code
    _click_nav(browser, "Command line")
    _wait(lambda: browser.current_url.endswith("reference/cli.html"))
    assert _wait(lambda: _h1(browser) == "Command line")
    assert browser.execute_script("return !!document.getElementById('build')")
    assert browser.execute_script("return !!document.getElementById('layouts-check')")
    _click_nav(browser, "For kommunikationsafdelingen")
    assert _wait(lambda: _h1(browser) == "For kommunikationsafdelingen")
    danish = browser.execute_script("const d = document.querySelector('[lang=da]');"
                                    "return d ? d.textContent : ''")  # fmt: skip
    assert "Mærket »Eksempeldata«" in danish  # the page tells a screen reader it is Danish


@needs_browser
def test_search_finds_a_command(browser: Any, served: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(served)
    field = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    browser.execute_script("document.querySelector('label.md-search__icon, "
                           "label[for=__search]')?.click();")  # fmt: skip
    _wait(lambda: field.is_displayed())
    field.send_keys("contact-sheet")

    def results() -> list[str]:
        return [str(a.get_attribute("href")) for a in
                browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")]  # fmt: skip

    found = _wait(results)
    assert any("reference/cli.html" in href for href in found), found
    browser.get(next(href for href in found if "reference/cli.html" in href))
    assert _wait(lambda: _h1(browser) == "Command line")
