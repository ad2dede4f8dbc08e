"""Archive and print: PDF/A by default, identical bytes on every build, a print variant."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from conftest import KITS
from faktaark import api
from faktaark.builder.sheet import make_sheet
from faktaark.core.kommuner import register
from faktaark.pdf.examine import inspect_pdf
from faktaark.pdf.printgeom import PrintGeometry
from faktaark.pdf.validate import full_verdicts

MM = 72 / 25.4
runner = CliRunner()


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> api.BuildResult:
    out = tmp_path_factory.mktemp("print")
    return faktaark.build("Glostrup", data=prepared, out=out, print_variant=True)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_screen_sheet_is_pdfa_with_matching_metadata(both: api.BuildResult) -> None:
    path = both.files[0].path
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert (
            meta["dc:title"]
            == str(pdf.docinfo.Title)
            == "Almene boliger gør Glostrup kommune bedre"
        )
        assert meta["dc:creator"] == [str(pdf.docinfo.Author)] == ["BL – Danmarks Almene Boliger"]
        assert meta["dc:description"] == str(pdf.docinfo.Subject)
        assert set(meta["dc:language"]) == {"da-DK"}
        assert meta["xmp:CreatorTool"] == f"faktaark {faktaark.__version__}"
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "sRGB"
        assert meta["xmp:CreateDate"].startswith("2025-01-01")  # the data edition
    verdicts = full_verdicts(path.read_bytes(), "screen", second_opinion=True)
    assert verdicts == {
        "PDF/A-2a (page-validation)": "pass",
        "PDF/UA-1 (page-validation)": "pass",
        "PDF/A-2b core (pikepdf)": "pass",
    }


def test_two_builds_in_separate_processes_are_byte_identical(
    tmp_path: Path, both: api.BuildResult
) -> None:
    code = (
        "import faktaark,sys; r=faktaark.build('Glostrup', out=sys.argv[1], print_variant=True);"
        "print(r.files[0].sha256, r.files[1].sha256)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert res.stdout.split() == [both.files[0].sha256, both.files[1].sha256]
    assert sha(tmp_path / "161-glostrup.pdf") == both.files[0].sha256


def test_different_sheets_get_different_ids(tmp_path: Path, prepared: api.Prepared) -> None:
    ids = set()
    for k in ("Ærø", "Fanø"):
        r = faktaark.build(k, data=prepared, out=tmp_path)
        with pikepdf.open(r.path) as pdf:
            ids.add(bytes(pdf.trailer.ID[0]))
    assert len(ids) == 2


def test_source_date_epoch_sets_the_date(
    tmp_path: Path, prepared: api.Prepared, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    r = faktaark.build("Glostrup", data=prepared, out=tmp_path)
    with pikepdf.open(r.path) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20260101")


def test_print_variant_boxes(both: api.BuildResult) -> None:
    path = both.files[1].path
    assert path.name == "161-glostrup-tryk.pdf"
    g = PrintGeometry(595.2756, 841.8898)
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.mediabox]
            assert trim[2] - trim[0] == pytest.approx(210 * MM, abs=0.01)
            assert trim[3] - trim[1] == pytest.approx(297 * MM, abs=0.01)
            assert [b - t for b, t in zip(bleed[2:], trim[2:], strict=True)] == pytest.approx(
                [3 * MM, 3 * MM], abs=0.01
            )
            assert [t - b for b, t in zip(bleed[:2], trim[:2], strict=True)] == pytest.approx(
                [3 * MM, 3 * MM], abs=0.01
            )
            assert media[2] >= bleed[2] + 5 * MM
            assert media[3] >= bleed[3] + 5 * MM
            assert trim == pytest.approx(list(g.trim_box), abs=0.01)


def _ops(path: Path) -> list[tuple[list[object], str]]:
    out = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            out += [(list(o), str(op)) for o, op in pikepdf.parse_content_stream(page)]
    return out


def test_print_variant_has_no_rgb_colour(both: api.BuildResult) -> None:
    ops = _ops(both.files[1].path)
    assert not {op for _, op in ops} & {"rg", "RG", "sc", "SC"}
    assert {"k", "K"} <= {op for _, op in ops}
    # the only other colour space: the crop marks' registration colour
    assert {str(o[0]) for o, op in ops if op in ("cs", "CS")} == {"/CSAll"}
    screen = {op for _, op in _ops(both.files[0].path)}
    assert "rg" in screen


def test_crop_marks_lie_outside_the_bleed_box(both: api.BuildResult) -> None:
    path = both.files[1].path
    with pikepdf.open(path) as pdf:
        bleed = [float(v) for v in pdf.pages[0].obj.BleedBox]
    stroke = None
    segments = []
    start = None
    for operands, op in _ops(path):
        if op == "K":
            stroke = (float(operands[3]),)  # process black: not a mark
        elif op == "CS":
            stroke = (str(operands[0]),)
        elif op == "m":
            start = tuple(float(x) for x in operands)
        elif op == "l" and stroke == ("/CSAll",) and start:  # /Separation /All, tint 1
            segments.append((start, tuple(float(x) for x in operands)))
    assert len(segments) == 16  # 8 marks per page
    for (x1, y1), (x2, y2) in segments:
        inside_x = bleed[0] < min(x1, x2) and max(x1, x2) < bleed[2]
        inside_y = bleed[1] < min(y1, y2) and max(y1, y2) < bleed[3]
        assert not (inside_x and inside_y), ((x1, y1), (x2, y2))
        assert (
            max(x1, x2) <= bleed[0]
            or min(x1, x2) >= bleed[2]
            or max(y1, y2) <= bleed[1]
            or min(y1, y2) >= bleed[3]
        )


def test_backgrounds_bleed_past_the_trim(both: api.BuildResult) -> None:
    path = both.files[1].path
    with pikepdf.open(path) as pdf:
        trim = [float(v) for v in pdf.pages[0].obj.TrimBox]
    rects = [[float(x) for x in o] for o, op in _ops(path) if op == "re"]
    # drawn after `cm` moves the origin to the trim corner: the title band runs from 3 mm
    # outside the left trim edge to 3 mm past the right one, and 3 mm above the top
    width = trim[2] - trim[0]
    height = trim[3] - trim[1]
    band = [
        r
        for r in rects
        if r[0] == pytest.approx(-3 * MM, abs=0.05)
        and r[2] == pytest.approx(width + 6 * MM, abs=0.05)
    ]
    assert band
    assert any(r[1] + r[3] == pytest.approx(height + 3 * MM, abs=0.05) for r in band)


def test_print_variant_validates_as_pdfa_2b(both: api.BuildResult) -> None:
    report = inspect_pdf(both.files[1].path)
    assert report.ok, report.problems
    assert set(report.verdicts.values()) == {"pass"}
    assert "PDF/A-2b (page-validation)" in report.verdicts
    assert any(k.startswith("PDF/A-2b (pikepdf") for k in report.verdicts)
    assert report.color_spaces == ["DeviceCMYK", "Separation All"]
    with pikepdf.open(both.files[1].path) as pdf:
        assert int(pdf.Root.OutputIntents[0].DestOutputProfile.N) == 4


def test_check_command_reports_and_fails_on_helvetica(
    tmp_path: Path, both: api.BuildResult
) -> None:
    res = runner.invoke(faktaark.cli.app.app, ["check", str(both.files[0].path)])
    assert res.exit_code == 0, res.output
    assert "PDF/UA-1 (page-validation): pass" in res.stdout
    from reportlab.pdfgen.canvas import Canvas

    bad = tmp_path / "helvetica.pdf"
    c = Canvas(str(bad))
    c.drawString(100, 100, "Hej")
    c.save()
    res = runner.invoke(faktaark.cli.app.app, ["check", "--no-validate", str(bad)])
    assert res.exit_code == 1
    assert re.search(r"font .*Helvetica is not embedded", res.stdout)


def test_a_sheet_that_fails_validation_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faktaark.pdf.validate

    monkeypatch.setenv("FAKTAARK_CACHE", "0")  # a verdict remembered for these bytes is not used
    monkeypatch.setattr(
        faktaark.pdf.validate,
        "full_verdicts",
        lambda data, variant, second_opinion=False: {
            "PDF/A-2a (page-validation)": "fail: [6.2.4.3] planted"
        },
    )
    res = runner.invoke(faktaark.cli.app.app, ["build", "-k", "Glostrup", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "6.2.4.3" in res.stderr
    assert "Traceback" not in res.stderr
    assert not list(tmp_path.glob("*.pdf"))


def test_no_validate_says_so(tmp_path: Path) -> None:
    res = runner.invoke(
        faktaark.cli.app.app, ["build", "-k", "161", "--no-validate", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0
    assert "Not validated" in res.stderr


@pytest.mark.slow
@pytest.mark.parametrize("layout", KITS)
def test_every_sheet_passes_both_validators(
    tmp_path: Path, kit_prepared: Callable[[str], api.Prepared], layout: str
) -> None:
    prepared = kit_prepared(layout)
    lay = api.load_layout_for(layout, prepared.dataset)
    failures = []
    for k in register():
        res = make_sheet(k, prepared, lay, tmp_path, validate="none").write()
        verdicts = full_verdicts(res.path.read_bytes(), "screen", second_opinion=True)
        failures += [f"{k.navn}: {n} {v}" for n, v in verdicts.items() if v != "pass"]
    assert not failures
