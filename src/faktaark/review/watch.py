"""`faktaark preview --watch`: the layout author's loop.

A local web page (127.0.0.1, a free port) shows the chosen municipalities' pages as PNGs. A
watcher (the `watchfiles` library) rebuilds them on every save of a layout, text, data or
column-map file, and the page refreshes by itself (Server-Sent Events; the page falls back to
polling where EventSource is missing). A fit, layout or data error is shown on the page, naming
the box, and the server keeps running: the last good pages stay visible under the error.

Nothing on the build path imports this module.
"""

from __future__ import annotations

import html
import io
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.errors import FaktaarkError

if TYPE_CHECKING:
    from faktaark.core.kommuner import Kommune
    from faktaark.data.dataset import Dataset
    from faktaark.layout.model import Layout
    from faktaark.values.prepared import Prepared

__all__ = ["PreviewServer", "PreviewState", "Snapshot", "page_builder", "serve_sheets",
           "sheet_pdfs", "watched_paths"]  # fmt: skip

WATCHED_SUFFIXES = (".toml", ".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json", ".otf", ".ttf")


@dataclass(frozen=True)
class Page:
    name: str  # "161-glostrup-side1"
    kommune: str
    number: int
    png: bytes
    text: str  # the page's text, as the PDF has it (alt text of the image)
    width: int
    height: int


@dataclass(frozen=True)
class Snapshot:
    """What the page shows: a version that changes on every rebuild, the pages of the last
    good build, and the error of the last build (None when it succeeded)."""

    version: int = 0
    pages: tuple[Page, ...] = ()
    error: str | None = None
    built_ms: float = 0.0
    built_at: float = 0.0
    changed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "error": self.error,
            "built_ms": round(self.built_ms, 1),
            "built_at": self.built_at,
            "changed": list(self.changed),
            "pages": [
                {"name": p.name, "kommune": p.kommune, "side": p.number, "text": p.text,
                 "width": p.width, "height": p.height,
                 "src": f"/page/{p.name}.png?v={self.version}"}
                for p in self.pages
            ],
        }  # fmt: skip


BuildFn = Callable[[], list[Page]]


@dataclass
class PreviewState:
    """The current snapshot, rebuilt by `rebuild`; waiters are woken on every new version."""

    build: BuildFn
    snapshot: Snapshot = field(default_factory=Snapshot)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild(self, changed: Sequence[str] = ()) -> Snapshot:
        with self._lock:  # one build at a time
            t0 = time.perf_counter()
            old = self.snapshot
            try:
                pages, error = tuple(self.build()), None
            except FaktaarkError as exc:
                pages, error = old.pages, str(exc)
            except Exception as exc:  # a bug: shown on the page too; the loop keeps running
                pages, error = old.pages, f"internal error ({type(exc).__name__}): {exc}"
            new = Snapshot(
                old.version + 1, pages, error, (time.perf_counter() - t0) * 1000, time.time(),
                tuple(changed),
            )  # fmt: skip
            with self._cond:
                self.snapshot = new
                self._cond.notify_all()
            return new

    def wait_newer(self, version: int, timeout: float) -> Snapshot:
        with self._cond:
            self._cond.wait_for(lambda: self.snapshot.version > version, timeout)
            return self.snapshot

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()


SheetPdfs = Callable[[], list[tuple[str, str, bytes]]]


def sheet_pdfs(
    kommuner: Sequence[Kommune], prepare: Callable[[], Prepared],
    layout_for: Callable[[Dataset], Layout],
) -> SheetPdfs:  # fmt: skip
    """A function that prepares the data and the layout afresh (through the callables the API
    passes in) and writes the chosen sheets in memory, each given the structural check of
    every build: (municipality, file stem, PDF bytes) per sheet."""

    def make() -> list[tuple[str, str, bytes]]:
        from faktaark.builder.verdicts import check_bytes
        from faktaark.layout.rules import compares_municipalities, sheet_stem
        from faktaark.pdf.make import make_pdf
        from faktaark.plan.planner import make_plan

        prep = prepare()
        lay = layout_for(prep.dataset)
        out = []
        for k in kommuner:
            stop = prep.blocked_for(k, compares_municipalities(lay, prep.dataset.fields))
            if stop is not None:
                raise stop
            plan = make_plan(lay, prep.sheet_data(k))
            pdf = make_pdf(plan, "screen")
            check_bytes(pdf, "screen", "fast", plan.title)
            out.append((k.navn, sheet_stem(lay.name, k), pdf))
        return out

    return make


def page_builder(sheet_pdfs: SheetPdfs, dpi: float = 80) -> BuildFn:
    """A `BuildFn` from a function that plans and writes the chosen sheets afresh (reading
    the data and the layout again: the per-user cache makes that cheap while their bytes are
    unchanged) and returns (municipality, file stem, PDF bytes) per sheet: every page as a
    PNG, with its text."""

    def build() -> list[Page]:
        from faktaark.review.pages import page_texts, render_pages

        pages = []
        for kommune, stem, pdf in sheet_pdfs():
            texts = page_texts(pdf)
            for i, img in enumerate(render_pages(pdf, dpi), 1):
                buf = io.BytesIO()
                img.save(buf, "PNG", compress_level=1)
                pages.append(
                    Page(f"{stem}-side{i}", kommune, i, buf.getvalue(), texts[i - 1], *img.size)
                )
        return pages

    return build


SERVE_OPTIONS = ("columns_file", "dpi", "port", "on_rebuild")


def serve_sheets(
    kommuner: Sequence[Kommune], prepare: Callable[[], Prepared],
    layout_for: Callable[[Dataset], Layout], *, data: object = None,
    layout: str | Path | None = None, columns_file: str | Path | None = None, dpi: float = 80,
    port: int = 0, on_rebuild: Callable[[Snapshot], None] | None = None,
) -> PreviewServer:  # fmt: skip
    """The preview server of `kommuner` (not started): `prepare` and `layout_for` make the
    data and the layout afresh on each rebuild; the files of `data`, `layout` and
    `columns_file` are watched; 127.0.0.1:`port` (0: a free one)."""
    make = sheet_pdfs(kommuner, prepare, layout_for)
    paths = watched_paths(data, layout, Path(columns_file) if columns_file else None)
    return PreviewServer(PreviewState(page_builder(make, dpi)), paths, port=port,
                         on_rebuild=on_rebuild)  # fmt: skip


def watched_paths(data: object, layout: str | Path | None, columns_file: Path | None) -> list[Path]:
    """The files a rebuild reads: the layout folder, the data files (the paths among `data`;
    a DataFrame is not a file), the column map."""
    from faktaark.data.loader import input_files
    from faktaark.layout.load import resolve

    items = [data] if isinstance(data, (str, Path)) else data if isinstance(data, list) else []
    files = [p for p in items if isinstance(p, (str, Path))]
    paths = [resolve(layout), *input_files(files or None)]
    if columns_file is not None:
        paths.append(Path(columns_file))
    return [p.resolve() for p in paths]


def watch_changes(
    paths: Sequence[Path],
    stop: threading.Event,
    ready: threading.Event | None = None,
    step_ms: int = 30,
) -> Iterator[list[str]]:
    """The changed files, batch by batch, until `stop` is set; `ready` is set once the
    watcher is in place (a save before that would be missed). Folders are watched for the
    files (editors save by renaming a new file over the old one)."""
    import watchfiles

    files = {p for p in paths if not p.is_dir()}
    dirs = {p for p in paths if p.is_dir()}
    roots = sorted(dirs | {p.parent for p in files})

    def wanted(_: watchfiles.Change, name: str) -> bool:
        p = Path(name)
        if p in files:
            return True
        return p.suffix.lower() in WATCHED_SUFFIXES and any(d in p.parents for d in dirs)

    # yield_on_timeout: the first (empty) batch says the watcher is set up
    for changes in watchfiles.watch(
        *roots, watch_filter=wanted, stop_event=stop, step=step_ms, debounce=800,
        rust_timeout=100, yield_on_timeout=True,
    ):  # fmt: skip
        if ready is not None:
            ready.set()
        if changes:
            yield sorted({name for _, name in changes})


class PreviewServer:
    """The HTTP server and its watcher thread. `start()` returns at once; `url` is set."""

    def __init__(
        self, state: PreviewState, paths: Sequence[Path], *, port: int = 0,
        on_rebuild: Callable[[Snapshot], None] | None = None,
        title: str = "faktaark – forhåndsvisning",
    ) -> None:  # fmt: skip
        self.state = state
        self.paths = list(paths)
        self.stop = threading.Event()
        self.on_rebuild = on_rebuild
        self.title = title
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Build once, start serving and watching; returns when the watcher is in place."""
        if self.state.snapshot.version == 0:
            self._report(self.state.rebuild())
        ready = threading.Event()
        for target, args in ((self.httpd.serve_forever, ()), (self._watch, (ready,))):
            t = threading.Thread(target=target, args=args, daemon=True,
                                 name=f"faktaark-{target.__name__}")  # fmt: skip
            t.start()
            self._threads.append(t)
        ready.wait(10)

    def _watch(self, ready: threading.Event) -> None:
        for changed in watch_changes(self.paths, self.stop, ready):
            self._report(self.state.rebuild(changed))

    def _report(self, snap: Snapshot) -> None:
        if self.on_rebuild is not None:
            self.on_rebuild(snap)

    def wait(self) -> None:
        """Serve until Ctrl-C (KeyboardInterrupt), then stop everything."""
        try:
            while not self.stop.wait(0.5):
                pass
        finally:
            self.close()

    def close(self) -> None:
        self.stop.set()
        self.state.wake()
        self.httpd.shutdown()
        self.httpd.server_close()
        for t in self._threads:
            t.join(timeout=2)


def _handler(server: PreviewServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the terminal shows rebuilds, not requests

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            snap = server.state.snapshot
            if path == "/":
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", _page_html(server.title))
            elif path == "/state.json":
                body = json.dumps(snap.as_dict(), ensure_ascii=False).encode()
                self._send(HTTPStatus.OK, "application/json", body)
            elif path == "/events":
                self._events(snap.version)
            elif path.startswith("/page/") and path.endswith(".png"):
                name = path[len("/page/") : -len(".png")]
                page = next((p for p in snap.pages if p.name == name), None)
                if page is None:
                    self._send(HTTPStatus.NOT_FOUND, "text/plain", b"no such page")
                else:
                    self._send(HTTPStatus.OK, "image/png", page.png)
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")

        def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self, seen: int) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b"retry: 500\n\n")
                self.wfile.flush()
                while not server.stop.is_set():
                    snap = server.state.wait_newer(seen, timeout=10)
                    if snap.version > seen:
                        seen = snap.version
                        self.wfile.write(f"data: {snap.version}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def _page_html(title: str) -> bytes:
    """The page (watch.html next to this module): it asks for /state.json on every event."""
    page = (Path(__file__).parent / "watch.html").read_text(encoding="utf-8")
    return page.replace("{title}", html.escape(title)).encode("utf-8")
