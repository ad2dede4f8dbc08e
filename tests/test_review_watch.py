"""`faktaark preview --watch`: a local page of the chosen sheets that rebuilds itself on every
save of a layout, text or data file; errors shown on the page, naming the box, while the server
keeps running. (The same loop in a real browser: test_review_browser.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import copy_layout
from faktaark import api
from faktaark.core.resources import data_dir
from faktaark.review.watch import PreviewServer, watched_paths

HEADING = 'titel = "Almene boliger gør {kommune.officielt_navn} bedre"\nside2'


def _set_heading(layout: Path, words: str) -> None:
    texts = layout / "texts.da.toml"
    text = texts.read_text(encoding="utf-8")
    start = text.index("[hoved]")
    head, tail = text[:start], text[start:]
    line_start = tail.index("\ntitel = ") + 1
    line_end = tail.index("\n", line_start)
    new = f'titel = "{words} {{kommune.officielt_navn}} bedre"'
    texts.write_text(head + tail[:line_start] + new + tail[line_end:], encoding="utf-8")


@pytest.fixture
def layout_copy(tmp_path: Path) -> Path:
    return copy_layout(tmp_path)


@pytest.fixture
def server(layout_copy: Path) -> Iterator[PreviewServer]:
    srv = api.preview_server(["Glostrup"], layout=layout_copy, dpi=40)
    srv.start()
    try:
        yield srv
    finally:
        srv.close()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:
        return bytes(r.read())


def test_serves_the_pages_on_localhost(server: PreviewServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    page = _get(server.url).decode()
    assert "EventSource" in page
    state = json.loads(_get(server.url + "state.json"))
    assert state["error"] is None
    assert [p["name"] for p in state["pages"]] == ["161-glostrup-side1", "161-glostrup-side2"]
    assert "GLOSTRUP KOMMUNE" in state["pages"][0]["text"]
    assert "\ufffe" not in state["pages"][0]["text"]  # soft hyphens are not text
    assert "livssituationer" in state["pages"][0]["text"]
    png = _get(server.url + state["pages"][0]["src"].lstrip("/"))
    assert png.startswith(b"\x89PNG")


def test_a_saved_heading_rebuilds_and_pushes_an_event(
    server: PreviewServer, layout_copy: Path
) -> None:
    seen: list[str] = []
    ready = threading.Event()

    def listen() -> None:
        with urllib.request.urlopen(server.url + "events", timeout=15) as r:
            ready.set()
            for raw in r:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    seen.append(line)
                    return

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    assert ready.wait(10)
    _set_heading(layout_copy, "Nye boliger gør")
    t.join(15)
    assert seen == ["data: 2"]
    snap = server.state.snapshot
    assert snap.error is None
    assert "NYE BOLIGER GØR GLOSTRUP KOMMUNE BEDRE" in snap.pages[0].text
    assert snap.changed == (str(layout_copy.resolve() / "texts.da.toml"),)


def test_a_fit_error_is_shown_and_the_server_keeps_running(
    server: PreviewServer, layout_copy: Path
) -> None:
    old_pages = server.state.snapshot.pages
    _set_heading(layout_copy, "Meget lange overskrifter " * 10)
    snap = server.state.wait_newer(1, timeout=15)
    assert snap.version == 2
    assert snap.error is not None
    assert 'box "titel"' in snap.error
    assert snap.pages == old_pages  # the last good pages stay under the error
    state = json.loads(_get(server.url + "state.json"))
    assert 'box "titel"' in state["error"]
    _set_heading(layout_copy, "Korte ord gør")  # fixed: the next save builds again
    snap = server.state.wait_newer(2, timeout=15)
    assert snap.error is None
    assert "KORTE ORD GØR" in snap.pages[0].text


def test_a_layout_error_is_shown_too(server: PreviewServer, layout_copy: Path) -> None:
    toml = layout_copy / "layout.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[nonsense\n", encoding="utf-8")
    snap = server.state.wait_newer(1, timeout=15)
    assert snap.error is not None
    assert "layout.toml" in snap.error


def test_watched_paths_are_the_inputs_of_a_build(layout_copy: Path, tmp_path: Path) -> None:
    cols = tmp_path / "kolonner.toml"
    cols.write_text("[kolonner]\n", encoding="utf-8")
    paths = watched_paths(None, layout_copy, cols)
    assert layout_copy.resolve() in paths
    assert cols.resolve() in paths
    assert (data_dir() / "almene.csv").resolve() in paths


def test_cli_prints_the_url_and_stops_on_interrupt(layout_copy: Path) -> None:
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "faktaark", "preview", "--watch", "-k", "Glostrup",
         "--layout", str(layout_copy), "--dpi", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("http://127.0.0.1:"), line
        assert json.loads(_get(line.strip() + "state.json"))["version"] >= 1
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 130, err
