"""The preflight a print shop runs (`faktaark preflight`, `faktaark check --print`): the shipped
print sheets pass; each planted fault fails it, naming the rule; a sheet built through a
layout with a bad print colour fails it; malformed, encrypted and non-PDF inputs and the
files of a reference corpus get one line each and never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from conftest import KITS, layout_with
from faktaark import api
from faktaark.pdf.preflight import preflight
from faktaark.pdf.preflight_ident import xmp_properties
from faktaark.pdf.preflight_report import RULES

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"
runner = CliRunner()


@pytest.fixture(scope="module")
def sheets(
    tmp_path_factory: pytest.TempPathFactory, kit_prepared: Callable[[str], api.Prepared]
) -> list[Path]:
    out = tmp_path_factory.mktemp("pf")
    paths = []
    for layout in KITS:
        for k in ("Glostrup", "København"):
            res = faktaark.build(k, data=kit_prepared(layout), out=out, layout=layout,
                                 print_variant=True)  # fmt: skip
            paths.append(res.files[1].path)
    return paths


def rules_of(path: Path) -> set[str]:
    report = preflight(path)
    assert report.error is None, report.error
    return {f.rule for f in report.breaches}


def test_every_rule_names_a_standard_or_a_convention() -> None:
    for rule in RULES.values():
        assert rule.source.startswith(("ISO ", "convention")), rule


def test_the_print_sheets_pass(sheets: list[Path]) -> None:
    for path in sheets:
        r = preflight(path)
        assert r.ok, [str(f) for f in r.breaches]
        assert (r.pdfx, r.pdfa, r.header) == ("PDF/X-4", "PDF/A-2B", "1.6")
        assert 150 < r.ink_max <= 300
        for p in r.pages:
            assert set(p.boxes) == {"MediaBox", "CropBox", "BleedBox", "TrimBox"}
            assert p.registration_strokes == 8
            assert set(p.small_text) <= {0, 1}  # text under 12 pt: one ink (or white)
            assert p.overprint.get("text", 0) > 20
        assert any("ink max" in line for line in r.lines())


def test_the_old_print_variant_breaks_the_rules_the_issue_lists(sheets: list[Path]) -> None:
    """What was wrong before: measured by planting the old colours back (see also the layout
    tests); here the ink coverage as the issue measured it, 215-225 % for the fills, and
    270 % on page 2 of the default layout, where the regional map's K100 text (overprinting,
    issue 14's labelled map) stands on the brand highlight (M100 Y70): under the 300 %
    a sheet-fed press allows."""
    inks = sorted(round(preflight(p).ink_max) for p in sheets)
    assert inks[0] >= 200
    assert inks[-1] <= 270


def _edit(path: Path, fn: object) -> Path:
    out = path.with_name("bad-" + path.name)
    with pikepdf.open(path) as pdf:
        fn(pdf)  # type: ignore[operator]
        pdf.save(out)
    return out


def _no_pdfx_intent(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OutputIntents = pikepdf.Array([pdf.Root.OutputIntents[0]])


def _own_profile(pdf: pikepdf.Pdf) -> None:
    x = pdf.Root.OutputIntents[1]
    x.DestOutputProfile = pdf.make_stream(x.DestOutputProfile.read_bytes(), N=4)


def _no_trapped(pdf: pikepdf.Pdf) -> None:
    del pdf.docinfo["/Trapped"]


def _link_in_trim(pdf: pikepdf.Pdf) -> None:
    action = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://bl.dk"))
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[100, 100, 200, 120], A=action
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))


def _no_trimbox(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[1].obj["/TrimBox"]


def _content(extra: bytes) -> object:
    def add(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].contents_add(pdf.make_stream(extra), prepend=False)

    return add


def _no_xmpmm(pdf: pikepdf.Pdf) -> None:
    text = pdf.Root.Metadata.read_bytes().replace(b"<xmpMM:VersionID>1</xmpMM:VersionID>", b"")
    pdf.Root.Metadata = pdf.make_stream(text, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)


PLANTED = [
    (_no_pdfx_intent, "x-intent"),
    (_own_profile, "x-intent-shared"),
    (_no_trapped, "x-trapped"),
    (_link_in_trim, "x-annot"),
    (_no_trimbox, "x-boxes"),
    (_no_xmpmm, "x-xmpmm"),
    (_content(b"q 0 0 0 1 K 0.1 w 100 300 m 300 300 l S Q"), "thin-stroke"),
    (_content(b"q 0 1 1 0 K 0.3 w 100 310 m 300 310 l S Q"), "hairline-inks"),
    (_content(b"q 1 0 0 rg 100 100 50 50 re f Q"), "rgb"),
    (_content(b"q /FkOP gs 0 0 0 0 k 100 100 50 50 re f Q"), "white-overprint"),
    (_content(b"q 0.5 0.5 0.5 1 K 0.3 w 1 1 m 20 1 l S Q"), "registration"),
]


@pytest.mark.parametrize(("plant", "rule"), PLANTED, ids=[r for _, r in PLANTED])
def test_each_planted_fault_fails_the_preflight(
    sheets: list[Path], plant: object, rule: str
) -> None:
    bad = _edit(sheets[0], plant)
    assert rule in rules_of(bad)


def test_tac_over_the_limit(sheets: list[Path]) -> None:
    bad = _edit(sheets[0], _content(b"q 1 1 1 0.5 k 100 100 50 50 re f Q"))  # 350 %
    report = preflight(bad)
    assert report.ink_max == pytest.approx(350, abs=1)
    assert "tac" in {f.rule for f in report.breaches}


# a print colour that breaks a rule, and the preflight rule that must fail on the built sheet
BAD_LAYOUTS = [
    ("almene-boliger", 'size = 8.4\nleading = 10.2\ncolor = "heading"',
     'size = 8.4\nleading = 10.2\ncolor = "brand_dark"', "small-text-inks"),
    ("almene-boliger", 'size = 11.5\nleading = 13.5\ncolor = "black"',
     'size = 11.5\nleading = 13.5\ncolor = "rich_black"', "rich-black"),
    ("almene-boliger", "text = { cmyk = [0, 0, 0, 100], screen = [0, 0, 0, 90], overprint = true }",
     "text = { cmyk = [0, 0, 0, 90] }", "black-overprint"),
    ("almene-boliger", "brand = { cmyk = [0, 100, 70, 0], screen = [0, 100, 70, 18] }",
     "brand = { cmyk = [0, 100, 70, 18] }", "white-text"),
    ("kommuneaftale", "brand = { cmyk = [100, 0, 0, 50], screen = [100, 35, 30, 25] }",
     "brand = { cmyk = [100, 35, 30, 25] }", "white-text"),
    ("almene-boliger", 'registration = { cmyk = [100, 100, 100, 100], separation = "All" }',
     "registration = { cmyk = [100, 100, 100, 100] }", "registration"),
    ("almene-boliger", "min_white_stroke = 0.5", "min_white_stroke = 0.25", "thin-stroke"),
    ("almene-boliger", 'colors = ["rule", "white"]', 'colors = ["rule", "brand_dark"]',
     "hairline-inks"),
    ("almene-boliger", 'bullet_color = "accent"', 'bullet_color = "brand"', "small-text-inks"),
    ("almene-boliger", "brand_light = { cmyk = [0, 6, 4, 0] }",
     "brand_light = { cmyk = [90, 90, 90, 60] }", "tac"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("layout", "old", "new", "rule"),
    BAD_LAYOUTS,
    ids=[f"{b[3]}-{i}" for i, b in enumerate(BAD_LAYOUTS)],
)
def test_a_sheet_built_with_a_bad_print_colour_fails(
    tmp_path: Path, prepared: api.Prepared, layout: str, old: str, new: str, rule: str
) -> None:
    folder = layout_with(tmp_path, layout, old, new)
    res = faktaark.build(
        "Glostrup", data=prepared, layout=folder, out=tmp_path / "out", print_variant=True,
        validate="fast",
    )  # fmt: skip
    assert rule in rules_of(res.files[1].path)


def _broken_inputs(tmp_path: Path, sheet: Path) -> dict[str, Path]:
    d = tmp_path / "broken"
    d.mkdir()
    files = {
        "text": d / "notes.pdf", "empty": d / "empty.pdf", "truncated": d / "truncated.pdf",
        "binary": d / "image.pdf", "encrypted": d / "encrypted.pdf",
        "owner-only": d / "owner.pdf", "missing": d / "missing.pdf", "folder": d / "folder.pdf",
    }  # fmt: skip
    files["text"].write_text("Dette er ikke en PDF\n", encoding="utf-8")
    files["empty"].write_bytes(b"")
    files["truncated"].write_bytes(sheet.read_bytes()[:4000])
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    files["folder"].mkdir()
    with pikepdf.open(sheet) as pdf:
        pdf.save(files["encrypted"], encryption=pikepdf.Encryption(owner="o", user="u"))
        pdf.save(files["owner-only"], encryption=pikepdf.Encryption(owner="o", user=""))
    return files


def test_broken_inputs_get_one_line_each(tmp_path: Path, sheets: list[Path]) -> None:
    files = _broken_inputs(tmp_path, sheets[0])
    for name, path in files.items():
        report = preflight(path)
        assert report.error, name
        assert str(path) in report.summary()
        assert "\n" not in report.summary()
        assert not report.ok
    assert "encrypt" in preflight(files["encrypted"]).error  # type: ignore[operator]
    res = runner.invoke(faktaark.cli.app.app, ["preflight", *map(str, files.values())])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    errors = [line for line in res.stderr.splitlines() if ": error: " in line]
    assert len(errors) == len(files)


def test_malformed_pdfs_are_reported_not_raised(tmp_path: Path, sheets: list[Path]) -> None:
    def damage(pdf: pikepdf.Pdf) -> None:
        del pdf.Root["/Metadata"]
        pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary({"/X0": None})
        pdf.pages[0].contents_add(pdf.make_stream(b"q /X0 Do /Nope Do /Nix gs Q"), prepend=False)

    bad = _edit(sheets[0], damage)
    report = preflight(bad)
    assert report.error is None
    assert "x-id" in {f.rule for f in report.breaches}  # no /Metadata: no PDF/X identification
    notes = [f.message for f in report.findings if f.rule == "content"]
    assert any("/X0" in n for n in notes)
    assert any("/Nope" in n for n in notes)
    res = runner.invoke(faktaark.cli.app.app, ["check", "--print", str(bad)])
    assert res.exit_code == 1
    assert "Traceback" not in res.output


def test_xmp_is_read_in_element_and_attribute_form() -> None:
    element = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
      xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
      xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"><pdfxid:GTS_PDFXVersion>PDF/X-4
      </pdfxid:GTS_PDFXVersion></rdf:Description></rdf:RDF></x:xmpmeta>"""
    attribute = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
      xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
      xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" pdfxid:GTS_PDFXVersion="PDF/X-4"/>
      </rdf:RDF></x:xmpmeta>"""
    for packet in (element, attribute):
        assert xmp_properties(packet)["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared veraPDF corpus is not here")
def test_the_reference_corpus_never_gives_a_traceback() -> None:
    files = sorted(CORPUS.rglob("*.pdf"))
    assert len(files) > 100
    for path in files:
        report = preflight(path)
        assert report.error is not None or report.pages, path
        assert "\n" not in report.summary()
        assert not report.ok  # none of them is a print file: at least no PDF/X identification
    res = runner.invoke(faktaark.cli.app.app, ["preflight", *map(str, files[:40])])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
