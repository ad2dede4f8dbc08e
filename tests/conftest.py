"""Shared fixtures: sheets built once per session, and PDF inspection helpers (pip-only)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest

import faktaark
from faktaark import api
from faktaark.core.config import KEYS

ROOT = Path(__file__).resolve().parents[1]
# the per-user cache (prepared data, layouts, validator verdicts) of the test run is its own,
# empty at the start: no test depends on what earlier runs on this machine left behind
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="faktaark-test-cache-")
# no project configuration (faktaark.toml above the checkout, FAKTAARK_* of the shell) leaks
# into the tests; test_cli_config.py sets its own
for _var, _flag, _default in KEYS.values():
    os.environ.pop(_var, None)
os.environ["FAKTAARK_CONFIG"] = "none"
# and so is the key that signs its entries (kept outside the cache, in the config folder)
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="faktaark-test-config-")
NBSP = "\u00a0"


def copy_layout(dest: Path, name: str = "almene-boliger") -> Path:
    """A copy of a shipped layout folder at `dest/<name>`, to edit in a test."""
    folder = dest / name
    shutil.copytree(ROOT / "layouts" / name, folder)
    return folder


def layout_with(dest: Path, name: str, old: str, new: str) -> Path:
    """A copy of a shipped layout whose layout.toml has `old` replaced by `new` (once)."""
    folder = copy_layout(dest, name)
    toml = folder / "layout.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text, old
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def pdf_text(path: Path) -> str:
    """The PDF's text (pypdf), with no-break spaces as plain spaces and lines joined."""
    reader = pypdf.PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text.replace(NBSP, " ").replace("\u202f", " ")


def flat(text: str) -> str:
    """Whitespace-normalised text: line breaks become spaces, hyphenated breaks (a soft
    hyphen, U+00AD, at the end of the line) are joined."""
    return " ".join(text.replace("\u00ad\n", "").split())


def fonts_of(path: Path) -> list[dict[str, object]]:
    """Every font resource of every page: name, subtype, embedded?"""
    out = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            res = page.obj.get("/Resources", {})
            for _, font in (res.get("/Font") or {}).items():
                desc = font.get("/FontDescriptor")
                embedded = bool(
                    desc is not None
                    and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                )
                out.append(
                    {
                        "name": str(font.get("/BaseFont")),
                        "subtype": str(font.Subtype),
                        "embedded": embedded,
                    }
                )
    return out


@pytest.fixture(scope="session")
def prepared() -> api.Prepared:
    return api.prepare()


# every shipped kit; the tests that loop over the kits take them from here
KITS = ("almene-boliger", "kommuneaftale", "levende-faellesskaber")


@pytest.fixture(scope="session")
def kit_prepared(prepared: api.Prepared) -> Callable[[str], api.Prepared]:
    """The bundled data prepared for a kit, once per session: the default kit's for the kits
    that share its data dictionary, the kit's own (its own sources too) for the others."""
    done: dict[str, api.Prepared] = {}

    def get(layout: str) -> api.Prepared:
        if layout not in done:
            same = api.data_dictionary(layout) == prepared.dataset.fields
            done[layout] = prepared if same else api.prepare(layout=layout)
        return done[layout]

    return get


@pytest.fixture(scope="session")
def sheets_dir(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> Path:
    """Glostrup (real figures) and four example sheets, built once."""
    out = tmp_path_factory.mktemp("sheets")
    for k in ("Glostrup", "København", "Ringkøbing-Skjern", "Lyngby-Taarbæk", "Bornholm"):
        faktaark.build(k, data=prepared.dataset, out=out)
    return out


@pytest.fixture(scope="session")
def glostrup_pdf(sheets_dir: Path) -> Path:
    return sheets_dir / "161-glostrup.pdf"


@pytest.fixture
def data_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the bundled figures file."""
    src = ROOT / "data" / "almene.csv"
    dst = tmp_path / "almene.csv"
    dst.write_bytes(src.read_bytes())
    return dst


# ---------------------------------------------------------------- a headless browser
# Debian's Chromium and its driver (`.ci/run` installs them), driven by Selenium: the preview
# (test_review_browser), the documentation site (test_docs_site) and pdf.js (test_pdf_pdfjs)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
)  # fmt: skip


@contextlib.contextmanager
def headless_chromium(profiles: Path | None = None, *flags: str) -> Iterator[Any]:
    """A Selenium driver of a headless Chromium with a fresh profile (in `profiles`, or a new
    temporary folder), quit afterwards; `flags` are added to `CHROMIUM_FLAGS`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, *flags):
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(dir=profiles, prefix="faktaark-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=opts, service=Service(str(DRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        if profiles is None:
            shutil.rmtree(profile, ignore_errors=True)
