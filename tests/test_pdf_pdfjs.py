"""The sheets and the combined files open cleanly in pdf.js (the PDF viewer of Firefox and of
many web sites): Debian's `libjs-pdf` loaded into a headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by Selenium), pdf.js's parser run on the page's thread. For every
file: the page count, the words of the first page as pdf.js extracts them, the first page
drawn on a canvas (not blank), and no warning or error from pdf.js at its warnings level.

Skipped, saying why, only where Chromium, chromedriver or pdf.js is not installed (`.ci/run`
installs all three)."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import faktaark
from conftest import CHROMIUM, DRIVER, headless_chromium
from faktaark import api

PDFJS = Path("/usr/share/javascript/pdf/build")
MISSING = [
    name
    for name, found in (
        ("chromium", CHROMIUM),
        ("chromium-driver", DRIVER),
        ("libjs-pdf", (PDFJS / "pdf.js").is_file() or None),
    )
    if found is None
]
if MISSING and os.environ.get("FAKTAARK_REQUIRE_BROWSER"):
    raise RuntimeError(
        f"FAKTAARK_REQUIRE_BROWSER is set (.ci/run) but {', '.join(MISSING)} is missing: "
        "apt-get install -y chromium chromium-driver libjs-pdf"
    )
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"not installed here: {', '.join(MISSING)} (apt-get install -y chromium "
    "chromium-driver libjs-pdf; .ci/run does)",
)
SETUP = "Warning: Setting up fake worker."  # pdf.js on the page's thread, as set up here

# pdf.js's parser on the page's thread (pdf.worker.js defines `pdfjsWorker`), its warnings
# caught from the console; the file given as base64
PAGE = """<!doctype html><meta charset="utf-8"><title>pdf.js</title>
<script src="{build}/pdf.js"></script><script src="{build}/pdf.worker.js"></script>
<script>
window.pdfjsMessages = [];
for (const level of ["log", "warn", "error"]) {{
  const orig = console[level];
  console[level] = (...args) => {{ window.pdfjsMessages.push(args.join(" ")); orig(...args); }};
}}
window.openPdf = async (b64) => {{
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const doc = await pdfjsLib.getDocument({{data: bytes, verbosity: 1,
    standardFontDataUrl: "{web}/standard_fonts/", cMapUrl: "{web}/cmaps/", cMapPacked: true}})
    .promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const viewport = page.getViewport({{scale: 0.5}});
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(viewport.width); canvas.height = Math.ceil(viewport.height);
  const ctx = canvas.getContext("2d");
  await page.render({{canvasContext: ctx, viewport}}).promise;
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < px.length; i += 4) {{ if (px[i] + px[i + 1] + px[i + 2] < 600) inked++; }}
  const meta = await doc.getMetadata();
  return {{pages: doc.numPages, text: content.items.map((it) => it.str).join(" "),
           inked: inked / (px.length / 4), title: meta.info.Title || "",
           messages: window.pdfjsMessages}};
}};
</script>"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("pdfjs")
    page = folder / "pdfjs.html"
    page.write_text(
        PAGE.format(build=PDFJS.as_uri(), web=(PDFJS.parent / "web").as_uri()), encoding="utf-8"
    )
    with headless_chromium(folder, "--allow-file-access-from-files") as driver:
        driver.set_script_timeout(120)
        driver.get(page.as_uri())
        yield driver


def _open(browser: Any, pdf: Path) -> dict[str, Any]:
    b64 = base64.b64encode(pdf.read_bytes()).decode("ascii")
    browser.execute_script("window.pdfjsMessages = [];")
    result: dict[str, Any] = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.openPdf(arguments[0]).then(done, (e) => done({error: String(e)}));",
        b64,
    )
    assert "error" not in result, f"pdf.js could not open {pdf.name}: {result['error']}"
    return result


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> dict[str, Path]:
    """Glostrup's and Bornholm's screen and print sheets of two kits, and each kit's
    combined screen and print file."""
    out = tmp_path_factory.mktemp("sheets")
    found: dict[str, Path] = {}
    for layout in ("almene-boliger", "levende-faellesskaber"):
        data = prepared if layout == "almene-boliger" else None  # the kit's own bundled data
        results = [faktaark.build(k, data=data, out=out / layout, layout=layout,
                                  print_variant=True, validate="fast")
                   for k in ("Glostrup", "Bornholm")]  # fmt: skip
        for r in results:
            for f in r.files:
                found[f.path.name] = f.path
        for i, variant in enumerate(("screen", "print")):
            dest = out / f"{layout}-{variant}-samlet.pdf"
            api.combine_pdfs([r.files[i].path for r in results], dest,
                             labels=[r.kommune for r in results])  # fmt: skip
            found[dest.name] = dest
    return found


def test_every_file_opens_cleanly_in_pdfjs(browser: Any, files: dict[str, Path]) -> None:
    assert len(files) == 12
    for name, path in sorted(files.items()):
        res = _open(browser, path)
        combined = "samlet" in name
        assert res["pages"] == (4 if combined else 2), (name, res["pages"])
        text = res["text"]
        assert "Glostrup" in text or "Bornholm" in text, (name, text[:300])
        assert "æ" in text or "ø" in text or "å" in text, (name, text[:300])
        assert res["inked"] > 0.02, (name, res["inked"])  # the page is drawn, not blank
        problems = [m for m in res["messages"] if ("Warning" in m or "Error" in m)
                    and m != SETUP]  # fmt: skip
        assert problems == [], (name, problems[:5])


def test_pdfjs_reads_the_figures_as_printed(browser: Any, files: dict[str, Path]) -> None:
    """Glostrup's real figures, in Danish notation, as pdf.js gives them to a screen reader or
    a search box (the first page of the screen sheet)."""
    res = _open(browser, files["161-glostrup.pdf"])
    text = " ".join(res["text"].split())
    for figure in ("4.451", "7.900", "8 pct.", "40 pct.", "333 mio. kr."):
        assert figure in text, (figure, text[:500])
    assert res["title"], "pdf.js shows no document title"


def test_pdfjs_warnings_are_seen(browser: Any, files: dict[str, Path], tmp_path: Path) -> None:
    """The check above can fail: a sheet whose cross-reference offset is wrong still opens in
    pdf.js, which repairs it and says so at its warnings level."""
    data = files["161-glostrup.pdf"].read_bytes()
    at = data.rindex(b"startxref")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[:at] + b"startxref\n17\n%%EOF\n")
    res = _open(browser, broken)
    assert res["pages"] == 2
    assert [m for m in res["messages"] if "Warning" in m and m != SETUP], res["messages"]
