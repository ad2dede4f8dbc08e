"""The PDF as written: the structural scan every sheet gets, and the stream rules of PDF/A."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import faktaark
from faktaark import api
from faktaark.builder.sheet import make_sheet
from faktaark.pdf.pack import flate
from faktaark.pdf.scan import scan_written


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("scan")
    res = faktaark.build("Bornholm", data=prepared, out=out, print_variant=True)
    return {f.variant: f.path.read_bytes() for f in res.files}


def test_written_sheets_pass_the_scan(written: dict[str, bytes]) -> None:
    assert scan_written(written["screen"], cmyk=False, tagged=True) == []
    assert scan_written(written["print"], cmyk=True, tagged=False) == []
    # the print variant is not tagged and carries a CMYK intent: the scan tells them apart
    assert any("StructTreeRoot" in p for p in scan_written(written["print"], False, True))
    assert any("4 components" in p for p in scan_written(written["screen"], True, True))


def _shift_xref_entry(data: bytes, n: int) -> bytes:
    """Point object n's cross-reference entry one byte too far (same width)."""
    at = data.rindex(b"xref\n0 ") + len(b"xref\n")
    at = data.index(b"\n", at) + 1 + 20 * n  # entries are 20 bytes each
    offset = int(data[at : at + 10]) + 1
    return data[:at] + b"%010d" % offset + data[at + 10 :]


def _first_stream_length(data: bytes) -> re.Match[bytes]:
    m = re.search(rb"/Length (\d+)", data)
    assert m is not None
    return m


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda d: d.replace(b"/Metadata ", b"/Metadatx ", 1), "the catalog has no /Metadata"),
        (lambda d: d.replace(b"/F 4", b"/F 0", 1), "link annotation is not printable"),
        (lambda d: d.replace(b"/Type /Page\n", b"/Trans << >> /Type /Page\n", 1), "/Trans"),
        (lambda d: d.replace(b"/FontFile2 ", b"/FontFilex ", 1), "a font is not embedded"),
        (lambda d: d.replace(b"FaktaSans-Bold", b"Helvetica-Bold", 1), "Helvetica"),
        (lambda d: d.replace(b"endobj\n", b"endobj\n\n", 1), "cross-reference"),
        (lambda d: _shift_xref_entry(d, 1), "object 1: the cross-reference offset is wrong"),
        (lambda d: d.replace(b"startxref\n", b"startxref\n1", 1), "no readable cross-reference"),
        (lambda d: d[:-6], "%%EOF"),
    ],
)
def test_the_scan_finds_a_corrupted_file(
    written: dict[str, bytes], corrupt: object, message: str
) -> None:
    data = written["screen"]
    bad = corrupt(data)  # type: ignore[operator]
    assert bad != data
    problems = scan_written(bad, cmyk=False, tagged=True)
    assert any(message in p for p in problems), problems


def test_the_scan_finds_a_wrong_stream_length(written: dict[str, bytes]) -> None:
    data = written["screen"]
    m = _first_stream_length(data)
    n = int(m[1])
    bad = data[: m.start(1)] + str(n - 1).encode() + data[m.end(1) :]
    # same number of digits keeps the xref offsets right: only the length is wrong
    assert len(str(n - 1)) == len(str(n))
    assert any("/Length" in p for p in scan_written(bad, cmyk=False, tagged=True))


def test_every_stream_ends_with_an_eol_before_endstream(written: dict[str, bytes]) -> None:
    for data in written.values():
        for m in re.finditer(rb"/Length (\d+)[^\n]*\n>>\nstream\n", data):
            end = m.end() + int(m[1])
            assert data[end : end + 11] == b"\nendstream\n"


def test_flate_data_never_ends_in_an_eol() -> None:
    # the last four bytes of zlib data are the Adler-32 of the input: find inputs whose
    # checksum ends in LF or CR, which recompressing at another level cannot change
    found = [
        data
        for i in range(5000)
        if zlib.compress(data := b"%d " % i * (i % 7 + 1))[-1:] in (b"\r", b"\n")
    ]
    assert found
    for data in found:
        packed = flate(data)
        assert packed[-1:] not in (b"\r", b"\n")
        back = zlib.decompress(packed)
        assert back[: len(data)] == data
        assert not back[len(data) :].strip(b" ")


@given(st.binary(max_size=2000))
def test_flate_round_trips(data: bytes) -> None:
    packed = flate(data)
    assert packed[-1:] not in (b"\r", b"\n")
    back = zlib.decompress(packed)
    assert back[: len(data)] == data
    assert set(back[len(data) :]) <= {ord(" ")}


def test_building_a_sheet_does_not_import_pikepdf(tmp_path: Path) -> None:
    code = (
        "import sys; from faktaark import api; "
        f"api.build('Glostrup', out={str(tmp_path)!r}); "
        "print(sorted(m for m in ('pikepdf', 'page') if m in sys.modules))"
    )
    env = dict(os.environ, FAKTAARK_CACHE="0")  # no remembered verdict: the validator runs
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    # the full validator (page-validation) runs; pikepdf is for `check` and `--combine` only
    assert res.stdout.strip() == "['page']"
    assert (tmp_path / "161-glostrup.pdf").stat().st_size > 10_000


def test_a_long_batch_does_not_accumulate_map_paths(tmp_path: Path, prepared: api.Prepared) -> None:
    """The renderer remembers the operators of the maps' shared rings; building the same
    sheets again (a marked small municipality among them) adds nothing to that memory."""
    from faktaark.core.kommuner import register
    from faktaark.pdf import paths

    lay = api.load_layout_for(None, prepared.dataset)
    sheets = [register().get(n) for n in ("Læsø", "Fanø", "Glostrup", "København")]
    sizes = []
    for _ in range(3):
        for k in sheets:
            make_sheet(k, prepared, lay, tmp_path, validate="none").write()
        sizes.append(len(paths._RINGS))
    assert sizes[0] > 0
    assert sizes[1] == sizes[2] == sizes[0]


@given(st.text(max_size=40))
def test_names_and_numbers_are_encoded_as_reportlab_encodes_them(text: str) -> None:
    """faktaark writes ASCII text as ASCII instead of through ReportLab's PDFDocEncoding codec:
    the same bytes (or the same refusal) for any text."""
    from faktaark.pdf import writing

    def encoded(fn: Any) -> bytes | str:
        try:
            return bytes(fn(text))
        except UnicodeEncodeError as exc:
            return f"refused {exc.start}"

    assert encoded(writing._pdfdoc_enc) == encoded(writing._rl_pdfdoc_enc)
    assert writing._pdfdoc_enc(b"bytes") == b"bytes"


_KEYS = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x17F), max_size=12)
_VALUES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e5, 1e5, allow_nan=False),
    _KEYS.map(lambda k: "/" + k),
)


@given(
    st.dictionaries(_KEYS, _VALUES, max_size=20),
    st.booleans(),
    st.sampled_from([True, False, "forced"]),
)
def test_dictionaries_are_written_as_reportlab_writes_them(
    entries: dict[str, object], ordered: bool, multiline: bool | str
) -> None:
    """A dictionary's keys are escaped once per process (`writing._dict_format`): the same
    bytes as ReportLab's own `PDFDictionary.format` for any keys and values, sorted or in
    the order given, on one line or many."""
    from collections import OrderedDict

    from reportlab.pdfbase.pdfdoc import PDFDictionary

    from faktaark.pdf import writing

    d = PDFDictionary(OrderedDict(entries) if ordered else entries)
    d.multiline = multiline

    def written(fn: Any) -> bytes | str:
        try:
            return bytes(fn(d, None))
        except UnicodeEncodeError as exc:  # text PDFDocEncoding has no code for: both refuse
            return f"refused {exc.object!r} {exc.start}"

    assert written(writing._dict_format) == written(writing._rl_dict_format)
