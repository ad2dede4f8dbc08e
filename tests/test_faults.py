"""Faults and hostile files (issue 16): what a user, a broken environment or a hostile file does.

Every case runs the command line in a real subprocess (`python -m faktaark`, with the Python of
`FAKTAARK_PYTHON`, default the one running the tests) under a time limit, and asserts its exit
code, its message, that no traceback appears, that no process is left behind, and that a
sentinel folder outside the output folder (and the inputs) hashes the same before and after.
Big fixtures are made cheaply (sparse files, constant data compressed once) and shared.

A real full disk needs a tmpfs: the test mounts one when it runs as root (as `.ci/run` does) and
is skipped, with the reason, otherwise. The read-only and unreadable cases run as `nobody`
(via setpriv) when root.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = Path(
    os.environ.get("FAKTAARK_REPO")
    or (HERE.parent if (HERE.parent / "layouts").is_dir() else HERE / "base")
)
PYTHON = os.environ.get("FAKTAARK_PYTHON", sys.executable)
CMD = [PYTHON, "-m", "faktaark"]
LAYOUT = REPO / "layouts" / "almene-boliger"
ALMENE = REPO / "data" / "almene.csv"
VERAPDF = Path(os.environ.get("FAKTAARK_VERAPDF", "/work/shared/corpus/verapdf"))
IS_ROOT = os.geteuid() == 0
SETPRIV = shutil.which("setpriv")
T = 60  # seconds: the time limit of a subprocess (a hang fails the case)


# --- running faktaark ------------------------------------------------------------------------


@dataclass
class Result:
    rc: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err

    def expect(self, rc: int, *needles: str) -> Result:
        """The exit code and the words the message must contain (case-insensitive)."""
        assert self.rc == rc, f"exit {self.rc}, expected {rc}:\n{self.text[-3000:]}"
        low = self.text.lower()
        for n in needles:
            assert n.lower() in low, f"{n!r} not in the message:\n{self.text[-3000:]}"
        return self


def _tree_hash(paths: Sequence[Path]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for root in paths:
        if not root.exists():
            seen[str(root)] = "missing"
            continue
        for p in sorted([root, *root.rglob("*")]):
            st = p.lstat()
            if stat.S_ISREG(st.st_mode) and st.st_size > 8 * 1024 * 1024:
                # a big (sparse) fixture: its size, times and inode, not 2 GB read twice
                seen[str(p)] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as fh:
                    seen[str(p)] = hashlib.sha256(fh.read()).hexdigest()
            else:
                seen[str(p)] = f"mode {stat.S_IFMT(st.st_mode)}"
    return seen


def _session_members(sid: int) -> list[int]:
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(d))
    return found


def _reap(sid: int) -> list[int]:
    """Processes of the session still alive after the leader ended (orphans); kills them."""
    deadline = time.monotonic() + 3
    left = _session_members(sid)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = _session_members(sid)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


class World:
    """A test's folders: `sentinel/` and `in/` must never change; `out/` is the output."""

    def __init__(self, root: Path, cache: Path) -> None:
        self.root = root
        self.sentinel = root / "sentinel"
        self.inp = root / "in"
        self.out = root / "out"
        self.cache = cache
        self.sentinel.mkdir()
        self.inp.mkdir()
        (self.sentinel / "notes.txt").write_text("mine\n")
        (self.sentinel / "victim.pdf").write_bytes(b"%PDF-1.4 not yours\n")
        (self.sentinel / "sub").mkdir()
        (self.sentinel / "sub" / "keep.csv").write_text("a,b\n1,2\n")
        self.env = {
            **os.environ,
            "XDG_CACHE_HOME": str(cache),
            "XDG_CONFIG_HOME": f"{cache}-config",
            "HOME": str(root),
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "200",
        }
        self.env.pop("FAKTAARK_CACHE", None)
        self.protected = [self.sentinel, self.inp]
        self.before = _tree_hash(self.protected)

    def seal(self) -> None:
        """Take the inputs' hashes again (after a test has prepared its inputs)."""
        self.before = _tree_hash(self.protected)

    def popen(
        self, *args: str, user: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        cmd = [*CMD, *args]
        if user:
            cmd = [SETPRIV or "setpriv", f"--reuid={user}", f"--regid={_group(user)}",
                   "--clear-groups", "--", *cmd]  # fmt: skip
        return subprocess.Popen(
            cmd,
            cwd=self.root,
            env={**self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )

    def finish(self, p: subprocess.Popen[bytes], timeout: float = T, t0: float = 0.0) -> Result:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            pytest.fail(f"hung: no exit after {timeout} s\n{(out + err).decode()[-2000:]}")
        orphans = _reap(p.pid)
        res = Result(p.returncode, (out or b"").decode(errors="replace"),
                     (err or b"").decode(errors="replace"), time.monotonic() - t0)  # fmt: skip
        assert "Traceback" not in res.text, res.text[-4000:]
        assert not orphans, f"processes left behind: {orphans}"
        after = _tree_hash(self.protected)
        changed = [k for k in set(self.before) | set(after) if self.before.get(k) != after.get(k)]
        assert not changed, f"files outside the output folder changed: {changed}"
        return res

    def run(self, *args: str, timeout: float = T, **kw: Any) -> Result:
        t0 = time.monotonic()
        return self.finish(self.popen(*args, **kw), timeout, t0)

    def build(self, *args: str, **kw: Any) -> Result:
        return self.run("build", "--out", str(self.out), *args, **kw)


def _group(user: str) -> str:
    import grp
    import pwd

    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def w(tmp_path: Path, shared_cache: Path) -> World:
    return World(tmp_path, shared_cache)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    """Glostrup and København built once: tests copy this folder."""
    root = tmp_path_factory.mktemp("built")
    wb = World(root, shared_cache)
    wb.build("-k", "161", "-k", "101").expect(0)
    return wb.out


def _copy_built(w: World, built: Path) -> dict[str, Any]:
    shutil.copytree(built, w.out)
    return dict(json.loads((w.out / "manifest.json").read_text()))


def _pdfs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.pdf")) if folder.is_dir() else []


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _manifest_consistent(out: Path) -> dict[str, Any]:
    """The manifest parses, and every file it lists exists with its recorded hash."""
    m = json.loads((out / "manifest.json").read_text())
    for sheet in m["sheets"]:
        for f in sheet["files"]:
            assert "/" not in f["file"]
            assert f["file"] not in ("", ".", "..")
            assert _sha(out / f["file"]) == f["sha256"], f["file"]
    assert not list(out.glob(".faktaark-tmp-*")), "temporary files left"
    return dict(m)


def _listed(m: dict[str, Any]) -> set[str]:
    return {f["file"] for s in m["sheets"] for f in s["files"]}


def _layout_copy(w: World, name: str = "lay") -> Path:
    dst = w.inp / name
    shutil.copytree(LAYOUT, dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


# --- cheap fixtures: PNG, XLSX, Parquet ---------------------------------------------------------


def _png(width: int, height: int, bits: int = 1, color: int = 0, noise: bool = False) -> bytes:
    """A PNG made by hand: a blank (or noisy) grey image; big blank images compress to little."""
    rowlen = (width * bits + 7) // 8
    comp = zlib.compressobj(1)
    chunks = []
    row = b"\0" + (os.urandom(rowlen) if noise else b"\0" * rowlen)
    block = row * max(1, min(height, (1 << 22) // len(row)))
    n = height
    while n > 0:
        take = min(n, len(block) // len(row))
        chunks.append(comp.compress(block[: take * len(row)]))
        n -= take
    chunks.append(comp.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, bits, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", b"".join(chunks))
        + chunk(b"IEND", b"")
    )


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _sheet_xml(rows: Sequence[Sequence[str]], dimension: str | None = None) -> str:
    out = []
    for i, row in enumerate(rows, 1):
        cells = "".join(
            f'<c r="{_col(j)}{i}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>'
            for j, v in enumerate(row, 1)
        )
        out.append(f'<row r="{i}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{''.join(out)}</sheetData></worksheet>"
    )


def _esc(v: str) -> str:
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_PKG = "application/vnd.openxmlformats-package"
_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


_CORNER = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _worksheet(head: str, rows: str) -> str:
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{_SML}">{head}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def _xlsx(path: Path, sheets: Sequence[tuple[str, str, str]]) -> None:
    """sheets: (name, state: visible|hidden|veryHidden, sheet XML)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{_PKG}.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML}.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{_OOXML}.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    wb_sheets = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
        + ("" if state == "visible" else f' state="{state}"')
        + "/>"
        for i, (name, state, _) in enumerate(sheets, 1)
    )
    wb = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}">'
        f"<sheets>{wb_sheets}</sheets></workbook>"
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i, (_, _, xml) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)


def _almene_rows() -> list[list[str]]:
    import csv

    with open(ALMENE, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _with_familieboliger(rows: list[list[str]], value: str) -> list[list[str]]:
    head = rows[0]
    col = head.index("familieboliger")
    out = [list(r) for r in rows]
    for r in out[1:]:
        if r[0] == "161":
            r[col] = value
    return out


# --- output-folder tricks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../sentinel/escaped", "../../escaped", "/tmp/faktaark-abs/abs", "", "a/b", "x\\u0000y", ".."],
    ids=["relative", "relative2", "absolute", "empty", "slash", "nul", "dotdot"],
)
def test_layout_name_cannot_leave_the_output_folder(w: World, name: str) -> None:
    lay = _layout_copy(w)
    _edit(lay / "layout.toml", 'name = "almene-boliger"', f'name = "{name}"')
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, "name")
    assert not (w.root / "escaped.pdf").exists()
    assert not Path("/tmp/faktaark-abs").exists()
    assert _pdfs(w.out) == []


def test_layout_name_is_a_slug_in_the_file_name(w: World) -> None:
    lay = _layout_copy(w)
    _edit(lay / "layout.toml", 'name = "almene-boliger"', 'name = "min-variant"')
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(0)
    assert _pdfs(w.out) == ["161-glostrup-min-variant.pdf"]


def test_combine_onto_the_input_is_refused(w: World) -> None:
    data = w.inp / "almene.csv"
    shutil.copy(ALMENE, data)
    w.seal()
    w.build("-k", "161", "--data", str(data), "--combine", str(data)).expect(2, "almene.csv")


def test_combine_onto_a_layout_file_is_refused(w: World) -> None:
    lay = _layout_copy(w)
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--combine", str(lay / "texts.da.toml")).expect(
        2, "texts.da.toml"
    )


@pytest.mark.parametrize("target", ["161-glostrup.pdf", "161-glostrup.json", "manifest.json"])
def test_combine_onto_a_file_of_the_run_is_refused(w: World, built: Path, target: str) -> None:
    _copy_built(w, built)
    w.protected.append(w.out)
    w.seal()
    w.build("-k", "161", "-k", "101", "--combine", str(w.out / target)).expect(2, target)
    _manifest_consistent(w.out)


def test_combine_onto_a_directory(w: World) -> None:
    (w.root / "adir").mkdir()
    w.build("-k", "161", "--combine", str(w.root / "adir")).expect(1, "adir")


def test_combine_onto_an_unwritable_path(w: World) -> None:
    w.build("-k", "161", "--combine", "/proc/faktaark-nope/alle.pdf").expect(1, "alle.pdf")


def test_combine_writes_inside_and_outside_out(w: World) -> None:
    """A combined file beside the output folder is allowed (the user named it)."""
    w.build("-k", "161", "-k", "101", "--combine", str(w.root / "alle.pdf")).expect(0)
    from pypdf import PdfReader

    assert len(PdfReader(w.root / "alle.pdf").pages) == 4


def test_cleanup_removes_only_faktaarks_own_leftovers(w: World) -> None:
    w.out.mkdir()
    mine = w.out / ".faktaark-tmp-notes.txt"
    mine.write_text("user notes")
    odd = w.out / ".faktaark-tmp-1-xyz.part"
    odd.write_text("not ours either")
    leftover = w.out / ".faktaark-tmp-4242-0123456789abcdef.part"
    leftover.write_bytes(b"%PDF half")
    w.build("-k", "161").expect(0)
    assert mine.exists(), "the clean-up deleted a file faktaark did not write"
    assert mine.read_text() == "user notes"
    assert odd.exists()
    assert not leftover.exists()


# --- the manifest is untrusted ------------------------------------------------------------------


def _point_at(w: World, m: dict[str, Any], target: str, victim: Path) -> None:
    for s in m["sheets"]:
        if s["kommunekode"] == 161:
            f = s["files"][0]
            f["file"] = target
            f["sha256"] = _sha(victim)
            f["bytes"] = victim.stat().st_size
    (w.out / "manifest.json").write_text(json.dumps(m))
    (w.out / "161-glostrup.pdf").unlink()


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_manifest_path_outside_is_not_trusted(w: World, built: Path, how: str) -> None:
    m = _copy_built(w, built)
    # the victim is a real sheet of another municipality, outside the output folder
    victim = w.sentinel / "victim.pdf"
    victim.write_bytes((built / "101-koebenhavn.pdf").read_bytes())
    w.seal()
    target = "../sentinel/victim.pdf" if how == "relative" else str(victim)
    _point_at(w, m, target, victim)
    r = w.build("-k", "161", "-k", "101", "--combine", str(w.out / "alle.pdf")).expect(0)
    assert "161" in r.text
    assert (w.out / "161-glostrup.pdf").is_file()
    m2 = _manifest_consistent(w.out)
    assert "161-glostrup.pdf" in _listed(m2)
    assert "Glostrup" in _pdf_text(w.out / "alle.pdf")


def test_manifest_junk_entries_are_dropped(w: World, built: Path) -> None:
    m = _copy_built(w, built)
    junk = [
        {"kommunekode": 100000 + i, "kommune": f"X{i}", "files": [{"file": f"x{i}.pdf"}]}
        for i in range(60_000)
    ]
    m["sheets"].extend(junk)
    (w.out / "manifest.json").write_text(json.dumps(m))
    w.build("-k", "161", "-k", "101").expect(0)
    m2 = _manifest_consistent(w.out)
    assert {s["kommunekode"] for s in m2["sheets"]} == {101, 161}


def test_manifest_damaged_pdf_of_the_same_size_is_rebuilt(w: World, built: Path) -> None:
    _copy_built(w, built)
    pdf = w.out / "161-glostrup.pdf"
    data = bytearray(pdf.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 64] = b"X" * 64
    pdf.write_bytes(bytes(data))
    w.build("-k", "161", "-k", "101").expect(0)
    _manifest_consistent(w.out)
    assert pdf.read_bytes() == (built / "161-glostrup.pdf").read_bytes()


def _deep(n: int) -> str:
    return "[" * n + "]" * n


@pytest.mark.parametrize(
    "content",
    ["null", "[]", "42", '"x"', "{", "FILES-STRING", "NO-BYTES", "DEEP", "DEEP-OBJ"],
)
def test_manifest_malformed_is_rebuilt_cleanly(w: World, built: Path, content: str) -> None:
    m = _copy_built(w, built)
    if content == "FILES-STRING":
        for s in m["sheets"]:
            s["files"] = "161-glostrup.pdf"
        text = json.dumps(m)
    elif content == "NO-BYTES":
        for s in m["sheets"]:
            for f in s["files"]:
                del f["bytes"]
        text = json.dumps(m)
    elif content == "DEEP":
        text = _deep(10_000)
    elif content == "DEEP-OBJ":
        text = '{"sheets": ' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "}"
    else:
        text = content
    (w.out / "manifest.json").write_text(text)
    w.build("-k", "161", "-k", "101").expect(0)
    m2 = _manifest_consistent(w.out)
    assert {"161-glostrup.pdf", "101-koebenhavn.pdf"} <= _listed(m2)


def test_manifest_is_a_directory(w: World) -> None:
    (w.out / "manifest.json").mkdir(parents=True)
    w.build("-k", "161").expect(1, "manifest.json")


# --- the per-user cache cannot run code -------------------------------------------------------


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def test_planted_pickle_in_the_cache_does_not_run(tmp_path: Path) -> None:
    import pickle

    cache = tmp_path / "xdg"
    w = World(tmp_path, cache)
    w.build("-k", "161").expect(0)
    folder = cache / "faktaark"
    assert folder.is_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Evil(marker))
    entries = [p for p in folder.rglob("*") if p.is_file()]
    assert entries
    for p in entries:
        p.write_bytes(evil)
    for kind in ("prepared", "layout", "geo", "map"):  # names a pickle cache would look for
        (folder / f"{kind}-planted.pickle").write_bytes(evil)
    shutil.rmtree(w.out)
    w.build("-k", "161").expect(0)
    assert not marker.exists(), "a planted cache entry ran code"
    assert (w.out / "161-glostrup.pdf").is_file()


def test_truncated_cache_entries_are_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "xdg"
    w = World(tmp_path, cache)
    w.build("-k", "161").expect(0)
    for p in (cache / "faktaark").rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            p.write_bytes(data[: len(data) // 2])
    shutil.rmtree(w.out)
    w.build("-k", "161").expect(0)


# --- layouts: assets, links, limits -------------------------------------------------------------

_IMAGE_BOX = """
[[box]]
id = "logo"
page = 2
kind = "image"
x = 186
y = 202
w = 10
h = 10
overlaps = ["afslutning"]
file = "{file}"
alt = "{alt}"
"""


def _with_image(w: World, file: str, alt: str = "afslutning.afsender") -> Path:
    lay = _layout_copy(w)
    with open(lay / "layout.toml", "a") as fh:
        fh.write(_IMAGE_BOX.format(file=file, alt=alt))
    return lay


def test_image_asset_inside_the_layout_folder_works(w: World) -> None:
    lay = _with_image(w, "logo.png")
    (lay / "logo.png").write_bytes(_png(64, 64, 8, 0, noise=True))
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(0)


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "etc-passwd", "symlink-out"])
def test_image_asset_outside_the_layout_folder_is_refused(w: World, kind: str) -> None:
    outside = w.sentinel / "secret.png"
    outside.write_bytes(_png(32, 32, 8, 0, noise=True))
    file = {
        "absolute": str(outside),
        "dotdot": "../../sentinel/secret.png",
        "etc-passwd": "../../etc/passwd",
        "symlink-out": "link.png",
    }[kind]
    lay = _with_image(w, file)
    if kind == "symlink-out":
        (lay / "link.png").symlink_to(outside)
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, "outside")
    assert _pdfs(w.out) == []


@pytest.mark.parametrize(
    "kind", ["not-an-image", "bomb", "huge-pixels", "huge-bytes", "dev-zero", "fifo"]
)
def test_image_asset_limits(w: World, kind: str) -> None:
    lay = _with_image(w, "logo.png")
    p = lay / "logo.png"
    if kind == "not-an-image":
        p.write_text("root:x:0:0:root:/root:/bin/sh\n")
        needle = "logo.png"
    elif kind == "bomb":
        p.write_bytes(_png(30_000, 30_000))  # 900 Mpixel, a few hundred KB
        needle = "pixel"
    elif kind == "huge-pixels":
        p.write_bytes(_png(9_000, 9_000))  # 81 Mpixel: below Pillow's own bomb limit
        needle = "pixel"
    elif kind == "huge-bytes":
        with open(p, "wb") as fh:
            fh.write(_png(16, 16))
            fh.truncate(200 * 1024 * 1024)  # sparse: costs nothing to make
        needle = "logo.png"
    elif kind == "dev-zero":
        p.symlink_to("/dev/zero")
        needle = "not a regular file"
    else:
        os.mkfifo(p)
        needle = "not a regular file"
    w.seal()
    r = w.build("-k", "161", "--layout", str(lay), "--no-validate", timeout=30).expect(1, needle)
    assert "logo.png" in r.text
    assert _pdfs(w.out) == []


def test_image_alt_must_be_a_text_key(w: World) -> None:
    lay = _with_image(w, "logo.png", alt="Et logo uden nøgle")
    (lay / "logo.png").write_bytes(_png(64, 64, 8, 0, noise=True))
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, "alt")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://x.dk"]
)
def test_links_other_than_http_and_mailto_are_refused(w: World, url: str) -> None:
    lay = _layout_copy(w)
    _edit(lay / "texts.da.toml", "(https://bl.dk)", f"({url})")
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, url.split(":")[0] + ":")
    assert _pdfs(w.out) == []


def test_mailto_link_is_allowed(w: World) -> None:
    lay = _layout_copy(w)
    _edit(lay / "texts.da.toml", "(https://bl.dk)", "(mailto:info@bl.dk)")
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(0)


@pytest.mark.parametrize("size", ["[inf, 297]", "[1e308, 297]", "[210, nan]", "[-210, 297]"])
def test_page_size_must_be_finite(w: World, size: str) -> None:
    lay = _layout_copy(w)
    _edit(lay / "layout.toml", 'size = "A4"', f"size = {size}")
    w.seal()
    r = w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, "layout.toml")
    assert "size" in r.text


def test_column_widths_must_be_finite(w: World) -> None:
    lay = _layout_copy(w)
    import re

    text = (lay / "layout.toml").read_text()
    text, n = re.subn(r"col_widths = \[[^\]]*\]", "col_widths = [inf, 20]", text, count=1)
    assert n == 1
    (lay / "layout.toml").write_text(text)
    w.seal()
    r = w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1)
    assert "nan" not in r.text.lower()
    assert "col_widths" in r.text or "inf" in r.text


def test_unknown_placeholder_filter(w: World) -> None:
    lay = _layout_copy(w)
    _edit(lay / "texts.da.toml", 'BL – Danmarks Almene Boliger"', '{kommune.navn|en|flere}"')
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, "kommune.navn")


@pytest.mark.parametrize("kind", ["arrays", "tables", "inline"])
def test_deeply_nested_texts(w: World, kind: str) -> None:
    lay = _layout_copy(w)
    deep = {
        "arrays": "dyb = " + _deep(10_000) + "\n",
        "tables": "[" + ".".join(["a"] * 10_000) + "]\nx = 1\n",
        "inline": "dyb = " + "{a = " * 10_000 + "1" + "}" * 10_000 + "\n",
    }[kind]
    with open(lay / "texts.da.toml", "a") as fh:
        fh.write("\n" + deep)
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, "texts.da.toml")


@pytest.mark.parametrize("which", ["texts.da.toml", "layout.toml"])
def test_layout_file_that_is_a_fifo(w: World, which: str) -> None:
    lay = _layout_copy(w)
    (lay / which).unlink()
    os.mkfifo(lay / which)
    w.seal()
    w.build("-k", "161", "--layout", str(lay), timeout=20).expect(1, which, "not a regular file")


@pytest.mark.parametrize("kind", ["zero-symlink", "sparse-2g"])
def test_extra_files_in_the_layout_folder_are_not_read(w: World, kind: str) -> None:
    lay = _layout_copy(w)
    if kind == "zero-symlink":
        (lay / "notes.bin").symlink_to("/dev/zero")
    else:
        with open(lay / "big.bin", "wb") as fh:
            fh.truncate(2 * 1024**3)
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate", timeout=30).expect(0)


def test_texts_file_too_big(w: World) -> None:
    lay = _layout_copy(w)
    with open(lay / "texts.da.toml", "ab") as fh:
        fh.truncate(600 * 1024 * 1024)
    w.seal()
    w.build("-k", "161", "--layout", str(lay), timeout=30).expect(1, "texts.da.toml")


# --- glyphs -------------------------------------------------------------------------------------


def test_missing_glyph_in_a_bullet(w: World) -> None:
    lay = _layout_copy(w)
    _edit(lay / "layout.toml", 'bullet = "•"', 'bullet = "😀"')
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(1, "bullet")
    assert _pdfs(w.out) == []


@pytest.mark.parametrize("validate", ["--no-validate", "--validate=sample"])
def test_missing_glyph_in_a_text(w: World, validate: str) -> None:
    lay = _layout_copy(w)
    _edit(lay / "texts.da.toml", 'BL – Danmarks Almene Boliger"', 'BL 😀"')
    w.seal()
    w.build("--all", "--layout", str(lay), validate).expect(1, "U+1F600")
    assert _pdfs(w.out) == [], "the glyph check runs before anything is written"


def test_missing_glyph_in_the_data(w: World) -> None:
    rows = _almene_rows()
    col = rows[0].index("kilde")
    for row in rows[1:]:
        if row[0] == "400":
            row[col] = "Egne tal 😀"
    data = w.inp / "almene.csv"
    import csv

    with open(data, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    w.seal()
    w.build("--all", "--data", str(data), "--no-validate").expect(1, "Bornholm")
    assert "400-bornholm.pdf" not in _pdfs(w.out)


def test_nbsp_and_soft_hyphen_do_not_vanish(w: World) -> None:
    lay = _layout_copy(w)
    _edit(
        lay / "texts.da.toml",
        'BL – Danmarks Almene Boliger"',
        'Alfa\\u00a0Beta Gam\\u00adma\\u00a0\\u00ad"',
    )
    w.seal()
    w.build("-k", "161", "--layout", str(lay), "--no-validate").expect(0)
    import re

    text = _pdf_text(w.out / "161-glostrup.pdf")
    assert re.search(r"Alfa\s+Beta", text), text[-400:]
    text = text.replace("\u00ad", "")
    assert "Gamma" in text or "Gam-" in text, text[-400:]


# --- OS errors ----------------------------------------------------------------------------------


def test_final_path_is_a_directory_fails_that_sheet_only(w: World) -> None:
    (w.out / "161-glostrup.pdf").mkdir(parents=True)
    r = w.build("-k", "161", "-k", "101", "-k", "400").expect(1, "161-glostrup.pdf")
    assert "Is a directory" in r.text or "directory" in r.text.lower()
    m = _manifest_consistent(w.out)
    assert _listed(m) >= {"101-koebenhavn.pdf", "400-bornholm.pdf"}
    assert "161-glostrup.pdf" not in _listed(m)


def test_final_path_is_a_directory_in_a_batch(w: World) -> None:
    (w.out / "400-bornholm.pdf").mkdir(parents=True)
    w.build("--all", "--no-validate").expect(1, "400-bornholm.pdf")
    m = _manifest_consistent(w.out)
    assert len(m["sheets"]) == 97


def test_sidecar_path_is_a_directory(w: World) -> None:
    (w.out / "161-glostrup.json").mkdir(parents=True)
    w.build("-k", "161", "-k", "101").expect(1, "161-glostrup.json")
    m = _manifest_consistent(w.out)
    assert "101-koebenhavn.pdf" in _listed(m)


@pytest.mark.parametrize("kind", ["out-is-file", "parent-is-file"])
def test_out_is_not_a_folder(w: World, kind: str) -> None:
    (w.root / "afile").write_text("x")
    out = w.root / "afile" if kind == "out-is-file" else w.root / "afile" / "sub"
    r = w.run("build", "-k", "161", "--out", str(out)).expect(1, "afile")
    assert (w.root / "afile").read_text() == "x"
    assert r.text.strip().count("\n") < 6


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real small disk: `FAKTAARK_FULL_DISK` (a tmpfs of a few hundred kB that `.ci/run`
    mounts when it runs as root), else one mounted here when root, else the case is skipped."""
    given = os.environ.get("FAKTAARK_FULL_DISK")
    if given:
        mnt = Path(given)
        assert mnt.is_dir(), f"FAKTAARK_FULL_DISK={given} is not a folder"
        _empty(mnt)
        try:
            yield mnt
        finally:
            _empty(mnt)
        return
    mnt = tmp_path / "full"
    mnt.mkdir()
    if not IS_ROOT:
        pytest.skip("a real full disk needs a tmpfs: run as root (as .ci/run does) to mount one")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)  # fmt: skip
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()}): full-disk case not run")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("what", ["all", "all, one process", "one"])
def test_full_disk(w: World, tmpfs: Path, what: str) -> None:
    out = tmpfs / "ark"
    if what == "one":
        with open(tmpfs / "filler", "wb") as fh, contextlib.suppress(OSError):  # ~30 kB left
            fh.write(b"\0" * (370 * 1024))
        args = ["-k", "161"]
    else:  # one process: a thread writes each sheet while the next is made (builder.work)
        args = ["--all", "--no-validate", *(["--jobs", "1"] if "one process" in what else [])]
    r = w.run("build", "--out", str(out), *args).expect(1, "No space left")
    assert r.text.count("No space left") < 5, "one paragraph, not one per sheet"
    assert not list(out.glob(".faktaark-tmp-*"))
    if what != "one":
        assert "not attempted" in r.text, "the run stops cleanly and says so"
        m = _manifest_consistent(out)
        assert set(_pdfs(out)) == {f for f in _listed(m) if f.endswith(".pdf")}


def test_contact_sheet_out_is_a_directory(w: World, built: Path) -> None:
    _copy_built(w, built)
    (w.root / "oversigt.pdf").mkdir()
    w.run("contact-sheet", str(w.out), "--out", str(w.root / "oversigt.pdf")).expect(
        1, "oversigt.pdf"
    )


def _world_dir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="faktaark-faults-"))
    d.chmod(0o755)
    return d


def _as_nobody_world(shared_cache: Path) -> World:
    root = _world_dir()
    cache = root / "xdg"
    cache.mkdir()
    cache.chmod(0o777)
    home = root / "home"
    home.mkdir()
    home.chmod(0o777)
    w = World(root, cache)
    w.env["HOME"] = str(home)
    return w


needs_nobody = pytest.mark.skipif(
    not (IS_ROOT and SETPRIV), reason="needs root and setpriv to run as an unprivileged user"
)


@needs_nobody
def test_read_only_out_folder_as_nobody(shared_cache: Path) -> None:
    w = _as_nobody_world(shared_cache)
    try:
        w.out.mkdir()
        w.out.chmod(0o755)  # root's, so not writable for nobody
        r = w.build("-k", "161", user="nobody").expect(1, "Permission denied")
        assert str(w.out) in r.text
        sub = w.root / "ro"
        sub.mkdir()
        w.run("build", "-k", "161", "--out", str(sub / "new"), user="nobody").expect(
            1, "Permission denied"
        )
    finally:
        shutil.rmtree(w.root, ignore_errors=True)


@needs_nobody
def test_unreadable_layout_file_as_nobody(shared_cache: Path) -> None:
    w = _as_nobody_world(shared_cache)
    try:
        lay = _layout_copy(w)
        for p in [lay, *lay.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        (lay / "texts.da.toml").chmod(0o000)
        w.seal()
        w.out.mkdir()
        w.out.chmod(0o777)
        w.build("-k", "161", "--layout", str(lay), user="nobody").expect(
            1, "texts.da.toml", "Permission denied"
        )
    finally:
        shutil.rmtree(w.root, ignore_errors=True)


@needs_nobody
def test_unreadable_data_file_as_nobody(shared_cache: Path) -> None:
    w = _as_nobody_world(shared_cache)
    try:
        data = w.inp / "almene.csv"
        shutil.copy(ALMENE, data)
        data.chmod(0o600)
        w.seal()
        w.out.mkdir()
        w.out.chmod(0o777)
        w.build("-k", "161", "--data", str(data), user="nobody").expect(
            1, "almene.csv", "Permission denied"
        )
    finally:
        shutil.rmtree(w.root, ignore_errors=True)


# --- workers, signals ---------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _wait_for(cond: Any, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return False


def _batch(w: World, unhurried: bool = True) -> subprocess.Popen[bytes]:
    """All 98 with the print variant and the full validator on each. With the shared cache's
    remembered verdicts that is about a second, too short for a test that acts once the batch
    has begun and must find it still running on a busy machine; so (`unhurried`) without the
    per-user cache: every verdict is made again, several seconds."""
    env = {"FAKTAARK_CACHE": "0"} if unhurried else None
    return w.popen("build", "--all", "--out", str(w.out), "--jobs", "2", "--force", "--print",
                   "--validate", "full", env=env)  # fmt: skip


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for c in _children(todo.pop()):
            out.append(c)
            todo.append(c)
    return out


@pytest.mark.parametrize("victim", ["one-worker", "every-worker"])
def test_killed_worker_is_noticed(w: World, victim: str) -> None:
    """The sheet a killed worker was building fails ("a worker process died"); this process
    and the other workers build the rest. Never a hang."""
    t0 = time.monotonic()
    p = w.popen(
        "build",
        "--all",
        "--out",
        str(w.out),
        "--jobs",
        "3",
        "--force",
        "--print",
        "--validate",
        "full",
        env={"FAKTAARK_CACHE": "0"},
    )  # still running: see _batch
    assert _wait_for(lambda: len(_workers_of(p.pid)) == 2 and bool(_pdfs(w.out))), "no worker"
    targets = _workers_of(p.pid)
    for target in targets[:1] if victim == "one-worker" else targets:
        os.kill(target, signal.SIGKILL)
    r = w.finish(p, 60, t0).expect(1)
    assert "worker process died" in r.text.lower()
    m = _manifest_consistent(w.out)
    assert len(m["sheets"]) >= 90, len(m["sheets"])  # the others built the rest


def _signal_at(
    w: World, sig: int, moment: str, group: bool
) -> tuple[Result, subprocess.Popen[bytes]]:
    t0 = time.monotonic()
    p = _batch(w)
    if moment == "first-sheet":
        assert _wait_for(lambda: bool(_pdfs(w.out)), 30)
    else:
        time.sleep(float(moment))
    if group:
        os.killpg(p.pid, sig)
    else:
        os.kill(p.pid, sig)
    return w.finish(p, 60, t0), p


def _after_interrupt(w: World, r: Result) -> None:
    if (w.out / "manifest.json").exists():
        m = _manifest_consistent(w.out)
        unlisted = set(_pdfs(w.out)) - _listed(m)
        for name in unlisted:
            assert name in r.text, f"{name} is on disk, not in the manifest and not named"
        if unlisted:
            assert "no partial file" not in r.text.lower()
    else:
        assert _pdfs(w.out) == [] or all(n in r.text for n in _pdfs(w.out))
    assert not list(w.out.glob(".faktaark-tmp-*")) if w.out.is_dir() else True


@pytest.mark.parametrize("moment", ["0.05", "0.3", "0.8", "first-sheet"])
def test_sigterm_behaves_like_ctrl_c(w: World, moment: str) -> None:
    r, _ = _signal_at(w, signal.SIGTERM, moment, group=False)
    if r.rc == -signal.SIGTERM and not w.out.exists():
        return  # killed before Python ran any of faktaark: nothing to record
    r.expect(143)
    _after_interrupt(w, r)


@pytest.mark.parametrize("moment", ["0.1", "0.2", "0.3", "0.5", "first-sheet"])
def test_sigint_at_several_moments(w: World, moment: str) -> None:
    r, _ = _signal_at(w, signal.SIGINT, moment, group=True)
    if r.rc == -signal.SIGINT and not w.out.exists():
        return  # before the interpreter installed its handler: nothing ran, nothing to record
    r.expect(130)
    _after_interrupt(w, r)


def test_sigint_during_a_single_sheet_start_up(w: World) -> None:
    for delay in (0.1, 0.13, 0.16, 0.2):
        t0 = time.monotonic()
        p = w.popen("build", "-k", "161", "--out", str(w.out), "--force")
        time.sleep(delay)
        os.killpg(p.pid, signal.SIGINT)
        r = w.finish(p, 30, t0)
        assert r.rc in (130, 0), r.text  # 0: it finished before the signal
        if (w.out / "manifest.json").exists():
            _manifest_consistent(w.out)


# --- inputs that are not regular files --------------------------------------------------------


@pytest.fixture
def fifo(w: World) -> Path:
    p = w.root / "pipe.csv"
    os.mkfifo(p)
    return p


@pytest.mark.parametrize("src", ["fifo", "/dev/zero", "/dev/urandom", "dir-with-fifo"])
def test_data_that_is_not_a_regular_file(w: World, fifo: Path, src: str) -> None:
    if src == "fifo":
        path = str(fifo)
    elif src == "dir-with-fifo":
        d = w.root / "datadir"
        d.mkdir()
        shutil.copy(ALMENE, d / "almene.csv")
        os.mkfifo(d / "folketal.csv")
        path = str(d)
    else:
        path = src
    w.build("-k", "161", "--data", path, timeout=20).expect(1, "not a regular file")


@pytest.mark.parametrize("src", ["fifo", "/dev/zero"])
def test_columns_file_that_is_not_a_regular_file(w: World, fifo: Path, src: str) -> None:
    path = str(fifo) if src == "fifo" else src
    w.build("-k", "161", "--columns-file", path, timeout=20).expect(1, "not a regular file")


@pytest.mark.parametrize("src", ["fifo", "/dev/zero", "sparse"])
def test_check_on_what_is_not_a_pdf_file(w: World, fifo: Path, src: str) -> None:
    if src == "sparse":
        p = w.root / "big.pdf"
        with open(p, "wb") as fh:
            fh.write(b"%PDF-1.7\n")
            fh.truncate(3 * 1024**3)
        path = str(p)
    else:
        path = str(fifo) if src == "fifo" else src
    w.run("check", path, timeout=20).expect(1)


def test_data_empty_string(w: World) -> None:
    w.build("-k", "161", "--data", "").expect(2, "--data")


def test_data_a_folder_without_figures(w: World) -> None:
    (w.root / "tom").mkdir()
    w.build("-k", "161", "--data", str(w.root / "tom")).expect(1, "tom")


@pytest.mark.parametrize("jobs", ["-3", "0"])
def test_jobs_out_of_range_is_refused(w: World, jobs: str) -> None:
    w.build("-k", "161", "-k", "101", "--jobs", jobs).expect(2, "--jobs")


def test_jobs_huge_is_clamped(w: World) -> None:
    r = w.build("--all", "--jobs", "100000", "--no-validate").expect(0)
    assert len(_pdfs(w.out)) == 98
    assert r.seconds < T


# --- hostile data files -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bigfiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("big")
    files: dict[str, Path] = {}
    # an XLSX zip bomb: a sheet that inflates to ~600 MB from ~1 MB
    bomb = d / "bomb.xlsx"
    head = _sheet_xml(_almene_rows()[:3])
    pad = " " * (1 << 20)
    _xlsx(bomb, [("Ark1", "visible", head)])
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
        z.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as fh,
    ):
        for _ in range(600):
            fh.write(pad.encode())
    files["bomb"] = bomb
    # 500.000 rows, one cell each
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 500_001))
    big = d / "rows.xlsx"
    _xlsx(big, [("Ark1", "visible", _worksheet('<dimension ref="A1:A500000"/>', rows))])
    files["rows"] = big
    # 3 M rows of Parquet
    import polars as pl

    pq = d / "rows.parquet"
    pl.DataFrame(
        {"kommunekode": pl.repeat(161, 3_000_000, eager=True, dtype=pl.Int32)}
    ).write_parquet(pq)
    files["parquet"] = pq
    return files


def test_xlsx_zip_bomb_is_refused_before_reading(w: World, bigfiles: dict[str, Path]) -> None:
    w.build("-k", "161", "--data", str(bigfiles["bomb"]), timeout=30).expect(1, "bomb.xlsx")


def test_xlsx_500000_rows_refused_from_the_dimension(w: World, bigfiles: dict[str, Path]) -> None:
    w.build("-k", "161", "--data", str(bigfiles["rows"]), timeout=30).expect(1, "rows.xlsx", "rows")


def test_parquet_3m_rows_refused_from_metadata(w: World, bigfiles: dict[str, Path]) -> None:
    w.build("-k", "161", "--data", str(bigfiles["parquet"]), timeout=30).expect(
        1, "rows.parquet", "rows"
    )


def test_xlsx_single_cell_at_the_last_corner(w: World) -> None:
    p = w.inp / "corner.xlsx"
    xml = _worksheet('<dimension ref="XFD1048576"/>', _CORNER)
    _xlsx(p, [("Ark1", "visible", xml)])
    w.seal()
    w.build("-k", "161", "--data", str(p), timeout=30).expect(1, "corner.xlsx")


def test_xlsx_single_cell_at_the_last_corner_without_dimension(w: World) -> None:
    p = w.inp / "corner.xlsx"
    xml = _worksheet("", _CORNER)
    _xlsx(p, [("Ark1", "visible", xml)])
    w.seal()
    w.build("-k", "161", "--data", str(p), timeout=30).expect(1, "corner.xlsx")


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_xlsx_hidden_first_sheet_is_not_read(w: World, state: str) -> None:
    rows = _almene_rows()
    stale = _with_familieboliger(rows, "3333")
    p = w.inp / "almene.xlsx"
    _xlsx(p, [("Gammel", state, _sheet_xml(stale)), ("Ny", "visible", _sheet_xml(rows))])
    w.seal()
    w.build("-k", "161", "--data", str(p), "--no-validate").expect(0)
    prov = (w.out / "161-glostrup.json").read_text()
    assert "4451" in prov.replace(".", "")
    assert "3333" not in prov.replace(".", "")


def test_parquet_binary_column(w: World) -> None:
    import polars as pl

    frame = pl.read_csv(ALMENE, infer_schema_length=0)
    frame = frame.with_columns(pl.col("kilde").cast(pl.Binary))
    p = w.inp / "almene.parquet"
    frame.write_parquet(p)
    w.seal()
    r = w.build("-k", "161", "--data", str(p), "--no-validate")
    if r.rc == 0:  # decoded as UTF-8 text is fine too; raw bytes on the sheet are not
        text = _pdf_text(w.out / "161-glostrup.pdf")
        for raw in ("b'", 'b"', "\\x"):
            assert raw not in text
        assert "beregninger på" in text
    else:
        r.expect(1, "kilde")


def test_invalid_utf8_byte_in_a_csv_is_named(w: World) -> None:
    raw = ALMENE.read_bytes()
    old = b"BL's egne beregninger"
    assert old in raw
    bad = raw.replace(old, b"BL\xed\xa0\x80s egne beregninger", 1)
    p = w.inp / "almene.csv"
    p.write_bytes(bad)
    w.seal()
    import re

    r = w.build("-k", "161", "--data", str(p), "--no-validate").expect(1, "almene.csv")
    assert re.search(r"(:9\b|line 9\b|linje 9\b)", r.text), r.text
    assert "Ã¥" not in r.text
    assert "€" not in r.text
    assert _pdfs(w.out) == []


def _json_data(w: World) -> tuple[list[dict[str, str]], Path]:
    rows = _almene_rows()
    objs = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    return objs, w.inp / "almene.json"


def test_duplicate_json_keys_are_refused(w: World) -> None:
    objs, p = _json_data(w)
    parts = []
    for o in objs:
        body = json.dumps(o, ensure_ascii=False)[1:-1]
        if o["kommunekode"] == "161":
            body = '"familieboliger": "-5", ' + body
        parts.append("{" + body + "}")
    p.write_text("[" + ",\n".join(parts) + "]", encoding="utf-8")
    w.seal()
    w.build("-k", "161", "--data", str(p)).expect(1, "familieboliger", "almene.json")
    assert _pdfs(w.out) == []


def test_json_5000_digit_integer(w: World) -> None:
    objs, p = _json_data(w)
    text = json.dumps(objs, ensure_ascii=False)
    text = text.replace('"familieboliger": "4451"', '"familieboliger": ' + "9" * 5000, 1)
    p.write_text(text, encoding="utf-8")
    w.seal()
    w.build("-k", "161", "--data", str(p)).expect(1, "almene.json")


def test_json_deeply_nested(w: World) -> None:
    p = w.inp / "deep.json"
    p.write_text(_deep(100_000))
    w.seal()
    w.build("-k", "161", "--data", str(p)).expect(1, "deep.json")


# --- faktaark check on broken PDFs --------------------------------------------------------------


def _corpus() -> list[Path]:
    return sorted(VERAPDF.rglob("*.pdf")) if VERAPDF.is_dir() else []


@pytest.mark.skipif(not _corpus(), reason=f"the veraPDF corpus is not at {VERAPDF}")
def test_check_on_the_verapdf_corpus(w: World) -> None:
    files = _corpus()
    r = w.run("check", "--no-validate", *map(str, files), timeout=120)
    assert r.rc in (0, 1)
    for f in files:
        assert f.name in r.text, f"{f.name} not reported"


def test_check_on_an_encrypted_pdf(w: World, built: Path) -> None:
    import pikepdf

    src = pikepdf.open(built / "161-glostrup.pdf")
    enc = w.root / "hemmelig.pdf"
    src.save(enc, encryption=pikepdf.Encryption(user="hemmeligt", owner="ejer", R=6))
    w.run("check", str(enc)).expect(1, "hemmelig.pdf", "encrypt")


def test_check_on_a_truncated_pdf(w: World, built: Path) -> None:
    p = w.root / "halv.pdf"
    data = (built / "161-glostrup.pdf").read_bytes()
    p.write_bytes(data[: len(data) // 3])
    w.run("check", str(p)).expect(1, "halv.pdf")


# --- the Python API -----------------------------------------------------------------------------

_API_SCRIPT = r"""
import json, sys
from pathlib import Path
import faktaark
tmp = Path(sys.argv[1])
(tmp / "afile").write_text("x")
import polars as pl
empty = pl.read_csv(sys.argv[2], infer_schema_length=0).head(0)
cases = {
    "build-out-file": lambda: faktaark.build("Glostrup", out=tmp / "afile"),
    "build-out-none": lambda: faktaark.build("Glostrup", out=None),
    "build-layout-5": lambda: faktaark.build("Glostrup", layout=5, out=tmp / "o"),
    "build-layout-nul": lambda: faktaark.build("Glostrup", layout="a\x00b", out=tmp / "o"),
    "build-kommune-none": lambda: faktaark.build(None, out=tmp / "o"),
    "build-validate-bogus": lambda: faktaark.build("Glostrup", out=tmp / "o", validate="bogus"),
    "zero-row-frame": lambda: faktaark.load(empty),
    "zero-row-build": lambda: faktaark.build("Glostrup", data=empty, out=tmp / "o"),
    "write-indicators-unwritable": lambda: faktaark.write_indicators(
        faktaark.indicators(), out="/proc/faktaark-nope/ind.csv"),
    "write-indicators-dir": lambda: faktaark.write_indicators(faktaark.indicators(), out=tmp),
    "preview-dpi-0": lambda: faktaark.preview_pages("Glostrup", out=tmp / "p", dpi=0),
    "preview-dpi--1": lambda: faktaark.preview_pages("Glostrup", out=tmp / "p", dpi=-1),
    "preview-dpi-1e6": lambda: faktaark.preview_pages("Glostrup", out=tmp / "p", dpi=10**6),
    "preview-dpi-nan": lambda: faktaark.preview_pages("Glostrup", out=tmp / "p", dpi=float("nan")),
    "load-columns-int": lambda: faktaark.load(columns=5),
    "load-columns-list": lambda: faktaark.load(columns=["a", "b"]),
    "load-data-int": lambda: faktaark.load(42),
    "load-data-empty": lambda: faktaark.load(""),
    "check-pdf-broken": lambda: faktaark.check_pdf([tmp / "afile"]),
    "build-many-out-file": lambda: faktaark.build_many(["Glostrup"], out=tmp / "afile"),
    "contact-sheet-missing": lambda: faktaark.contact_sheet(tmp / "nope", tmp / "c.pdf"),
}
exported = callable(getattr(faktaark, "check_pdf", None))
res = {"exported": "check_pdf" in faktaark.__all__ and exported}
for name, fn in cases.items():
    try:
        fn()
        res[name] = ["returned", ""]
    except faktaark.FaktaarkError as exc:
        res[name] = [type(exc).__name__, str(exc)]
    except BaseException as exc:
        res[name] = ["RAW:" + type(exc).__name__, str(exc)[:300]]
print("RESULT" + json.dumps(res))
"""

_API_EXPECT = {
    "build-out-file": "afile",
    "build-out-none": "out",
    "build-layout-5": "layout",
    "build-layout-nul": "layout",
    "build-kommune-none": "kommune",
    "build-validate-bogus": "bogus",
    "zero-row-frame": "",
    "zero-row-build": "",
    "write-indicators-unwritable": "ind.csv",
    "write-indicators-dir": "",
    "preview-dpi-0": "dpi",
    "preview-dpi--1": "dpi",
    "preview-dpi-1e6": "dpi",
    "preview-dpi-nan": "dpi",
    "load-columns-int": "columns",
    "load-columns-list": "columns",
    "load-data-int": "",
    "load-data-empty": "",
    "check-pdf-broken": "afile",
    "build-many-out-file": "afile",
    "contact-sheet-missing": "nope",
}


@pytest.fixture(scope="module")
def api_results(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("api")
    w = World(root, shared_cache)
    script = root / "api_cases.py"
    script.write_text(_API_SCRIPT)
    t0 = time.monotonic()
    p = subprocess.Popen(
        [PYTHON, str(script), str(root), str(ALMENE)], cwd=root, env=w.env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    r = w.finish(p, 120, t0)
    line = [ln for ln in r.out.splitlines() if ln.startswith("RESULT")]
    assert line, r.text[-3000:]
    return dict(json.loads(line[0][len("RESULT") :]))


@pytest.mark.parametrize("case", sorted(_API_EXPECT))
def test_api_misuse_raises_faktaark_errors(api_results: dict[str, Any], case: str) -> None:
    kind, msg = api_results[case]
    assert not kind.startswith("RAW:"), f"{case}: {kind}: {msg}"
    if case == "check-pdf-broken" and kind == "returned":
        return  # a report naming the problem is a fine answer too
    assert kind != "returned", f"{case} was accepted"
    assert _API_EXPECT[case].lower() in msg.lower(), f"{case}: {msg}"


def test_api_check_pdf_is_exported(api_results: dict[str, Any]) -> None:
    assert api_results["exported"] is True


# --- the project configuration goes through the guard -------------------------------------------


def _config_env(**extra: str) -> dict[str, str]:
    """The test run sets FAKTAARK_CONFIG=none (conftest): these cases look for a file."""
    return {"FAKTAARK_CONFIG": "", **extra}


@pytest.mark.parametrize("how", ["found", "FAKTAARK_CONFIG"])
def test_config_file_that_is_a_fifo(w: World, how: str) -> None:
    proj = w.root / "proj"
    proj.mkdir()
    os.mkfifo(proj / "faktaark.toml")
    env = _config_env(FAKTAARK_CONFIG=str(proj / "faktaark.toml")) if how != "found" else None
    p = subprocess.Popen(
        [*CMD, "build", "-k", "161", "--out", str(w.out)], cwd=proj,
        env={**w.env, **(env or _config_env())}, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    w.finish(p, timeout=20, t0=time.monotonic()).expect(1, "faktaark.toml", "not a regular file")
    assert not w.out.exists()


@pytest.mark.parametrize("src", ["/dev/zero", "folder"])
def test_config_env_that_is_not_a_regular_file(w: World, src: str) -> None:
    path = src if src.startswith("/") else str(w.sentinel)
    w.build("-k", "161", env=_config_env(FAKTAARK_CONFIG=path), timeout=20).expect(
        1, path, "not a regular file"
    )


@pytest.mark.parametrize("name", ["faktaark.toml", "pyproject.toml"])
def test_config_file_too_big(w: World, name: str) -> None:
    proj = w.root / "proj"
    proj.mkdir()
    with open(proj / name, "wb") as fh:  # 50 MB: the table line first, then a sparse tail
        fh.write(b"[tool.faktaark]\njobs = 2\n" if name == "pyproject.toml" else b"jobs = 2\n")
        fh.truncate(50 * 1024 * 1024)
    r = _run_in(w, proj, "config", timeout=20).expect(1, name, "MB", "limit")
    assert r.seconds < 10


def _run_in(w: World, cwd: Path, *args: str, timeout: float = T, **env: str) -> Result:
    t0 = time.monotonic()
    p = subprocess.Popen(
        [*CMD, *args], cwd=cwd, env={**w.env, **_config_env(**env)}, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    return w.finish(p, timeout, t0)


def test_config_malformed_toml(w: World) -> None:
    proj = w.root / "proj"
    proj.mkdir()
    (proj / "faktaark.toml").write_text('jobs = 2\ndata = ["a.csv",\n')
    _run_in(w, proj, "build", "-k", "161", timeout=20).expect(2, "faktaark.toml", "TOML")


@pytest.mark.parametrize(
    ("line", "rc"),
    [('data = ["/dev/zero"]', 1), ('columns-file = "/dev/zero"', 1), ('layout = "/dev/zero"', 2)],
)
def test_config_names_dev_zero(w: World, line: str, rc: int) -> None:
    """A file the configuration names is refused as the same flag would be (a layout that is
    not a folder is an unknown layout: a usage error)."""
    proj = w.root / "proj"
    proj.mkdir()
    (proj / "faktaark.toml").write_text(f'{line}\nout = "{w.out}"\n')
    _run_in(w, proj, "build", "-k", "161", timeout=20).expect(rc, "/dev/zero")
    assert _pdfs(w.out) == []


def test_config_out_is_a_file(w: World) -> None:
    proj = w.root / "proj"
    proj.mkdir()
    (proj / "ark").write_text("a user's file\n")
    (proj / "faktaark.toml").write_text('out = "ark"\n')
    _run_in(w, proj, "build", "-k", "161", timeout=20).expect(1, "ark", "is a file")
    assert (proj / "ark").read_text() == "a user's file\n"


def test_config_paths_through_symlinks(w: World) -> None:
    """The configuration is the user's own, as trusted as the command line: its paths may lie
    outside its folder (a symlink to a shared data folder is followed), but every file it names
    still goes through the guard. A linked faktaark.toml reads paths relative to the folder it
    was found in (where the link is), both when found and via FAKTAARK_CONFIG; two links to one
    file in two folders never share cached paths."""
    shared = w.inp / "shared"
    shared.mkdir()
    (shared / "faktaark.toml").write_text('data = ["tal/almene.csv"]\nout = "ark"\n')
    for name, target in (("a", ALMENE), ("b", Path("/dev/zero"))):
        proj = w.root / name
        (proj / "tal").mkdir(parents=True)
        (proj / "tal" / "almene.csv").symlink_to(target)
        (proj / "faktaark.toml").symlink_to(shared / "faktaark.toml")
    w.seal()
    _run_in(w, w.root / "a", "build", "-k", "161", timeout=30).expect(0)
    assert _pdfs(w.root / "a" / "ark") == ["161-glostrup.pdf"]
    _run_in(w, w.root / "b", "build", "-k", "161", timeout=20).expect(1, "not a regular file")
    cfg = str(w.root / "b" / "faktaark.toml")
    _run_in(w, w.root, "build", "-k", "161", timeout=20, FAKTAARK_CONFIG=cfg).expect(
        1, "not a regular file"
    )
    assert not (shared / "ark").exists()
    assert not (w.root / "b" / "ark").exists()


# --- the print preflight goes through the guard -------------------------------------------------


def _write_pdf(path: Path, objects: Sequence[bytes]) -> None:
    """A PDF written by hand with a correct xref: objects are 1..n, 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )  # fmt: skip
    path.write_bytes(bytes(out))


def _many_pages(path: Path, n: int) -> None:
    kids = b" ".join(b"%d 0 R" % (i + 4) for i in range(n))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * n
    content = b"<< /Length 27 >>\nstream\n0 0 1 rg 10 10 90 90 re f\nendstream"
    tree = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (n, kids)
    _write_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>", tree, content, *pages])


def _nested_pdf(path: Path, depth: int) -> None:
    deep = b"[" * depth + b"]" * depth
    _write_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R /Deep %s >>" % deep,
                      b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])  # fmt: skip


@pytest.mark.parametrize("how", [["preflight"], ["check", "--print"]], ids=["preflight", "check"])
@pytest.mark.parametrize("src", ["fifo", "/dev/zero", "sparse", "text", "folder", "missing"])
def test_preflight_on_what_is_not_a_pdf_file(
    w: World, fifo: Path, how: list[str], src: str
) -> None:
    p = w.root / f"{src.strip('/').replace('/', '-')}.pdf"
    if src == "fifo":
        p = fifo
    elif src == "sparse":
        with open(p, "wb") as fh:
            fh.write(b"%PDF-1.7\n")
            fh.truncate(3 * 1024**3)
    elif src == "text":
        p.write_text("Kære trykker, her er filen.\n")
    elif src == "folder":
        p.mkdir()
    elif src.startswith("/"):
        p = Path(src)
    r = w.run(*how, str(p), timeout=20).expect(1, p.name)
    lines = [ln for ln in r.err.splitlines() if str(p) in ln]
    assert len(lines) == 1, r.text


@pytest.mark.parametrize("kind", ["truncated", "encrypted", "pages-10000", "nested-5000"])
def test_preflight_on_a_broken_pdf(w: World, built: Path, kind: str) -> None:
    p = w.root / f"{kind}.pdf"
    good = built / "161-glostrup.pdf"
    if kind == "truncated":
        data = good.read_bytes()
        p.write_bytes(data[: len(data) // 3])
    elif kind == "encrypted":
        import pikepdf

        with pikepdf.open(good) as src:
            src.save(p, encryption=pikepdf.Encryption(user="hemmeligt", owner="ejer", R=6))
    elif kind == "pages-10000":
        _many_pages(p, 10_000)
    else:
        _nested_pdf(p, 5000)
    need = {"encrypted": "encrypt", "pages-10000": "pages"}.get(kind, p.name)
    r = w.run("preflight", str(p), timeout=20).expect(1, p.name, need)
    assert r.seconds < 15, f"{r.seconds:.1f} s"


# --- build --clean and --dry-run touch only faktaark's own files in the folder ------------------


@pytest.mark.parametrize("flags", [["--clean"], ["--dry-run", "--clean"]], ids=["clean", "dry"])
def test_clean_never_follows_a_symlink_out(w: World, built: Path, flags: list[str]) -> None:
    _copy_built(w, built)
    (w.out / "851-aalborg.pdf").symlink_to(w.sentinel / "victim.pdf")
    (w.out / "851-aalborg.json").symlink_to(w.sentinel / "notes.txt")
    (w.out / "147-frederiksberg.pdf").symlink_to(w.sentinel / "sub")
    r = w.build("-k", "161", *flags).expect(0)
    assert "aalborg" not in r.text, r.text
    assert "frederiksberg" not in r.text, r.text
    assert (w.out / "851-aalborg.pdf").is_symlink()


@pytest.mark.parametrize("flags", [["--clean"], ["--dry-run", "--clean"]], ids=["clean", "dry"])
def test_clean_keeps_a_users_file_that_resembles_ours(
    w: World, built: Path, flags: list[str]
) -> None:
    _copy_built(w, built)
    users = [
        "161-glostrup-notes.pdf",
        "161-glostrup-budget.json",
        "101-koebenhavn-v2.pdf",
        ".faktaark-tmp-1-xyz.part",
        f".faktaark-tmp-{os.getpid()}-0123456789abcdef.part",
    ]
    # the last: the temporary file of a run that is still going (this process), not stale
    for name in users:
        (w.out / name).write_text("the user's own\n")
    stale = w.out / "147-frederiksberg.pdf"  # ours: the default layout's name, no manifest
    stale.write_bytes(b"%PDF-1.7 stale")
    r = w.build("-k", "161", *flags).expect(0, "147-frederiksberg.pdf")
    for name in users:
        assert (w.out / name).read_text() == "the user's own\n", name
        assert name not in r.text, f"{name} would be removed:\n{r.text}"
    assert stale.exists() == ("--dry-run" in flags)


@pytest.mark.parametrize("flags", [["--clean"], ["--dry-run", "--clean"]], ids=["clean", "dry"])
def test_clean_with_a_manifest_pointing_outside(w: World, built: Path, flags: list[str]) -> None:
    m = _copy_built(w, built)
    m["sheets"].append({"kommunekode": 851, "kommune": "Aalborg", "files": [
        {"file": "../sentinel/victim.pdf", "variant": "screen", "sha256": "0" * 64, "bytes": 1},
        {"file": str(w.sentinel / "notes.txt"), "variant": "screen", "sha256": "0", "bytes": 1},
    ]})  # fmt: skip
    (w.out / "manifest.json").write_text(json.dumps(m))
    r = w.build("-k", "161", *flags).expect(0)
    assert "sentinel" not in r.text, r.text


@pytest.mark.parametrize("flags", [["--dry-run"], ["--dry-run", "--clean"], ["--clean"]])
def test_dry_run_with_a_manifest_that_is_a_fifo(w: World, flags: list[str]) -> None:
    w.out.mkdir()
    os.mkfifo(w.out / "manifest.json")
    """The manifest is untrusted: one that is not a regular file means a full rebuild; the
    dry run says so without reading it, the run replaces it (an atomic rename)."""
    r = w.build("-k", "161", *flags, timeout=20).expect(0)
    if "--dry-run" in flags:
        assert "not in the manifest" in r.text, r.text
    else:
        assert stat.S_ISREG((w.out / "manifest.json").stat().st_mode)


# --- preview --watch: its server listens on 127.0.0.1 only; proof goes through the guard --------


def _listening(pid: int) -> list[str]:
    """The local addresses of the TCP sockets `pid` listens on (from /proc)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        with open(f"/proc/{pid}/net/{table}") as fh:
            for row in fh.read().splitlines()[1:]:
                cols = row.split()
                if cols[3] == "0A" and cols[9] in inodes:  # 0A: LISTEN
                    found.append(f"{table}:{cols[1]}")
    return found


def test_watch_server_binds_127_0_0_1_only(w: World) -> None:
    p = w.popen("preview", "-k", "161", "--watch", "--out", str(w.out))
    assert p.stdout is not None
    deadline = time.monotonic() + 30
    url = ""
    while time.monotonic() < deadline and not url:
        line = p.stdout.readline().decode()
        if "http://" in line:
            url = line[line.index("http://") :].split()[0]
        elif not line and p.poll() is not None:
            break
    assert url.startswith("http://127.0.0.1:"), url
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    addrs = _listening(p.pid)
    assert addrs == [f"tcp:0100007F:{port:04X}"], addrs
    os.killpg(p.pid, signal.SIGINT)
    w.finish(p, timeout=20).expect(130)


@pytest.mark.parametrize("what", ["layout-fifo", "data-dev-zero"])
def test_proof_goes_through_the_guard(w: World, what: str) -> None:
    if what == "layout-fifo":
        lay = _layout_copy(w)
        (lay / "texts.da.toml").unlink()
        os.mkfifo(lay / "texts.da.toml")
        w.seal()
        w.run("proof", str(lay), timeout=20).expect(1, "texts.da.toml", "not a regular file")
    else:
        w.run("proof", "almene-boliger", "--data", "/dev/zero", timeout=20).expect(
            1, "/dev/zero", "not a regular file"
        )


# --- issue 23: the API wherever Python runs a script; no process outlives its parent ------------

# What a pipeline script does, as a new user writes it: no `if __name__ == "__main__":` guard.
_PIPELINE = """
import json, multiprocessing, pathlib, sys
{method}
import faktaark
def run():
    codes = [k["kommunekode"] for k in faktaark.list_kommuner()]
    res = faktaark.build_many(codes, out=pathlib.Path({out!r}), jobs=2, manifest=True,
                              validate="fast")
    print("BUILT", len(res))
"""
_WAYS = {
    "script": "run()\n",
    "stdin": "run()\n",
    "dash-c": "run()\n",
    "thread": "import threading\nt = threading.Thread(target=run)\nt.start()\nt.join()\n",
    # a program that has started its own process pool (forkserver: it needs its main guard)
    "own-pool": (
        "if __name__ == '__main__':\n"
        "    import concurrent.futures as cf\n"
        "    ctx = multiprocessing.get_context('forkserver' if sys.platform != 'win32' "
        "else 'spawn')\n"
        "    with cf.ProcessPoolExecutor(2, mp_context=ctx) as ex:\n"
        "        assert list(ex.map(abs, [-1, -2])) == [1, 2]\n"
        "        run()\n"
    ),
    # build_many inside a worker of another program's pool (daemonic: no multiprocessing
    # children allowed there)
    "in-pool-worker": (
        "if __name__ == '__main__':\n"
        "    with multiprocessing.get_context('spawn').Pool(1) as pool:\n"
        "        pool.apply(run)\n"
    ),
    "pytest": "def test_pipeline():\n    run()\n",
}


@pytest.fixture(scope="module")
def reference_batch(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    """`faktaark build --all` as the command line runs it (the files and manifest every way
    of calling the API must give)."""
    root = tmp_path_factory.mktemp("reference")
    wr = World(root, shared_cache)
    wr.build("--all", "--jobs", "2", "--validate", "fast").expect(0)
    return wr.out


def _same_batch(got: Path, want: Path) -> None:
    def files(folder: Path) -> dict[str, str]:
        return {p.name: _sha(p) for p in sorted(folder.iterdir()) if not p.name.startswith(".")}

    assert (got / "manifest.json").read_bytes() == (want / "manifest.json").read_bytes()
    assert files(got) == files(want)


def _run_way(w: World, way: str, method: str, timeout: float = 240) -> Result:
    set_method = (
        "" if method == "default" else f"multiprocessing.set_start_method({method!r}, force=True)"
    )
    code = _PIPELINE.format(method=set_method, out=str(w.out)) + _WAYS[way]
    script = w.root / ("test_pipeline.py" if way == "pytest" else "pipeline.py")
    script.write_text(code)
    args: list[str] = [PYTHON, str(script)]
    stdin: Any = subprocess.DEVNULL
    if way == "stdin":
        args, stdin = [PYTHON, "-"], open(script, "rb")  # noqa: SIM115
    elif way == "dash-c":
        args = [PYTHON, "-c", code]
    elif way == "pytest":
        args = [PYTHON, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "--rootdir",
                str(w.root), "-c", os.devnull, str(script)]  # fmt: skip
    t0 = time.monotonic()
    try:
        p = subprocess.Popen(args, cwd=w.root, env=w.env, stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
        return w.finish(p, timeout, t0)
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["default", "spawn"])
@pytest.mark.parametrize("way", sorted(_WAYS))
def test_api_runs_wherever_python_runs_a_script(
    w: World, reference_batch: Path, way: str, method: str
) -> None:
    """A plain script (no main guard), `python -`, `python -c`, a thread, a program with its
    own process pool, a worker of another pool, pytest: each builds all 98 with worker
    processes, the same files and manifest as `faktaark build --all`, whatever start method
    the caller set for its own use of multiprocessing."""
    r = _run_way(w, way, method)
    assert r.rc == 0, r.text[-3000:]
    assert "BUILT 98" in r.out, r.text[-3000:]
    _same_batch(w.out, reference_batch)


_KERNEL_CLIENT = r"""
import json, sys
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="python3")
out = []
def hook(msg):
    c = msg["content"]
    if msg["msg_type"] == "stream":
        out.append(c["text"])
    elif msg["msg_type"] == "error":
        out.append("ERROR " + c["ename"] + ": " + c["evalue"])
try:
    reply = kc.execute_interactive(sys.argv[1], timeout=200, output_hook=hook)
    print("STATUS", reply["content"]["status"])
    print("".join(out))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
"""


@pytest.mark.slow
def test_api_runs_in_a_jupyter_kernel(w: World, reference_batch: Path) -> None:
    """A notebook cell (a real ipykernel, driven by jupyter_client) builds all 98 with worker
    processes, the same files and manifest as the command line."""
    pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    client = w.root / "client.py"
    client.write_text(_KERNEL_CLIENT)
    cell = _PIPELINE.format(method="", out=str(w.out)) + "run()\n"
    t0 = time.monotonic()
    p = subprocess.Popen([PYTHON, str(client), cell], cwd=w.root, env=w.env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    r = w.finish(p, 240, t0)
    assert "STATUS ok" in r.out, r.text[-3000:]
    assert "BUILT 98" in r.out, r.text[-3000:]
    _same_batch(w.out, reference_batch)


def _workers_of(pid: int) -> list[int]:
    """faktaark's worker processes below `pid`: fresh interpreters running its entry point."""
    return [c for c in _descendants(pid) if "faktaark.builder.worker" in _cmdline(c)]


def test_workers_are_fresh_interpreters_of_faktaarks_own(w: World) -> None:
    """No fork server, no caller's __main__: each worker is `python -c` of faktaark's own
    entry point (the spawn start method of macOS and Windows, on every platform); `--jobs 2`
    is this process and one worker."""
    p = _batch(w)
    assert _wait_for(lambda: len(_workers_of(p.pid)) == 1, 30), _descendants(p.pid)
    assert all(_cmdline(c).split()[1] == "-c" for c in _workers_of(p.pid))
    assert not [c for c in _descendants(p.pid) if "forkserver" in _cmdline(c)]
    os.kill(p.pid, signal.SIGTERM)
    w.finish(p, 60).expect(143)


def _pipeline_process(w: World) -> subprocess.Popen[bytes]:
    script = w.root / "pipeline.py"
    script.write_text(_PIPELINE.format(method="", out=str(w.out)).replace('"fast"', '"full"')
                      + "run()\n")  # fmt: skip
    return subprocess.Popen([PYTHON, str(script)], cwd=w.root, env=w.env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


@pytest.mark.parametrize("caller", ["cli", "api"])
def test_no_worker_outlives_a_killed_parent(w: World, caller: str) -> None:
    """`kill -9` of the process that started the workers: they notice (their input ends) and
    exit within a sheet; nothing of faktaark is left running."""
    t0 = time.monotonic()
    p = _batch(w) if caller == "cli" else _pipeline_process(w)
    assert _wait_for(lambda: len(_workers_of(p.pid)) == 1 and bool(_pdfs(w.out)), 40)
    workers = _workers_of(p.pid)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(10)
    assert _wait_for(lambda: not [c for c in workers if _alive(c)], 5), [
        _cmdline(c) for c in workers if _alive(c)
    ]
    r = w.finish(p, 10, t0)
    assert r.rc == -signal.SIGKILL


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("target", ["parent", "group"])
def test_sighup_stops_like_ctrl_c_and_writes_the_manifest(w: World, target: str) -> None:
    """A closed terminal or SSH session (SIGHUP): the finished sheets are recorded in the
    manifest, exit 129, no worker left."""
    t0 = time.monotonic()
    p = _batch(w)
    assert _wait_for(lambda: len(_pdfs(w.out)) >= 4, 40)
    if target == "group":
        os.killpg(p.pid, signal.SIGHUP)
    else:
        os.kill(p.pid, signal.SIGHUP)
    r = w.finish(p, 60, t0).expect(129, "interrupted")
    assert (w.out / "manifest.json").is_file(), "no manifest written"
    _manifest_consistent(w.out)
    _after_interrupt(w, r)


# --- issue 23: incremental inputs, concurrent runs, the output folder changing under a run ------


def test_source_date_epoch_is_an_input_of_each_sheet(w: World) -> None:
    """SOURCE_DATE_EPOCH dates every PDF: changing it rebuilds the sheets (never "unchanged"
    with the old dates and document IDs), and a rerun with the same value skips them."""
    w.build("-k", "161", "-k", "101").expect(0, "2 built")
    before = _sha(w.out / "161-glostrup.pdf")
    epoch = {"SOURCE_DATE_EPOCH": "1767225600"}
    w.build("-k", "161", "-k", "101", env=epoch).expect(0, "2 built, 0 unchanged")
    assert _sha(w.out / "161-glostrup.pdf") != before
    w.build("-k", "161", "-k", "101", env=epoch).expect(0, "0 built, 2 unchanged")
    w.build("-k", "161", "-k", "101").expect(0, "2 built, 0 unchanged")
    assert _sha(w.out / "161-glostrup.pdf") == before


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-5", "1e5", " 12", "٣"])
def test_source_date_epoch_that_is_not_a_date(w: World, value: str) -> None:
    r = w.build("-k", "161", "-k", "101", env={"SOURCE_DATE_EPOCH": value})
    r.expect(2, "SOURCE_DATE_EPOCH", "whole number of seconds")
    assert _pdfs(w.out) == []


def test_clean_waits_for_a_concurrent_print_run(w: World) -> None:
    """`build --clean` started while a `--print` run writes into the same folder waits for it
    (and says so); it never deletes a file that run has just written and recorded, and the
    manifest never lists a missing file."""
    t0 = time.monotonic()
    slow = _batch(w)  # --print, the full validator on every sheet
    assert _wait_for(lambda: len(_pdfs(w.out)) >= 2, 40)
    fast = w.popen("build", "--all", "--out", str(w.out), "--clean", "--no-validate")
    a = w.finish(slow, 120, t0)
    b = w.finish(fast, 120, t0)
    a.expect(0, "98 built")
    b.expect(0, "waiting")
    m = _manifest_consistent(w.out)
    assert len(m["sheets"]) == 98
    assert not list(w.out.glob("*-tryk.pdf")), "the clean run keeps no print variant"
    assert not (w.out / ".faktaark.lock").exists()


def _remove_while_written(folder: Path) -> None:
    """Remove a folder a running batch is still writing into: `rmtree` again when a new file
    arrived between its listing and its `rmdir` (ENOTEMPTY), until the folder is gone."""
    for _ in range(200):
        try:
            shutil.rmtree(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)
    raise AssertionError(f"{folder} could not be removed while the batch wrote into it")


@pytest.mark.parametrize("how", ["removed", "symlink"])
def test_out_folder_changed_during_the_run_is_no_success(w: World, how: str) -> None:
    """The output folder removed, or replaced by a symlink to another folder, while the batch
    writes into it: the run does not report success (exit 1, naming the folder), writes no
    manifest in its place and nothing into the other folder."""
    elsewhere = w.root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("a user's folder\n")
    w.protected.append(elsewhere)
    w.seal()
    t0 = time.monotonic()
    p = _batch(w)
    try:
        assert _wait_for(lambda: len(_pdfs(w.out)) >= 4, 40)
        if how == "removed":
            _remove_while_written(w.out)
        else:
            w.out.rename(w.root / "old-out")
            w.out.symlink_to(elsewhere, target_is_directory=True)
    except BaseException:
        p.kill()  # never leave the batch running past a failed test
        p.communicate()
        raise
    r = w.finish(p, 60, t0).expect(1, "removed, renamed or replaced")
    assert "98 built" not in r.text
    if how == "removed":
        assert not (w.out / "manifest.json").exists()


_LIMITS_SCRIPT = r"""
import json, os, sys, time
import polars as pl
import faktaark
cases = {
    "frame-1m-rows": lambda: faktaark.load(
        pl.DataFrame({"kommunekode": pl.repeat(161, 1_000_000, eager=True)})),
    "frame-2000-columns": lambda: faktaark.load(
        pl.DataFrame({f"c{i}": [1] for i in range(2000)})),
    "build-many-jobs-0": lambda: faktaark.build_many(["161"], out="o", jobs=0),
    "build-many-jobs--3": lambda: faktaark.build_many(["161"], out="o", jobs=-3),
    "build-many-jobs-str": lambda: faktaark.build_many(["161"], out="o", jobs="2"),
    "write-indicators-dev-full": lambda: faktaark.write_indicators(
        faktaark.indicators(), out="/dev/full"),
    "build-out-name-too-long": lambda: faktaark.build("161", out="x" * 300),
    "build-many-out-path-too-long": lambda: faktaark.build_many(
        ["161"], out="/".join(["y" * 200] * 25)),
    "build-source-date-epoch-abc": lambda: (
        os.environ.__setitem__("SOURCE_DATE_EPOCH", "abc"), faktaark.build("161", out="o")),
}
res = {}
for name, fn in cases.items():
    t = time.monotonic()
    try:
        fn()
        res[name] = ["returned", "", 0]
    except faktaark.FaktaarkError as exc:
        res[name] = [type(exc).__name__, str(exc), time.monotonic() - t]
    except BaseException as exc:
        res[name] = ["RAW:" + type(exc).__name__, str(exc)[:300], time.monotonic() - t]
print("RESULT" + json.dumps(res))
"""


def test_api_limits_equal_the_command_lines(w: World) -> None:
    """A DataFrame obeys the limits of a file (20.000 rows, 1.000 columns), refused before it
    is read (a 1-million-row frame in well under 10 s, not 107 s and 2.3 GB); `jobs` below 1
    is refused as `--jobs 0` is; an output path too long, a device as the indicators file, a
    SOURCE_DATE_EPOCH that is not a date: each a FaktaarkError naming it."""
    script = w.root / "limits.py"
    script.write_text(_LIMITS_SCRIPT)
    t0 = time.monotonic()
    p = subprocess.Popen([PYTHON, str(script)], cwd=w.root, env=w.env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)  # fmt: skip
    r = w.finish(p, 60, t0)
    res = json.loads(next(ln for ln in r.out.splitlines() if ln.startswith("RESULT"))[6:])
    want = {
        "frame-1m-rows": ("InputError", "20000"),
        "frame-2000-columns": ("InputError", "1000"),
        **{f"build-many-jobs-{j}": ("UsageError", "jobs") for j in ("0", "-3", "str")},
        "write-indicators-dev-full": ("OutputError", "/dev/full"),
        "build-out-name-too-long": ("OutputError", "255"),
        "build-many-out-path-too-long": ("OutputError", "at most"),
        "build-source-date-epoch-abc": ("ConfigError", "SOURCE_DATE_EPOCH"),
    }
    for name, (kind, word) in want.items():
        got, msg, seconds = res[name]
        assert got == kind, f"{name}: {got}: {msg}"
        assert word in msg, f"{name}: {msg}"
        assert seconds < 10, f"{name}: {seconds:.1f} s"
    assert not (w.root / "o").exists()


# --- issue 23: no traceback from the environment (streams, paths, names, limits) ----------------


def test_stdout_that_is_full(w: World) -> None:
    for args in (["list"], ["list", "--json"]):
        t0 = time.monotonic()
        with open("/dev/full", "wb") as full:
            p = subprocess.Popen([*CMD, *args], cwd=w.root, env=w.env, stdin=subprocess.DEVNULL,
                                 stdout=full, stderr=subprocess.PIPE,
                                 start_new_session=True)  # fmt: skip
        w.finish(p, 30, t0).expect(1, "standard output", "No space left on device")


def test_stdout_that_is_closed(w: World) -> None:
    t0 = time.monotonic()
    p = subprocess.Popen([*CMD, "list"], cwd=w.root, env=w.env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                         preexec_fn=lambda: os.close(1))  # fmt: skip
    w.finish(p, 30, t0).expect(1, "standard output")


def test_stdout_that_is_ascii_only(w: World) -> None:
    r = w.run("list", env={"PYTHONIOENCODING": "ascii"}).expect(0)
    assert "København" in r.out


def test_stderr_closed_keeps_the_exit_code(w: World) -> None:
    """An unknown municipality is a usage error (exit 2) even when its message cannot be
    printed."""
    t0 = time.monotonic()
    p = subprocess.Popen([*CMD, "build", "-k", "Nowhere", "--out", str(w.out)], cwd=w.root,
                         env=w.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True,
                         preexec_fn=lambda: os.close(2))  # fmt: skip
    assert w.finish(p, 30, t0).rc == 2


def test_few_file_descriptors(w: World) -> None:
    """`ulimit -n 12` before `build --all`: the sheets are built (in this process, with a note,
    when no worker can be started), never an EMFILE traceback."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (12, 12))

    t0 = time.monotonic()
    p = subprocess.Popen([*CMD, "build", "--all", "--out", str(w.out), "--no-validate"],
                         cwd=w.root, env=w.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True,
                         preexec_fn=limit)  # fmt: skip
    r = w.finish(p, 120, t0)
    if r.rc == 0:
        assert len(_pdfs(w.out)) == 98
    else:
        r.expect(1, "Too many open files")


@pytest.mark.parametrize("how", ["flag", "config"])
@pytest.mark.parametrize("length", ["name", "path"])
def test_output_path_too_long(w: World, how: str, length: str) -> None:
    out = "x" * 300 if length == "name" else str(w.root / "/".join(["y" * 200] * 25))
    if how == "flag":
        r = (
            w.build("-k", "161", "--out", out)
            if False
            else w.run("build", "-k", "161", "--out", out)
        )
    else:
        proj = w.root / "proj"
        proj.mkdir()
        (proj / "faktaark.toml").write_text(f'out = "{out}"\n')
        r = _run_in(w, proj, "build", "-k", "161")
    r.expect(1, "255" if length == "name" else "at most")
    assert len(r.err) < 1000, "the message names the path shortened"


def test_non_utf8_file_names(w: World) -> None:
    """Data files, folders, layouts and configurations whose names are not UTF-8 (bytes
    Python holds as surrogate escapes): built, printed and recorded, never a traceback."""
    root = os.fsencode(w.root)
    data = os.fsdecode(root + b"/d\xe6ta.csv")
    shutil.copy(ALMENE, data)
    lay = os.fsdecode(root + b"/lay\xe6")
    shutil.copytree(LAYOUT, lay)
    cols = os.fsdecode(root + b"/kol\xe6.toml")
    Path(cols).write_text('[kolonner]\nboligmasse = "boligmasse"\n')
    out = os.fsdecode(root + b"/out/ark\xe6")
    r = w.run("build", "-k", "161", "-k", "101", "--data", data, "--layout", lay,
              "--columns-file", cols, "--out", out)  # fmt: skip
    r.expect(0, "2 built")
    r = w.run("validate", "--data", data, "--json").expect(0)
    assert "d\ufffdta.csv" in r.out  # the byte itself (this test decodes it as U+FFFD)
    proj = os.fsdecode(root + b"/proj\xe6")
    os.mkdir(proj)
    Path(proj, "faktaark.toml").write_text('out = "ark"\n')
    _run_in(w, Path(proj), "build", "-k", "161").expect(0, "1 built")


@needs_nobody
def test_unreadable_data_folder_as_nobody(shared_cache: Path) -> None:
    """`--data` naming a folder its user cannot list: one paragraph naming it, exit 1."""
    w = _as_nobody_world(shared_cache)
    try:
        data = w.inp / "locked"
        data.mkdir()
        shutil.copy(ALMENE, data / "almene.csv")
        data.chmod(0o700)
        w.seal()
        w.out.mkdir()
        w.out.chmod(0o777)
        w.build("-k", "161", "--data", str(data), user="nobody").expect(
            1, "locked", "Permission denied"
        )
    finally:
        shutil.rmtree(w.root, ignore_errors=True)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xef\xbb\xbfjobs = 2\n", ["UTF-8", "BOM"]),
        ("jobs = 2\n".encode("utf-16"), ["UTF-16"]),
        ("jobs = 2\n".encode("utf-16-le"), ["UTF-16"]),
        ('out = "\xe6rk"\n'.encode("latin-1"), ["not UTF-8", "line 1"]),
        (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", ["nested too deeply"]),
    ],
    ids=["utf8-bom", "utf16", "utf16-no-bom", "latin1", "nested"],
)
def test_config_file_encodings_and_nesting(w: World, content: bytes, words: list[str]) -> None:
    """A faktaark.toml that TOML cannot read is a usage error (exit 2) naming the file and
    the reason (the encoding, a BOM, the nesting): never exit 1 or a traceback."""
    proj = w.root / "proj"
    proj.mkdir()
    (proj / "faktaark.toml").write_bytes(content)
    _run_in(w, proj, "build", "-k", "161", timeout=20).expect(2, "faktaark.toml", *words)


@pytest.mark.parametrize(
    "pyproject", ["[tool]\nfaktaark = 5\n", 'tool = { faktaark = "ark" }\n', "tool = 5\n"]
)
def test_tool_faktaark_that_is_not_a_table(w: World, pyproject: str) -> None:
    proj = w.root / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text(pyproject)
    if pyproject == "tool = 5\n":  # no faktaark in it: not a configuration of ours
        _run_in(w, proj, "config").expect(0)
        return
    _run_in(w, proj, "config", timeout=20).expect(2, "pyproject.toml", "[tool.faktaark]")


@pytest.mark.parametrize(
    ("query", "name"),
    [("laeso", "Læsø"), ("laso", "Læsø"), ("lasoe", "Læsø"), ("Læso", "Læsø"), ("aero", "Ærø"),
     ("arø", "Ærø"), ("hoje-taastrup", "Høje-Taastrup"), ("fano", "Fanø"),
     ("ringkobing skjern", "Ringkøbing-Skjern")],
)  # fmt: skip
def test_every_unambiguous_spelling_of_a_name(w: World, query: str, name: str) -> None:
    r = w.build("-k", query, "--dry-run", "--format", "csv").expect(0)
    assert name in r.out


_SECRET = "root:$6$S3CR3T-hash:20228:0:99999:7:::"


@pytest.mark.parametrize("kind", ["no-separator", "mojibake", "json-duplicate"])
def test_error_messages_never_quote_a_file(w: World, kind: str) -> None:
    """A file that is not a figures table (/etc/shadow given as --data): the message names
    its path and a position, never a line of it."""
    p = w.inp / ("data.json" if kind == "json-duplicate" else "data.csv")
    if kind == "no-separator":
        p.write_text(f"{_SECRET}\nx\n")
    elif kind == "mojibake":
        p.write_text(f"kommunekode;kommune\n161;KÃ¸benhavn {_SECRET}\n")
    else:
        p.write_text(f'[{{"a": "{_SECRET}", "a": "{_SECRET}"}}]')
    w.seal()
    r = w.build("-k", "161", "--data", str(p)).expect(1, str(p))
    assert "S3CR3T" not in r.text


def _percent_workbook(path: Path, column: str, value: float, number_format: str) -> None:
    import openpyxl

    rows = _almene_rows()
    head = rows[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    line = next(i for i, r in enumerate(rows, 1) if r[0] == "161")
    cell = ws.cell(row=line, column=head.index(column) + 1)
    cell.value = value
    cell.number_format = number_format
    wb.save(path)


def test_xlsx_percentage_cell_in_a_pct_column_is_read_as_shown(w: World) -> None:
    """A cell that shows 12,4 % (and holds 0.124) in a percentage column prints 12,4 pct. and
    a warning says it was read as shown, never "0 pct." without a word."""
    book = w.inp / "tal.xlsx"
    _percent_workbook(book, "fraflytningsprocent", 0.124, "0.0%")
    w.seal()
    r = w.build("-k", "161", "--data", str(book)).expect(0, "formatted as percentages", "12,4")
    assert "12,4 pct." in _pdf_text(w.out / "161-glostrup.pdf").replace("\xa0", " ")
    assert "tal.xlsx" in r.err


@pytest.mark.parametrize(
    ("column", "value", "number_format", "words"),
    [("familieboliger", 0.124, "0.0%", ["percentage", "count"]),
     ("fraflytningsprocent", 0.125, "# ?/?", ["fraction"])],
    ids=["percent-in-a-count-column", "fraction"],
)  # fmt: skip
def test_xlsx_percentage_or_fraction_cell_elsewhere_is_refused(
    w: World, column: str, value: float, number_format: str, words: list[str]
) -> None:
    book = w.inp / "tal.xlsx"
    _percent_workbook(book, column, value, number_format)
    w.seal()
    w.build("-k", "161", "--data", str(book)).expect(1, "tal.xlsx", column, *words)
    assert _pdfs(w.out) == []


_DECIMAL_SCRIPT = r"""
import sys
from pathlib import Path
import polars as pl
import faktaark
frame = pl.read_csv(sys.argv[1], infer_schema_length=0).filter(pl.col("kommunekode") == "161")
frame = frame.with_columns(
    pl.col("huslejeomsaetning_mio_kr").cast(pl.Float64).cast(pl.Decimal(12, 3)))
ds = faktaark.load(frame)
print("VALUE", ds.record(161, 2025).values["huslejeomsaetning_mio_kr"])
res = faktaark.build("Glostrup", data=frame, out=Path(sys.argv[2]))
print("PDF", res.path)
"""


def test_decimal_column_of_a_dataframe_is_read_as_its_numbers(w: World) -> None:
    """A Polars Decimal(12,3) column holding 333.000 is 333 (333 mio. kr.), not 333000."""
    script = w.root / "frame_decimal.py"
    script.write_text(_DECIMAL_SCRIPT)
    t0 = time.monotonic()
    p = subprocess.Popen([PYTHON, str(script), str(ALMENE), str(w.out)], cwd=w.root, env=w.env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    r = w.finish(p, 60, t0).expect(0, "VALUE 333.0")
    text = _pdf_text(w.out / "161-glostrup.pdf")
    assert "333 mio. kr." in text
    assert "mia. kr." not in text
    assert "PDF" in r.out
