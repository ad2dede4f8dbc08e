"""Every PDF faktaark reads is bounded (issue 23): `check`, `preflight`, `contact-sheet`,
`compare` and the API functions behind them refuse a hostile PDF (a 1 MB file that inflates to
1 GiB, in one stream or many, in a form, an image, an unreferenced object, an LZW or an
ASCII85 stream; a 10.000-page PDF in a folder; a page whose content is 3 MiB of lines; a page
of 5 x 5 m) with one message naming the file, exit 1, no
traceback, and a peak memory under 300 MB, in a real subprocess under a time limit (a hang
fails the case). The API's limits are the command line's: a contact sheet of 10**9 columns is
a usage error, and `check_pdf("one/path.pdf")` checks that one file.

The bombs are built here cheaply: 16 MiB of zeros deflated once and its blocks repeated (a
full flush makes them independent), so a 1 GiB stream costs a millisecond to make.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

PYTHON = os.environ.get("FAKTAARK_PYTHON", sys.executable)
T = 90  # seconds: the time limit of a subprocess (a hang fails the case)
MAX_RSS_MB = 300
ZEROS = 16 << 20

# runs a command and reports its exit code, output and the peak memory of the process tree
_WRAPPER = r"""
import json, resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": p.returncode, "out": p.stdout.decode(errors="replace"),
                  "err": p.stderr.decode(errors="replace"), "rss_mb": peak}))
"""


def _deflated_zeros(n_blocks: int) -> bytes:
    """zlib data that inflates to `n_blocks` x 16 MiB of zeros (about 16 KB per block)."""
    c = zlib.compressobj(9)
    first = c.compress(bytes(ZEROS)) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(ZEROS)) + c.flush(zlib.Z_FULL_FLUSH)
    assert first[2:] == block  # after a full flush a block does not depend on the one before
    n = n_blocks * ZEROS
    adler = ((n % 65521) << 16) | 1  # Adler-32 of n zero bytes
    return first[:2] + block * n_blocks + b"\x03\x00" + struct.pack(">I", adler)


def _lzw_zeros(groups: int) -> bytes:
    """LZW data (early change 1) of zeros: from a fresh table each code adds a string one zero
    longer until the table is nearly full (7 MB of zeros from 5.7 KB of codes), then a clear
    code starts again. Eight such cycles end on a byte boundary: they are made once and
    repeated `groups` times, then the end-of-data code."""
    value, bits, width, table, first = 0, 0, 9, 258, True
    for code in [0, *range(258, 4094), 256] * 8:
        value = (value << width) | code
        bits += width
        if code == 256:
            width, table, first = 9, 258, True
            continue
        if not first:
            table += 1
        first = False
        if table + 1 >= (1 << width) and width < 12:
            width += 1
    assert bits % 8 == 0
    eod = (257 << 7).to_bytes(2, "big")  # 9 bits after a clear code, padded
    return value.to_bytes(bits // 8, "big") * groups + eod


def _pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog), with a classic cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", filters: bytes = b"/FlateDecode") -> bytes:
    return (b"<< /Length %d /Filter %s %s>>\nstream\n" % (len(data), filters, extra) + data
            + b"\nendstream")  # fmt: skip


def _one_page(contents: bytes, resources: bytes = b"<< >>", extra: dict[int, bytes] | None = None,
              media: bytes = b"[0 0 595 842]") -> bytes:  # fmt: skip
    return _pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R /Resources %s >>"
           % (media, resources),
        4: contents,
        **(extra or {}),
    })  # fmt: skip


def _many_pages(n: int) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    return _pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        3: _stream(zlib.compress(b"0 0 0 1 k 10 10 50 50 re f")),
        **{4 + i: page for i in range(n)},
    })  # fmt: skip


def _random_lines(size: int) -> bytes:
    """Page content that does not compress much: 3 MB of lines between random points."""
    import random

    rnd = random.Random(23)
    lines = [b"%d %d m %d %d l S\n" % tuple(rnd.randrange(800) for _ in range(4))
             for _ in range(size // 22)]  # fmt: skip
    return b"".join(lines)


def _hostile() -> dict[str, bytes]:
    gib = _deflated_zeros(64)  # 1 GiB
    quarter = _deflated_zeros(4)  # 64 MiB
    many = b" ".join(b"%d 0 R" % (10 + i) for i in range(20))
    return {
        "inflates-to-1-gib": _one_page(_stream(gib)),
        "twenty-streams-of-64-mib": _one_page(
            b"[" + many + b"]", extra={10 + i: _stream(quarter) for i in range(20)}),
        "form-bomb": _one_page(
            _stream(zlib.compress(b"/X0 Do")), b"<< /XObject << /X0 5 0 R >> >>",
            {5: _stream(gib, b"/Type /XObject /Subtype /Form /BBox [0 0 9 9] ")}),
        "image-of-1-pixel-bomb": _one_page(_stream(zlib.compress(b"9 0 0 9 0 0 cm /I0 Do")),
                                           b"<< /XObject << /I0 5 0 R >> >>", {5: _stream(
            gib, b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                 b"/BitsPerComponent 8 ")}),
        "unreferenced-bomb": _one_page(
            _stream(zlib.compress(b"0 0 1 1 re f")), extra={9: _stream(gib)}),
        "lzw-bomb": _one_page(_stream(_lzw_zeros(19), filters=b"/LZWDecode")),  # 1.1 GB
        "bomb-behind-ascii85": _one_page(_stream(
            b"<~" + __import__("base64").a85encode(quarter) + b"~>",
            filters=b"[/ASCII85Decode /FlateDecode]")),
        "ten-thousand-pages": _many_pages(10_000),
        "content-of-3-mib": _one_page(_stream(zlib.compress(_random_lines(3 << 20)))),
        "page-of-5-metres": _one_page(_stream(zlib.compress(b"0 0 0 1 k 0 0 99 99 re f")),
                                      media=b"[0 0 14400 14400]"),
    }  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, data in _hostile().items():
        path = folder / f"{name}.pdf"
        path.write_bytes(data)
        assert path.stat().st_size < 2 << 20, name  # small files, every one
        out[name] = path
    return out


def run(tmp: Path, *args: str, timeout: float = T) -> dict[str, object]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache"), "COLUMNS": "200"}
    p = subprocess.run(
        [PYTHON, "-c", _WRAPPER, PYTHON, "-m", "faktaark", *args], cwd=tmp, env=env,
        capture_output=True, timeout=timeout,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    res: dict[str, object] = json.loads(p.stdout)
    text = str(res["out"]) + str(res["err"])
    assert "Traceback" not in text, text[-3000:]
    assert float(res["rss_mb"]) < MAX_RSS_MB, f"peak memory {res['rss_mb']:.0f} MB: {text[-500:]}"  # type: ignore[str-format]
    return res


REFUSED = ["inflates-to-1-gib", "twenty-streams-of-64-mib", "form-bomb",
           "image-of-1-pixel-bomb", "unreferenced-bomb", "lzw-bomb", "bomb-behind-ascii85",
           "ten-thousand-pages", "content-of-3-mib"]  # fmt: skip


@pytest.mark.parametrize("name", REFUSED)
@pytest.mark.parametrize("command", ["check", "preflight"])
def test_check_and_preflight_refuse_a_hostile_pdf(
    tmp_path: Path, hostile: dict[str, Path], command: str, name: str
) -> None:
    res = run(tmp_path, command, str(hostile[name]))
    assert res["rc"] == 1
    text = str(res["out"]) + str(res["err"])
    assert f"{name}.pdf" in text
    assert "refused" in text or "encrypt" in text, text[-1500:]


def test_preflight_of_a_5_metre_page_is_bounded(tmp_path: Path, hostile: dict[str, Path]) -> None:
    """The preflight's four separations are at most 4 Mpixel each: a huge page is measured in
    coarser cells, not in 400 MB of them."""
    res = run(tmp_path, "preflight", str(hostile["page-of-5-metres"]))
    assert res["rc"] == 1  # not a PDF/X file
    assert "page-of-5-metres.pdf" in str(res["out"])


@pytest.mark.parametrize("name", [*REFUSED, "page-of-5-metres"])
def test_contact_sheet_refuses_a_hostile_pdf_in_the_folder(
    tmp_path: Path, hostile: dict[str, Path], name: str
) -> None:
    folder = tmp_path / "ark"
    folder.mkdir()
    (folder / f"{name}.pdf").symlink_to(hostile[name])
    res = run(tmp_path, "contact-sheet", str(folder), "--out", str(tmp_path / "oversigt.pdf"))
    assert res["rc"] == 1
    assert f"{name}.pdf" in str(res["err"]), res
    assert len(str(res["err"]).strip().splitlines()) <= 3  # one message, not a dump
    assert not (tmp_path / "oversigt.pdf").exists()


@pytest.mark.parametrize("name", ["inflates-to-1-gib", "ten-thousand-pages", "page-of-5-metres"])
def test_compare_refuses_a_hostile_pdf_in_a_folder(
    tmp_path: Path, hostile: dict[str, Path], name: str
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "161-glostrup.pdf").write_bytes(_one_page(_stream(zlib.compress(b"0 0 9 9 re f"))))
    (new / "161-glostrup.pdf").symlink_to(hostile[name])
    res = run(tmp_path, "compare", str(old), str(new), "--out", str(tmp_path / "diff"))
    assert res["rc"] == 1
    assert "161-glostrup.pdf" in str(res["err"]), res


_API = r"""
import json, sys
from pathlib import Path
import faktaark
import faktaark.api
bomb, folder, sheet = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
out = {}
def attempt(name, fn):
    try:
        value = fn()
        out[name] = ["returned", value]
    except faktaark.FaktaarkError as exc:
        out[name] = [type(exc).__name__, str(exc)]
    except BaseException as exc:
        out[name] = ["RAW:" + type(exc).__name__, str(exc)[:300]]
attempt("grid", lambda: faktaark.contact_sheet(folder, folder / "o.pdf", columns=10**9, rows=10**9))
attempt("thumb-dpi", lambda: faktaark.contact_sheet(folder, folder / "o.pdf", thumb_dpi=1000))
attempt("compare-dpi", lambda: faktaark.compare(folder, folder, folder / "d", dpi=1200))
attempt("one-path", lambda: [r.ok for r in faktaark.check_pdf(sheet)])
attempt("one-path-preflight", lambda: [r.path for r in faktaark.api.preflight(sheet)])
attempt("bytes", lambda: faktaark.check_pdf(b"/tmp/x.pdf"))
attempt("profile", lambda: faktaark.check_pdf(sheet, profile="pdfa-9z"))
attempt("bomb", lambda: [r.problems for r in faktaark.check_pdf([bomb])])
attempt("bomb-preflight", lambda: [r.error for r in faktaark.api.preflight(bomb)])
attempt("bomb-combine", lambda: faktaark.api.combine_pdfs([bomb], folder / "alle.pdf"))
print("RESULT" + json.dumps(out))
"""


def test_the_api_has_the_command_lines_limits(tmp_path: Path, hostile: dict[str, Path]) -> None:
    folder = tmp_path / "ark"
    folder.mkdir()
    sheet = folder / "161-glostrup.pdf"
    sheet.write_bytes(_one_page(_stream(zlib.compress(b"0 0 9 9 re f"))))
    script = tmp_path / "api_cases.py"
    script.write_text(_API)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    p = subprocess.run(
        [PYTHON, "-c", _WRAPPER, PYTHON, str(script), str(hostile["inflates-to-1-gib"]),
         str(folder), str(sheet)], capture_output=True, timeout=T, env=env, cwd=tmp_path,
    )  # fmt: skip
    wrapped = json.loads(p.stdout)
    assert float(wrapped["rss_mb"]) < MAX_RSS_MB
    line = [ln for ln in wrapped["out"].splitlines() if ln.startswith("RESULT")]
    assert line, wrapped["err"][-3000:]
    res = json.loads(line[0][len("RESULT") :])
    for case in ("grid", "thumb-dpi", "compare-dpi", "bytes", "profile"):
        assert res[case][0] == "UsageError", (case, res[case])
    assert "20" in res["grid"][1]
    assert "columns" in res["grid"][1]
    assert res["one-path"] == ["returned", [False]]  # one file checked (it claims nothing)
    assert res["one-path-preflight"] == ["returned", [str(sheet)]]
    assert res["bomb"][0] == "returned"
    assert "refused" in res["bomb"][1][0][0]
    assert "refused" in res["bomb-preflight"][1][0]
    assert res["bomb-combine"][0] in ("BoundsError", "InputError")  # never copied into a file
    assert "inflates-to-1-gib.pdf" in res["bomb-combine"][1]
    assert not (folder / "alle.pdf").exists()


def test_stream_lengths_given_by_reference_are_read_once() -> None:
    """A file of 3.000 streams whose /Length (and /Filter) are references to other objects,
    as some producers write every stream: each is measured by the length it refers to. The
    objects are found in one pass over the file (each reference searched the whole file
    before: a 16 MiB file of such streams took minutes to scan)."""
    from faktaark.pdf.bounds import scan_pdf

    body = zlib.compress(b"q 1 0 0 1 0 0 cm Q\n" * 50)
    parts = [b"%PDF-1.7\n"]
    n = 3000
    for i in range(n):
        obj, length, filt = 3 * i + 1, 3 * i + 2, 3 * i + 3
        parts.append(b"%d 0 obj\n<< /Length %d 0 R /Filter %d 0 R >>\nstream\n%s\nendstream\n"
                     b"endobj\n%d 0 obj\n%d\nendobj\n%d 0 obj\n/FlateDecode\nendobj\n"
                     % (obj, length, filt, body, length, len(body), filt))  # fmt: skip
    parts.append(b"% " + b"x" * (2 << 20) + b"\n%%EOF\n")  # a large file around them
    size = scan_pdf(b"".join(parts), "many-references.pdf")
    assert size.inflated == n * 19 * 50
