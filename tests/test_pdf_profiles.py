"""`faktaark check` judges any PDF by the standard it claims (`--profile auto`, the default) or
the one asked for (`--profile pdfa-2b|pdfa-2a|pdfa-2u|pdfua-1|pdfx-4`): on the veraPDF reference
subset in `../shared/corpus/verapdf/` it agrees with the expected verdict of every file, both
ways; faktaark's own sheets pass what they claim and fail what they do not; a file that claims
nothing, or what faktaark cannot judge, fails with a sentence saying so."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from faktaark import api
from faktaark.errors import UsageError
from faktaark.pdf.profiles import Claims, check_profile, resolve

ROOT = Path(__file__).resolve().parents[1]
# in CI the checkout is <clone>/ and shared/ is beside it, as here: <work>/wt-pdf, <work>/shared
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"
FOLDER_PROFILE = {"PDF_A-2b": "pdfa-2b", "PDF_A-2a": "pdfa-2a", "PDF_UA-1": "pdfua-1"}
runner = CliRunner()


def _corpus() -> list[tuple[Path, str, bool]]:
    """(file, the profile of its folder, whether a conforming validator passes it)."""
    files = sorted(CORPUS.rglob("*.pdf"))
    return [(f, FOLDER_PROFILE[f.relative_to(CORPUS).parts[0]], "-pass-" in f.name) for f in files]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the veraPDF corpus is not at {CORPUS}")
def test_check_agrees_with_every_expected_verdict_of_the_verapdf_subset() -> None:
    cases = _corpus()
    assert len(cases) >= 100
    assert sum(1 for _, _, passes in cases if passes) >= 40
    wrong = []
    for path, profile, passes in cases:
        for asked in (profile, "auto"):
            report = api.check_pdf(path, profile=asked)[0]
            if report.ok != passes:
                wrong.append(f"{path.name} --profile {asked}: {report.problems[:2]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the veraPDF corpus is not at {CORPUS}")
def test_check_on_the_corpus_from_the_command_line() -> None:
    """One run over the whole subset: a verdict per file, JSON parseable, exit 1 (some must
    fail), and the files that must pass are those it passes."""
    cases = _corpus()
    res = runner.invoke(faktaark.cli.app.app, ["check", "--json", *(str(c[0]) for c in cases)])
    assert res.exit_code == 1, res.output[-2000:]
    assert "Traceback" not in res.output
    reports = json.loads(res.stdout)
    assert [r["ok"] for r in reports] == [passes for _, _, passes in cases]
    assert all(r["claims"] or r["problems"] for r in reports)


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("profiles")
    res = faktaark.build("Glostrup", data=prepared, out=out, print_variant=True)
    return {"screen": res.files[0].path, "print": res.files[1].path, "out": out}


def test_own_sheets_pass_what_they_claim(own: dict[str, Path]) -> None:
    screen, printed = api.check_pdf([own["screen"], own["print"]])
    assert screen.ok, screen.problems
    assert (screen.claims, screen.profiles) == (["PDF/A-2a", "PDF/UA-1"], ["PDF/A-2a", "PDF/UA-1"])
    assert printed.ok, printed.problems
    assert printed.claims == ["PDF/A-2b", "PDF/X-4"]
    assert "PDF/X-4 (faktaark preflight, ISO rules)" in printed.verdicts
    assert any("pikepdf" in k for k in printed.verdicts)  # faktaark's own: the second opinion


@pytest.mark.parametrize(
    ("sheet", "profile", "why"),
    [
        ("screen", "pdfx-4", "x-id"),  # no PDF/X identification, no TrimBox
        ("print", "pdfua-1", "PDF/UA-1"),  # the print variant is not tagged
        ("print", "pdfa-2a", "PDF/A-2a"),
    ],
)
def test_own_sheets_fail_what_they_do_not_claim(
    own: dict[str, Path], sheet: str, profile: str, why: str
) -> None:
    report = api.check_pdf(own[sheet], profile=profile)[0]
    assert not report.ok
    assert any(why in p for p in report.problems), report.problems


def _with_xmp(src: Path, dest: Path, old: bytes, new: bytes) -> Path:
    with pikepdf.open(src) as pdf:
        text = pdf.Root.Metadata.read_bytes()
        assert old in text
        pdf.Root.Metadata = pdf.make_stream(text.replace(old, new), Type=pikepdf.Name.Metadata,
                                            Subtype=pikepdf.Name.XML)  # fmt: skip
        pdf.save(dest, fix_metadata_version=False)
    return dest


def test_auto_fails_a_file_that_claims_nothing_or_what_cannot_be_judged(
    own: dict[str, Path], tmp_path: Path
) -> None:
    from reportlab.pdfgen.canvas import Canvas

    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(100, 100, "Hej")
    canvas.save()
    report = api.check_pdf(plain)[0]
    assert not report.ok
    assert any("claims no standard" in p for p in report.problems)
    pdfa4 = _with_xmp(own["screen"], tmp_path / "a4.pdf", b"<pdfaid:part>2<", b"<pdfaid:part>4<")
    report = api.check_pdf(pdfa4)[0]
    assert any("claims PDF/A-4A, which faktaark cannot judge" in p for p in report.problems)
    ua2 = _with_xmp(own["screen"], tmp_path / "ua2.pdf", b"<pdfuaid:part>1<", b"<pdfuaid:part>2<")
    assert any("PDF/UA-2" in p for p in api.check_pdf(ua2)[0].problems)


def test_profile_names_are_checked() -> None:
    assert check_profile("pdfa-2b,PDFUA-1") == ("pdfa-2b", "pdfua-1")
    assert check_profile(["auto", "pdfx-4", "auto"]) == ("auto", "pdfx-4")
    for bad in ("pdfa-9z", "", 5, [None]):
        with pytest.raises(UsageError, match="profile"):
            check_profile(bad)
    judged, problems = resolve(("auto", "pdfx-4"), Claims(["pdfa-2b"], []))
    assert (judged, problems) == (["pdfa-2b", "pdfx-4"], [])


def test_check_command_takes_a_profile(own: dict[str, Path]) -> None:
    res = runner.invoke(faktaark.cli.app.app, ["check", "--profile", "pdfx-4", str(own["print"])])
    assert res.exit_code == 0, res.output
    assert "judged by: PDF/X-4" in res.stdout
    res = runner.invoke(faktaark.cli.app.app, ["check", "-p", "pdfx-4", str(own["screen"])])
    assert res.exit_code == 1
    assert re.search(r"PDF/X-4 \(faktaark preflight, ISO rules\): fail", res.stdout)
    assert "ISO 15930-7:2010 6." in res.stdout  # the finding names its clause
    res = runner.invoke(faktaark.cli.app.app, ["check", "--profile", "pdfq", str(own["print"])])
    assert res.exit_code == 2
    assert "Unknown profile 'pdfq'" in res.output
    res = runner.invoke(faktaark.cli.app.app, ["check", "--format", "csv", str(own["screen"])])
    assert "PDF/A-2a, PDF/UA-1" in res.stdout
