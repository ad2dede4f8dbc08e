"""Layouts are data, validated on load, and no text ever overflows."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from conftest import KITS, copy_layout, pdf_text
from faktaark import api
from faktaark.errors import LayoutError
from faktaark.layout.load import available, load_layout
from faktaark.plan.model import TextOp
from faktaark.values.sheet import known_names

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


@pytest.mark.parametrize("name", [p.name for p in available()])
def test_shipped_layouts_fit_all_98_and_the_worst_cases(name: str) -> None:
    report = api.fit_check(name)
    assert report.sheets == 98 + 5
    assert report.ok, report.failures
    assert all(r.room >= -0.01 for r in report.rooms)


def test_two_layouts_ship() -> None:
    assert {p.name for p in available()} >= set(KITS)


def test_a_too_long_title_fails_with_location_and_amount(tmp_path: Path) -> None:
    folder = copy_layout(tmp_path)
    edit(
        folder / "texts.da.toml",
        'titel = "Almene boliger gør\\n{kommune.officielt_navn:sted} bedre"\nside2',
        'titel = "Almene boliger gør {kommune.officielt_navn} meget, meget bedre for alle '
        "borgere i alle livets faser hver eneste dag, hele året rundt, i by og på land, "
        'for unge og gamle, for familier og for enlige"\nside2',
    )
    res = runner.invoke(faktaark.cli.app.app, ["layouts", "check", str(folder)])
    assert res.exit_code == 1
    assert re.search(
        r'almene-boliger, Glostrup, page 1, box "titel": \d+ pt too tall at the smallest '
        r"size allowed \(18 pt\)",
        res.stderr,
    )
    out = tmp_path / "out"
    res = runner.invoke(
        faktaark.cli.app.app,
        ["build", "-k", "Glostrup", "--layout", str(folder), "--out", str(out)],
    )
    assert res.exit_code == 1
    assert 'box "titel"' in res.stderr
    assert "Traceback" not in res.stderr
    assert not list(out.glob("*.pdf"))


def test_a_too_long_word_fails(tmp_path: Path) -> None:
    folder = copy_layout(tmp_path)
    edit(
        folder / "texts.da.toml",
        'kicker = "Faktaark · Almene boliger · {udgave.aar}"',
        'kicker = "' + "Almenboligfaktaarkudgivelsesforberedelsesarbejde" * 3 + '"',
    )
    with pytest.raises(faktaark.FitError, match=r'box "kicker": the word .* pt too wide'):
        api.plan_sheet("Glostrup", layout=folder)


def test_changing_a_heading_changes_the_pdf_without_code(tmp_path: Path) -> None:
    folder = copy_layout(tmp_path)
    edit(
        folder / "texts.da.toml",
        'overskrift = "Samfundsansvar er en del af vores DNA"',
        'overskrift = "Vores samfundsansvar i praksis"',
    )
    res = faktaark.build("Glostrup", layout=folder, out=tmp_path / "out")
    text = pdf_text(res.path)
    assert "Vores samfundsansvar i praksis" in text
    assert "Samfundsansvar er en del af vores DNA" not in text


@pytest.mark.parametrize("layout_name", KITS)
@pytest.mark.parametrize("kommune", ["Glostrup", "Ringkøbing-Skjern", "Bornholm"])
def test_every_planned_line_is_in_the_pdf_text(
    tmp_path: Path, kit_prepared: Callable[[str], api.Prepared], layout_name: str, kommune: str
) -> None:
    prepared = kit_prepared(layout_name)
    plan = api.plan_sheet(kommune, data=prepared, layout=layout_name)
    lines = [
        op.text
        for page in plan.pages
        for node in page.content
        for n in node.walk()
        for op in n.ops
        if isinstance(op, TextOp)
    ]
    res = faktaark.build(kommune, data=prepared, layout=layout_name, out=tmp_path)
    text = pdf_text(res.path)
    missing = [ln for ln in lines if ln.replace("\u00a0", " ").strip() not in text]
    assert len(lines) > 60
    assert not missing


def _load(folder: Path) -> None:
    ds = faktaark.load()
    load_layout(folder, known_names(ds.fields, ds.fakta))


LAYOUT_ERRORS = [
    # (file, old, new, expected message fragment, line needle)
    (
        "layout.toml",
        'id = "titel"\n',
        'id = "titel"\ncolour = "brand"\n',
        "colour: Extra inputs are not permitted",
        'colour = "brand"',
    ),
    (
        "layout.toml",
        'id = "kicker"\npage = 1\nkind = "text"\nx = 12',
        'id = "kicker"\npage = 1\nkind = "text"\nx = 200',
        'box "kicker"',
        "x = 200",
    ),
    (
        "layout.toml",
        'id = "kpi_andel"\npage = 1\nkind = "text"\nx = 109',
        'id = "kpi_andel"\npage = 1\nkind = "text"\nx = 60',
        'overlaps box "kpi_andel"',
        None,
    ),
    (
        "layout.toml",
        "brand_dark = { cmyk = [0, 100, 70, 45] }",
        "brand_dark = { cmyk = [0, 120, 70, 45] }",
        "colors.brand_dark.cmyk.1",
        None,
    ),
    (
        "layout.toml",
        'fill = "brand_light"\npadding = 3',
        'fill = "brandlight"\npadding = 3',
        "unknown colour 'brandlight'; did you mean 'brand_light'?",
        None,
    ),
    (
        "layout.toml",
        '{ style = "lead", text = "intro.lead" }',
        '{ style = "lead", text = "intro.ledd" }',
        "text 'intro.ledd' missing in texts.da.toml",
        None,
    ),
    (
        "texts.da.toml",
        "{almene.beboere} af dem",
        "{almene.beboer} af dem",
        "unknown placeholder {almene.beboer}; did you mean 'almene.beboere'?",
        "{almene.beboer} af",
    ),
    (
        "texts.da.toml",
        "{almene.beboere} af dem",
        "{almene.beboere:procent} af dem",
        "unknown format :procent",
        "{almene.beboere:procent}",
    ),
    ("layout.toml", "pages = 2", "pages = 3", 'page 3 has no box with when = "eksempel"', None),
]


@pytest.mark.parametrize(("file", "old", "new", "message", "needle"), LAYOUT_ERRORS)
def test_layout_errors_name_file_key_and_line(
    tmp_path: Path, file: str, old: str, new: str, message: str, needle: str | None
) -> None:
    folder = copy_layout(tmp_path)
    edit(folder / file, old, new)
    with pytest.raises(LayoutError) as exc:
        _load(folder)
    text = str(exc.value)
    assert message in text
    if needle is not None:
        assert f"{folder / file}:{line_of(folder / file, needle)}:" in text
    else:
        assert re.search(re.escape(str(folder / file)) + r":\d+:", text)


def test_unknown_layout_is_a_usage_error() -> None:
    res = runner.invoke(faktaark.cli.app.app, ["build", "-k", "161", "--layout", "nope"])
    assert res.exit_code == 2
    assert "Unknown layout 'nope'" in res.stderr


def test_the_placeholder_list_documents_every_name() -> None:
    """The names every kit has are listed one by one; a kit's own figures by pattern (and by
    `faktaark layouts fields`, generated from its data dictionary)."""
    doc = (ROOT / "layouts" / "README.md").read_text(encoding="utf-8")
    ds = faktaark.load()
    declared = ds.fields.placeholder_names() - {"indikator.folketal"}
    for name in known_names(ds.fields, ds.fakta) - declared:
        ns, _, _rest = name.partition(".")
        if ns in ("fakta", "fodnote", "kilde"):
            continue  # documented by pattern (fakta.<id> ...)
        assert f"`{name}`" in doc, name
    for pattern in ("<source>.<column>", "indikator.<name>", "land.<name>", "region.<name>"):
        assert f"`{pattern}`" in doc, pattern


def test_kommuneaftale_uses_plural_and_comparison_words(prepared: api.Prepared) -> None:
    plan = api.plan_sheet("Glostrup", data=prepared, layout="kommuneaftale")
    text = plan.all_text().replace("\u00a0", " ")
    assert "73 ungdomsboliger, 4.451 familieboliger og 90 ældreboliger" in text
    assert "højere end landsgennemsnittet" in text
    # the comparison uses example data for the other municipalities: the sheet says so
    assert plan.eksempel
    assert "Sammenligningen bygger på eksempeldata" in text
    assert "Glostrup kommunes egne tal er reelle" in text  # its own figures are real
    assert "Eksempeldata – ikke officielle tal" not in text


def test_a_real_source_is_never_credited_with_example_comparisons(
    prepared: api.Prepared,
) -> None:
    """Glostrup's kommuneaftale sheet: its own figures are real (BL's source), its charts and
    averages compare it with example data. Each page's "Kilde:" line names the real source and
    then says that the comparison figures are example data; a sheet whose own figures are
    example data says so in its source already and gets no second note."""
    note = "Sammenligningstal (regionen, hele landet og de andre kommuner): eksempeldata"
    plan = api.plan_sheet("Glostrup", data=prepared, layout="kommuneaftale")
    for page in plan.pages:
        kilde = [t.replace("\u00a0", " ") for t in page.texts() if "Kilde:" in t]
        assert any("Danmarks Statistiks registerdata" in t and note in t for t in kilde), kilde
    other = api.plan_sheet("Bornholm", data=prepared, layout="kommuneaftale")
    text = other.all_text().replace("\u00a0", " ")
    assert "Kilde: Eksempeldata til afprøvning – ikke officielle tal." in text
    assert "Sammenligningstal" not in text


def test_glostrup_default_sheet_uses_no_example_derived_value(prepared: api.Prepared) -> None:
    plan = api.plan_sheet("Glostrup", data=prepared)
    assert not plan.eksempel
