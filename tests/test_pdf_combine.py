"""`build --combine`: one file that holds to the standards of its sheets. Screen sheets make a
tagged PDF/UA-1 + PDF/A-2a file (one structure tree: a Part per sheet, marked content and
links renumbered consistently; a bookmark per sheet; /Lang; the title shown), print sheets a
PDF/X-4 + PDF/A-2b file of the print pages (PDF/X-1a + PDF/A-2b for X-1a sheets); each font
stored once; object streams; the same bytes for the same sheets. `faktaark check` and
`preflight` pass it. The slow tests combine all 98 sheets of two kits (sizes, validators,
qpdf and Ghostscript where installed) and compute the README's ink and size figures."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from faktaark import api
from faktaark.core.kommuner import register
from faktaark.errors import InputError
from faktaark.pdf.preflight import preflight

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
FOUR = ("Glostrup", "København", "Bornholm", "Lyngby-Taarbæk")


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> dict[str, Any]:
    """Four municipalities' screen and print sheets of two kits, and X-1a of one."""
    out = tmp_path_factory.mktemp("combine")
    found: dict[str, Any] = {}
    for layout in ("almene-boliger", "kommuneaftale"):
        results = [faktaark.build(k, data=prepared, out=out / layout, layout=layout,
                                  print_variant=True, validate="fast") for k in FOUR]  # fmt: skip
        found[layout] = {"screen": [r.files[0].path for r in results],
                         "print": [r.files[1].path for r in results],
                         "labels": [r.kommune for r in results]}  # fmt: skip
    x1a = [faktaark.build(k, data=prepared, out=out / "x1a", print_variant="x1a",
                          validate="fast") for k in FOUR[:2]]  # fmt: skip
    found["x1a"] = [r.files[1].path for r in x1a]
    found["out"] = out
    return found


def _combine(paths: list[Path], dest: Path, labels: list[str] | None = None) -> bytes:
    api.combine_pdfs(paths, dest, labels=labels)
    return dest.read_bytes()


def _elements(node: Any) -> list[Any]:
    kids = node.get("/K")
    kids = [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]
    out = []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            out += [kid, *_elements(kid)]
    return out


@pytest.mark.parametrize("layout", ["almene-boliger", "kommuneaftale"])
def test_screen_sheets_make_one_tagged_pdfa2a_pdfua1_file(
    sheets: dict[str, Any], tmp_path: Path, layout: str
) -> None:
    own = sheets[layout]
    data = _combine(own["screen"], tmp_path / "alle.pdf", own["labels"])
    assert data.startswith(b"%PDF-1.7")
    assert b"/ObjStm" in data  # object streams
    report = api.check_pdf(tmp_path / "alle.pdf")[0]
    assert report.ok, report.problems
    assert report.claims == ["PDF/A-2a", "PDF/UA-1"]
    assert set(report.verdicts.values()) == {"pass"}
    assert report.pages == 2 * len(FOUR)
    with pikepdf.open(tmp_path / "alle.pdf") as pdf:
        assert str(pdf.Root.Lang) == "da-DK"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title) == "Faktaark for 4 kommuner"
        assert "Faktaark for 4 kommuner" in pdf.Root.Metadata.read_bytes().decode()
        with pdf.open_outline() as outline:
            marks = [(item.title, pdf.pages.index(item.destination[0]))
                     for item in outline.root]  # fmt: skip
        assert marks == [(label, 2 * i) for i, label in enumerate(own["labels"])]
        root = pdf.Root.StructTreeRoot
        (document,) = root.K
        assert document.S == "/Document"
        parts = list(document.K)
        assert [str(p.T) for p in parts] == own["labels"]
        assert all(p.S == "/Part" and p.P.objgen == document.objgen for p in parts)
        for part in parts:
            assert all(kid.P.objgen == part.objgen for kid in part.K)
            assert not [e for e in _elements(part) if len(e.get("/K", pikepdf.Array())) == 0]
        _parent_tree_is_consistent(pdf)


def _parent_tree_is_consistent(pdf: pikepdf.Pdf) -> None:
    """Every page's /StructParents key maps its marked content to elements of that page, in
    MCID order; every link's /StructParent key to the Link element that holds it."""
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    tree = {int(k): v for k, v in zip(nums[::2], nums[1::2], strict=True)}
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(tree) + 1
    links = 0
    for index, page in enumerate(pdf.pages):
        assert int(page.obj.StructParents) == index
        mcids = [int(o[1].MCID) for o, op in pikepdf.parse_content_stream(page)
                 if str(op) == "BDC" and isinstance(o[1], pikepdf.Dictionary)]  # fmt: skip
        owners = tree[index]
        assert len(owners) == len(mcids) == max(mcids) + 1
        for mcid, element in enumerate(owners):
            page_of = element.get("/Pg")
            kids = list(element.K)
            refs = [k for k in kids if isinstance(k, int) and int(k) == mcid]
            mcrs = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/MCID" in k
                    and int(k.MCID) == mcid]  # fmt: skip
            assert refs or mcrs, (index, mcid)
            target = mcrs[0].Pg if mcrs else page_of
            assert target.objgen == page.obj.objgen
        for annot in page.obj.get("/Annots", ()):
            link = tree[int(annot.StructParent)]
            assert link.S == "/Link"
            assert link.K[0].Obj.objgen == annot.objgen
            links += 1
    assert links == len(pdf.pages) // 2  # one link (BL.dk) per sheet


def test_each_font_is_stored_once(sheets: dict[str, Any], tmp_path: Path) -> None:
    own = sheets["almene-boliger"]
    _combine(own["screen"], tmp_path / "alle.pdf")
    programs = {}
    for path in own["screen"]:
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for font in page.Resources.Font.values():
                    program = font.FontDescriptor.FontFile2.read_raw_bytes()
                    programs[str(font.BaseFont)] = program
    with pikepdf.open(tmp_path / "alle.pdf") as pdf:
        fonts = [o for o in pdf.objects
                 if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]  # fmt: skip
        names = [str(f.BaseFont) for f in fonts]
        assert sorted(names) == sorted(programs)  # one font object per distinct font
        files = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o]
        assert len(files) == len(programs)
        for font in fonts:  # the glyphs are the sheets' own
            assert font.FontDescriptor.FontFile2.read_raw_bytes() == programs[str(font.BaseFont)]


def test_the_bytes_depend_only_on_the_sheets(sheets: dict[str, Any], tmp_path: Path) -> None:
    own = sheets["kommuneaftale"]
    a = _combine(own["screen"], tmp_path / "a.pdf", own["labels"])
    b = _combine(own["screen"], tmp_path / "b.pdf", own["labels"])
    assert a == b
    c = _combine(own["screen"][::-1], tmp_path / "c.pdf", own["labels"][::-1])
    assert c != a
    p = _combine(own["print"], tmp_path / "p.pdf", own["labels"])
    assert p == _combine(own["print"], tmp_path / "q.pdf", own["labels"])


@pytest.mark.parametrize("layout", ["almene-boliger", "kommuneaftale"])
def test_print_sheets_make_one_pdfx4_pdfa2b_file(
    sheets: dict[str, Any], tmp_path: Path, layout: str
) -> None:
    own = sheets[layout]
    data = _combine(own["print"], tmp_path / "alle-tryk.pdf", own["labels"])
    assert data.startswith(b"%PDF-1.6")
    assert b"/ObjStm" in data
    report = preflight(tmp_path / "alle-tryk.pdf")
    assert report.ok, [str(f) for f in report.breaches]
    assert (report.pdfx, report.pdfa, len(report.pages)) == ("PDF/X-4", "PDF/A-2B", 8)
    checked = api.check_pdf(tmp_path / "alle-tryk.pdf")[0]
    assert checked.ok, checked.problems
    assert checked.claims == ["PDF/A-2b", "PDF/X-4"]
    with pikepdf.open(tmp_path / "alle-tryk.pdf") as pdf:
        intents = {str(oi.S): oi for oi in pdf.Root.OutputIntents}
        assert intents["/GTS_PDFA1"].DestOutputProfile.objgen == (
            intents["/GTS_PDFX"].DestOutputProfile.objgen
        )
        assert str(pdf.docinfo.Trapped) == "/False"
        assert "/StructTreeRoot" not in pdf.Root
        assert all("/TrimBox" in page.obj and "/BleedBox" in page.obj for page in pdf.pages)


def test_pdfx1a_sheets_make_a_pdfx1a_file(sheets: dict[str, Any], tmp_path: Path) -> None:
    data = _combine(sheets["x1a"], tmp_path / "x1a.pdf")
    assert data.startswith(b"%PDF-1.4")
    assert b"/ObjStm" not in data  # PDF 1.4 has none
    report = preflight(tmp_path / "x1a.pdf")
    assert report.ok, [str(f) for f in report.breaches]
    assert report.pdfx == "PDF/X-1a:2003"
    assert api.check_pdf(tmp_path / "x1a.pdf")[0].ok


def test_sheets_of_two_variants_or_foreign_pdfs_are_refused(
    sheets: dict[str, Any], tmp_path: Path
) -> None:
    own = sheets["almene-boliger"]
    with pytest.raises(InputError, match=re.escape(own["print"][1].name)):
        api.combine_pdfs([own["screen"][0], own["print"][1]], tmp_path / "mixed.pdf")
    from reportlab.pdfgen.canvas import Canvas

    foreign = tmp_path / "fremmed.pdf"
    canvas = Canvas(str(foreign))
    canvas.drawString(100, 100, "Hej")
    canvas.save()
    with pytest.raises(InputError, match=r"fremmed\.pdf"):
        api.combine_pdfs([foreign], tmp_path / "f.pdf")
    assert not (tmp_path / "mixed.pdf").exists()
    assert not (tmp_path / "f.pdf").exists()


def test_build_print_combine_holds_the_print_pages(tmp_path: Path) -> None:
    res = runner.invoke(faktaark.cli.app.app, [
        "build", "-k", "161", "-k", "400", "--print", "--out", str(tmp_path),
        "--combine", str(tmp_path / "alle.pdf"), "--validate", "fast"])  # fmt: skip
    assert res.exit_code == 0, res.output
    with pikepdf.open(tmp_path / "alle.pdf") as pdf:
        assert len(pdf.pages) == 4
        assert all("/TrimBox" in page.obj for page in pdf.pages)
        with pdf.open_outline() as outline:
            assert [item.title for item in outline.root] == ["Glostrup", "Bornholm"]
    assert preflight(tmp_path / "alle.pdf").ok


# --- all 98, two kits (slow) -------------------------------------------------------------------

# the size targets of issue 24: the 98-sheet file at most 2.5 MB (almene-boliger), 1.2 MB
# (kommuneaftale); the print file as well
TARGET_MB = {"almene-boliger": 2.5, "kommuneaftale": 1.2}


@pytest.fixture(scope="module")
def all98(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("all98")
    found: dict[str, Any] = {}
    codes = [k.kode for k in register()]
    for layout in TARGET_MB:
        results = faktaark.build_many(codes, data=prepared, layout=layout, out=out / layout,
                                      print_variant=True, validate="fast")  # fmt: skip
        by_code = sorted(results, key=lambda r: r.kommunekode)
        labels = [r.kommune for r in by_code]
        for variant, index in (("screen", 0), ("print", 1)):
            paths = [r.files[index].path for r in by_code]
            dest = out / f"{layout}-{variant}.pdf"
            api.combine_pdfs(paths, dest, labels=labels)
            found[(layout, variant)] = (paths, dest)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(TARGET_MB))
@pytest.mark.parametrize("variant", ["screen", "print"])
def test_the_98_sheet_files_conform_and_meet_the_size_targets(
    all98: dict[str, Any], layout: str, variant: str
) -> None:
    _, dest = all98[(layout, variant)]
    size_mb = dest.stat().st_size / 1e6
    assert size_mb <= TARGET_MB[layout], f"{dest.name}: {size_mb:.2f} MB"
    report = api.check_pdf(dest)[0]
    assert report.ok, report.problems
    assert report.pages == 196
    if variant == "print":
        pre = preflight(dest)
        assert pre.ok, [str(f) for f in pre.breaches]
    if shutil.which("qpdf"):
        qpdf = subprocess.run(["qpdf", "--check", str(dest)], capture_output=True, text=True)
        assert qpdf.returncode == 0, qpdf.stdout[-2000:] + qpdf.stderr[-2000:]
    if shutil.which("gs"):
        gs = subprocess.run(["gs", "-q", "-o", "/dev/null", "-sDEVICE=nullpage", str(dest)],
                            capture_output=True, text=True)  # fmt: skip
        assert gs.returncode == 0
        assert "rror" not in gs.stdout + gs.stderr, (gs.stdout + gs.stderr)[-2000:]


def _docs() -> str:
    """The README and the docs, where the figures below are stated."""
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in texts if p.is_file())


@pytest.mark.slow
def test_the_stated_ink_and_size_figures_are_measured(all98: dict[str, Any]) -> None:
    """No print sheet of either layout breaks a preflight rule; every figure the README or
    docs/ states as "<N> % (<layout>)" is the maximum total ink of that layout's 98 print
    sheets, and every "<N.N> MB (<layout>[, print])" the size of its 98-sheet combined file:
    a figure is typed in nowhere without this test measuring it (none may be stated at all)."""
    docs = _docs()
    for layout in TARGET_MB:
        paths, _ = all98[(layout, "print")]
        inks = []
        for path in paths:
            report = preflight(path)
            assert report.ok, (path.name, [str(f) for f in report.breaches])
            inks.append(report.ink_max)
        measured = round(max(inks))
        stated = [int(n) for n in re.findall(rf"(\d+) %\s+\({re.escape(layout)}\)", docs)]
        assert set(stated) <= {measured}, (layout, stated, measured)
        assert 150 < measured <= 300
        for variant in ("screen", "print"):
            _, dest = all98[(layout, variant)]
            suffix = ", print" if variant == "print" else ""
            pattern = rf"(\d+\.\d) MB\s+\({re.escape(layout)}{suffix}\)"
            sizes = [float(n) for n in re.findall(pattern, docs)]
            assert set(sizes) <= {round(dest.stat().st_size / 1e6, 1)}, (layout, variant, sizes)


def test_object_streams_never_end_in_an_eol() -> None:
    """`pdf.pack` keeps every stream it compresses (object streams, the cross-reference
    stream) from ending in CR or LF, which makes the EOL before `endstream` ambiguous: over
    files of 1-420 small objects both remedies are needed (an object stream padded with
    spaces, the cross-reference stream given free entries), and every file stays the same."""
    import io

    from faktaark.pdf.pack import pack_object_streams

    padded = extended = 0
    for n in range(1, 420):
        pdf = pikepdf.new()
        items = [pikepdf.Array([i, pikepdf.String("x" * (i % 7))]) for i in range(n)]
        pdf.Root.Extra = pikepdf.Array([pdf.make_indirect(item) for item in items])
        classic = io.BytesIO()
        pdf.save(classic, object_stream_mode=pikepdf.ObjectStreamMode.disable, static_id=True)
        packed = pack_object_streams(classic.getvalue())
        assert not re.search(rb"[\r\n]\nendstream", packed), n
        with pikepdf.open(io.BytesIO(packed)) as again:
            assert [list(a) for a in again.Root.Extra] == [list(a) for a in items]
            stream = next(o for o in again.objects if isinstance(o, pikepdf.Stream)
                          and o.get("/Type") == "/ObjStm")  # fmt: skip
            padded += stream.read_bytes().endswith(b"\n ")
        xref = re.search(rb"(\d+) 0 obj\n<< /Type /XRef /Size (\d+)", packed)
        assert xref is not None
        extended += int(xref[2]) > int(xref[1]) + 1
    assert padded > 0
    assert extended > 0
