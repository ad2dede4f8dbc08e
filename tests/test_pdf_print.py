"""The print variant is PDF/X-4 and PDF/A-2b in one file (or PDF/X-1a:2003 and PDF/A-2b with
`--print-standard x1a`): its identification, intents, info, header, no links; overprint and
registration colour as the layout declares; the second PDF/A opinion judges the written bytes;
the screen variant is untouched. The slow test checks all 98 sheets of every shipped kit."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from conftest import KITS, pdf_text
from faktaark import api
from faktaark.builder.sheet import make_sheet
from faktaark.core.kommuner import register
from faktaark.pdf.preflight import preflight
from faktaark.pdf.scan import scan_written
from faktaark.pdf.validate import declare_2b, full_verdicts, rewrite_xmp_in_place

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("tryk")
    x4 = faktaark.build("Glostrup", data=prepared, out=out / "x4", print_variant=True)
    x1a = faktaark.build("Glostrup", data=prepared, out=out / "x1a", print_variant="x1a")
    return {"screen": x4.files[0].path, "x4": x4.files[1].path, "x1a": x1a.files[1].path}


def xmp(pdf: pikepdf.Pdf) -> str:
    return pdf.Root.Metadata.read_bytes().decode("utf-8")


def test_x4_is_identified_as_pdfx4_and_pdfa2b(printed: dict[str, Path]) -> None:
    data = printed["x4"].read_bytes()
    assert data.startswith(b"%PDF-1.6\n")  # PDF/X-4: at most 1.6; PDF/A-2: 1.0-1.7
    with pikepdf.open(printed["x4"]) as pdf:
        meta = xmp(pdf)
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in meta
        assert "<pdfaSchema:prefix>pdfxid</pdfaSchema:prefix>" in meta  # declared (PDF/A-2)
        assert "<pdfaid:part>2</pdfaid:part>" in meta
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in meta
        doc_id = re.search(r"<xmpMM:DocumentID>(uuid:[0-9a-f-]{36})</xmpMM:DocumentID>", meta)
        assert doc_id, meta
        assert "<xmpMM:VersionID>1</xmpMM:VersionID>" in meta
        assert "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>" in meta
        assert (
            pdf.docinfo["/Trapped"] == pikepdf.Name.False_
            or str(pdf.docinfo["/Trapped"]) == "/False"
        )
        assert "/GTS_PDFXVersion" not in pdf.docinfo  # PDF/X-4 is identified in XMP
        intents = {str(oi.S): oi for oi in pdf.Root.OutputIntents}
        assert set(intents) == {"/GTS_PDFA1", "/GTS_PDFX"}
        a, x = intents["/GTS_PDFA1"], intents["/GTS_PDFX"]
        assert a.DestOutputProfile.objgen == x.DestOutputProfile.objgen  # one shared profile
        assert int(x.DestOutputProfile.N) == 4
        assert str(x.OutputConditionIdentifier) == "FOGRA39"
        assert all("/Annots" not in page.obj for page in pdf.pages)


def test_x4_passes_page_validation_and_the_written_bytes_second_opinion(
    printed: dict[str, Path],
) -> None:
    data = printed["x4"].read_bytes()
    assert scan_written(data, cmyk=True, tagged=False) == []
    verdicts = full_verdicts(data, "print")
    assert verdicts["PDF/A-2b (page-validation)"] == "pass"
    assert set(verdicts.values()) == {"pass"}, verdicts
    assert any("pikepdf" in k and "not judged" in k for k in verdicts)


def test_x1a_is_pdfx1a_and_still_pdfa2b(printed: dict[str, Path]) -> None:
    data = printed["x1a"].read_bytes()
    assert data.startswith(b"%PDF-1.4\n")
    with pikepdf.open(printed["x1a"]) as pdf:
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003"
        assert str(pdf.docinfo["/GTS_PDFXConformance"]) == "PDF/X-1a:2003"
        assert str(pdf.docinfo["/Trapped"]) == "/False"
        assert "pdfxid" not in xmp(pdf)
    assert set(full_verdicts(data, "print-x1a").values()) == {"pass"}
    report = preflight(printed["x1a"])
    assert report.ok, [str(f) for f in report.breaches]
    assert report.pdfx == "PDF/X-1a:2003"
    assert report.pdfa == "PDF/A-2B"


def test_the_link_is_plain_text_in_print(printed: dict[str, Path]) -> None:
    with pikepdf.open(printed["screen"]) as pdf:
        assert any("/Annots" in page.obj for page in pdf.pages)  # the screen keeps its link
    assert "BL.dk" in pdf_text(printed["x4"])


def test_black_text_overprints_and_marks_are_registration(printed: dict[str, Path]) -> None:
    with pikepdf.open(printed["x4"]) as pdf:
        page = pdf.pages[0]
        states = page.obj.Resources.ExtGState
        assert bool(states.FkOP.OP)
        assert not bool(states.FkKO.OP)
        assert int(states.FkOPM.OPM) == 1
        space = page.obj.Resources.ColorSpace.CSAll
        assert [str(space[0]), str(space[1]), str(space[2])] == [
            "/Separation",
            "/All",
            "/DeviceCMYK",
        ]
        ops = [(str(op), list(o)) for o, op in pikepdf.parse_content_stream(page)]
    # every 100 % K text colour is set right after overprint is switched on
    gs = None
    for op, operands in ops:
        if op == "gs":
            gs = str(operands[0])
        elif op == "k" and [float(v) for v in operands] == [0, 0, 0, 1]:
            assert gs == "/FkOP"
    assert sum(1 for op, o in ops if op == "CS" and str(o[0]) == "/CSAll") >= 1


def test_screen_variant_has_no_print_colour(printed: dict[str, Path]) -> None:
    with pikepdf.open(printed["screen"]) as pdf:
        for page in pdf.pages:
            assert "/ExtGState" not in page.obj.Resources
            assert "/ColorSpace" not in page.obj.Resources
    assert b"GTS_PDFX" not in printed["screen"].read_bytes()


def test_print_standard_option(tmp_path: Path) -> None:
    res = runner.invoke(
        faktaark.cli.app.app,
        ["build", "-k", "161", "--print", "--print-standard", "x1a", "--out", str(tmp_path)],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "161-glostrup-tryk.pdf").read_bytes().startswith(b"%PDF-1.4")
    bad = runner.invoke(faktaark.cli.app.app, ["build", "-k", "161", "--print-standard", "x9"])
    assert bad.exit_code == 2
    alone = runner.invoke(faktaark.cli.app.app, ["build", "-k", "161", "--print-standard", "x1a"])
    assert alone.exit_code == 2
    assert "--print" in alone.stderr


ELEMENT = """<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
 <pdfaid:part>2</pdfaid:part>
 <pdfaid:conformance>A</pdfaid:conformance>
 <pdfuaid:part>1</pdfuaid:part>
</rdf:Description>"""
ATTRIBUTE = """<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdfuaid='http://www.aiim.org/pdfua/ns/id/' pdfaid:part="2" pdfaid:conformance="A"
 pdfuaid:part='1'/>"""


@pytest.mark.parametrize("form", [ELEMENT, ATTRIBUTE], ids=["element", "attribute"])
def test_the_conformance_rewrite_handles_both_xmp_forms(form: str) -> None:
    plain = declare_2b(form)
    assert "pdfuaid" not in plain
    assert re.search(r"conformance(>|=\")B", plain), plain
    assert "pdfaid:part" in plain


def test_the_rewrite_keeps_every_byte_offset(printed: dict[str, Path]) -> None:
    data = printed["screen"].read_bytes()
    judged = rewrite_xmp_in_place(data)
    assert judged is not None
    assert len(judged) == len(data)
    assert judged != data
    assert scan_written(judged, cmyk=False, tagged=True) == []  # offsets, /Length unchanged
    with pikepdf.open(io.BytesIO(judged)) as pdf:
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp(pdf)


def test_a_byte_fault_of_the_written_file_is_caught(printed: dict[str, Path]) -> None:
    """A fault of the bytes (no EOL before endstream; a wrong cross-reference offset) fails
    the checks a sheet gets before it is written, even where pikepdf's reading repairs it."""
    data = printed["x4"].read_bytes()
    no_eol = data.replace(b"\nendstream", b" endstream", 1)
    assert full_verdicts(no_eol, "print")["PDF/A-2b (page-validation)"] != "pass"
    xref = data.rindex(b"\nxref\n")
    entry = re.compile(rb"(\d{10}) 00000 n").search(data, xref)
    assert entry
    moved = b"%010d" % (int(entry[1]) + 1)
    offset = data[: entry.start(1)] + moved + data[entry.end(1) :]
    assert any("offset" in p for p in scan_written(offset, cmyk=True, tagged=False))


@pytest.mark.slow
@pytest.mark.parametrize("layout", KITS)
def test_every_print_sheet_is_pdfx4_pdfa2b_and_passes_preflight(
    tmp_path: Path, kit_prepared: Callable[[str], api.Prepared], layout: str
) -> None:
    prepared = kit_prepared(layout)
    lay = api.load_layout_for(layout, prepared.dataset)
    failures = []
    for k in register():
        res = make_sheet(k, prepared, lay, tmp_path, print_variant=True, validate="none").write()
        path = res.files[1].path
        verdicts = full_verdicts(path.read_bytes(), "print")
        failures += [f"{k.navn}: {n} {v}" for n, v in verdicts.items() if v != "pass"]
        report = preflight(path)
        failures += [f"{k.navn}: {f}" for f in report.breaches]
        if report.pdfx != "PDF/X-4" or report.pdfa != "PDF/A-2B" or report.ink_max > 300:
            failures.append(f"{k.navn}: {report.summary()}")
    assert not failures, failures[:10]


def test_an_unknown_print_standard_is_a_usage_error(tmp_path: Path) -> None:
    from faktaark.errors import UsageError

    with pytest.raises(UsageError, match="x4 or x1a"):
        faktaark.build("Glostrup", out=tmp_path, print_variant="x9")
