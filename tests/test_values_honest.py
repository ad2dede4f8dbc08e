"""Honest figures and graceful gaps (issue 14): every calculation a sheet prints can be redone
from the figures printed beside it; no sheet prints a figure BL's sheet does not have or names
the software as author; sources cite only what the page prints; a missing figure never leaves
a "–" inside a sentence. The rules are `faktaark.review.honesty`; each is also fed a bad text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdf
import pytest

from conftest import KITS
from faktaark import api
from faktaark.core import formatting
from faktaark.core.kommuner import register
from faktaark.core.units import Color
from faktaark.pdf.make import make_pdf
from faktaark.plan.model import Node, SheetPlan, TextOp, TextPiece
from faktaark.review import composition, honesty
from faktaark.review.proof import rules, sheet_view

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = KITS
NB = "\u00a0"
GREY = Color("muted", (0.0, 0.0, 0.0, 0.6))


def _page_texts(plan: SheetPlan) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(make_pdf(plan, "screen")))
    return [p.extract_text() or "" for p in reader.pages]


def _flat(plan: SheetPlan) -> str:
    """The plan's text in one line: no-break spaces as spaces, line-end hyphens joined."""
    text = plan.all_text().replace(NB, " ").replace("\n", " ")
    return re.sub(r"(\w)- (\w)", r"\1\2", text)


def _plans(prepared: api.Prepared, layout: str) -> Iterator[SheetPlan]:
    lay = api.load_layout_for(layout, prepared.dataset)
    for k in register():
        yield api.plan_sheet(k.kode, data=prepared, layout=lay)


# ---------------------------------------------------------------- estimates and amounts


def test_estimates_are_rounded_to_a_sensible_step() -> None:
    assert formatting.estimate(1149.2) == f"ca.{NB}1.150"
    assert formatting.estimate(4597.0) == f"ca.{NB}4.600"
    assert formatting.estimate(89.4) == f"ca.{NB}89"
    assert formatting.estimate(3.2) == f"ca.{NB}tre"
    assert formatting.estimate(0.3) == "under én"
    assert formatting.estimate_value(12_345) == 12_300


def _tampered(plan: SheetPlan, name: str, text: str) -> SheetPlan:
    printed = tuple(p._replace(text=text) if p.name == name else p for p in plan.printed)
    return plan._replace(printed=printed)


def test_the_calculation_rule_catches_a_sum_that_does_not_add_up(prepared: api.Prepared) -> None:
    plan = api.plan_sheet("København", data=prepared, layout="kommuneaftale")
    assert honesty.calculation_errors(plan) == []  # 59.699 × 7,7 pct. = ca. 4.600; ÷ 4 = 1.150
    found = honesty.calculation_errors(_tampered(plan, "almene.fraflytningsprocent", "8 pct."))
    assert found, found
    assert "gives ca. 4.780" in found[0].detail
    found = honesty.calculation_errors(
        _tampered(plan, "indikator.anvisningsret_pr_aar", f"ca.{NB}1.149")
    )
    assert [f.box for f in found] == ["kpi_anvisning"]  # one finding for one wrong text
    assert "gives ca. 1.150, printed: ca. 1.149" in found[0].detail
    alone = plan._replace(printed=tuple(p for p in plan.printed if not p.name.startswith("almene")))
    found = honesty.calculation_errors(alone)  # an estimate without its inputs on the page
    assert any("without its inputs" in f.detail for f in found), found


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_printed_calculation_adds_up_on_all_98(
    layout: str, kit_prepared: Callable[[str], api.Prepared]
) -> None:
    checked = 0
    for plan in _plans(kit_prepared(layout), layout):
        assert honesty.calculation_errors(plan) == [], plan.kommune
        checked += sum(1 for p in plan.printed if p.page and p.value.kind == "estimate")
        for i, text in enumerate(_page_texts(plan), 1):
            flat = text.replace(NB, " ")
            # 1.000 mio. kr. or more is written in milliards
            assert not re.search(r"\d\.\d{3} mio\. kr\.", flat), (plan.kommune, i)
            assert "af faktaark" not in flat.lower(), (plan.kommune, i)  # never the author
    if layout == "kommuneaftale":  # the estimates are there, and were recomputed
        assert checked >= 98 * 4


def test_the_default_layout_prints_no_allocation_figure(prepared: api.Prepared) -> None:
    for name in ("Glostrup", "København", "Læsø"):
        plan = api.plan_sheet(name, data=prepared)
        text = _flat(plan)
        assert "anvise ca." not in text
        assert "indikator.anvisningsret_pr_aar" not in {p.name for p in plan.printed}
        assert "hver fjerde af de ledige almene familieboliger" in text  # the sentence stays
        assert "Beregnet af" not in text


def test_kommuneaftale_says_its_estimates_are_estimates(prepared: api.Prepared) -> None:
    text = _flat(api.plan_sheet("Glostrup", data=prepared, layout="kommuneaftale"))
    assert "anslået" in text
    assert "8,0 pct." in text  # the precision the estimate is made from
    assert "ca. 360 familieboliger ledige om året" in text  # 4.451 × 8,0 pct. = 356
    # a fourth of the vacancy estimate as printed (ca. 360 ÷ 4 = 90), not of the unrounded
    # 356 (89): the reader redoes the sum from the page
    assert "anvise ca. 90 boliger om året" in text
    assert "nr. " not in text  # no league table of absolute size


# ---------------------------------------------------------------- sources


def test_the_source_rule_catches_what_the_page_does_not_print(prepared: api.Prepared) -> None:
    plan = api.plan_sheet("Glostrup", data=prepared)
    assert honesty.source_problems(plan) == []
    page = plan.pages[1]
    node = next(n for top in page.content for n in top.walk() if n.text.startswith("Kilde:"))
    piece = TextPiece("Kilde: Befolkning: FOLK1A, 1. januar 2026. 3) Foo", "F", 7, GREY, 0)
    bad = Node(node.role, (TextOp(0, 0, (piece,), 10),), box=node.box)
    pages = (plan.pages[0], page._replace(content=(*page.content, bad)))
    found = honesty.source_problems(plan._replace(pages=pages))
    rules = {f.detail.split(" ")[0] for f in found}
    assert len(found) == 3, found
    assert rules == {"cites", "source", "year"}


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sources_cite_only_what_is_printed_on_all_98(
    layout: str, kit_prepared: Callable[[str], api.Prepared]
) -> None:
    for plan in _plans(kit_prepared(layout), layout):
        assert honesty.source_problems(plan) == [], plan.kommune
        text = plan.all_text()
        assert "FOLK1A" not in text  # no population figure is printed: none is cited


# ---------------------------------------------------------------- graceful gaps


def test_the_dash_rule_catches_a_missing_figure_in_a_sentence() -> None:
    assert honesty.dashes_in_sentences("i Danmark – – af dem bor i almene boliger")
    assert honesty.dashes_in_sentences("havde en huslejeomsætning på – i 2023.")
    assert honesty.dashes_in_sentences("Fraflytningsprocenten var – pct.")
    assert honesty.dashes_in_sentences("1 million mennesker bor i Danmark – 7.900 af dem") == []
    assert honesty.dashes_in_sentences("kan kommunen anvise – hver fjerde ledige.") == []


def _missing_ok() -> set[str]:
    """The columns of data/almene.csv whose cells may be empty (by the data dictionary)."""
    header = (ROOT / "data" / "almene.csv").read_text(encoding="utf-8").splitlines()[0]
    d = api.data_dictionary()
    return {c.name for c in d.columns.values() if c.missing and c.name in header} | {"kommune"}


MISSING_OK = _missing_ok()
# every "missing ok" column empty for one municipality (lokale_indkoeb_aar with its amount)
EMPTY = {
    "beboere": 161, "fraflytningsprocent": 101, "huslejeomsaetning_mio_kr": 173,
    "lokale_indkoeb_mio_kr": 760, "lokale_indkoeb_aar": 760, "lbf_renovering_mio_kr": 400,
    "igangsat_ungdomsboliger": 825, "igangsat_familieboliger": 563,
    "igangsat_aeldreboliger": 147, "kommune": 151,
}  # fmt: skip
GAP_KOMMUNER = tuple(sorted(set(EMPTY.values())))


# the "missing ok" columns of a kit's own data file, empty for one municipality each
EMPTY_OWN = {"levende-faellesskaber": ("faellesskaber.csv", {"frivillige": 851,
                                                              "moede_lejemaal": 492})}  # fmt: skip


def _with_gaps(folder: Path, name: str, empty: dict[str, int]) -> Path:
    """A copy of the bundled data file `name` with the cells of `empty` (column: code) empty."""
    src = (ROOT / "data" / name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(src)))
    for r in rows:
        for col, kode in empty.items():
            if r["kommunekode"] == str(kode):
                r[col] = ""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def gaps_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled figures with every "missing ok" column empty for one municipality each."""
    assert set(EMPTY) == MISSING_OK  # a new "missing ok" column needs a case here
    return _with_gaps(tmp_path_factory.mktemp("gaps"), "almene.csv", EMPTY)


@pytest.fixture(scope="module")
def gaps(gaps_file: Path) -> api.Prepared:
    return api.prepare(gaps_file)


@pytest.fixture(scope="module")
def kit_gaps(
    gaps: api.Prepared, gaps_file: Path
) -> Callable[[str], tuple[api.Prepared, tuple[int, ...]]]:
    """A kit's data with gaps, and the municipalities that have one: the housing figures'
    gaps, and those of the kit's own data file."""

    def get(layout: str) -> tuple[api.Prepared, tuple[int, ...]]:
        if layout not in EMPTY_OWN:
            return gaps, GAP_KOMMUNER
        name, empty = EMPTY_OWN[layout]
        d = api.data_dictionary(layout)
        assert set(empty) == {c.name for c in d.columns.values()
                              if c.missing and d.sources[c.source].file
                              and Path(str(d.sources[c.source].file)).name == name}  # fmt: skip
        own = _with_gaps(gaps_file.parent, name, empty)
        kommuner = tuple(sorted({*GAP_KOMMUNER, *empty.values()}))
        return api.prepare([gaps_file, own], layout=layout), kommuner

    return get


@pytest.mark.parametrize("layout", LAYOUTS)
def test_missing_figures_leave_no_dash_in_a_sentence_and_still_fit(
    layout: str, kit_gaps: Callable[[str], tuple[api.Prepared, tuple[int, ...]]]
) -> None:
    gaps, kommuner = kit_gaps(layout)
    lay = api.load_layout_for(layout, gaps.dataset)
    missing = 0
    for kode in kommuner:
        plan = api.plan_sheet(kode, data=gaps, layout=lay)  # raises FitError if it does not fit
        missing += sum(1 for p in plan.printed if p.value.missing)
        assert honesty.missing_in_sentences(plan) == [], plan.kommune
        assert honesty.calculation_errors(plan) == [], plan.kommune
        for i, text in enumerate(_page_texts(plan), 1):
            assert honesty.dashes_in_sentences(text, i) == [], (plan.kommune, i)
        frames = composition.figure_frames(lay)
        bands = composition.empty_bands(plan, figures=frames, columns=composition.text_columns(lay))
        assert bands == [], (plan.kommune, bands)
        holes = composition.panel_gaps(plan, figures=frames)  # "Ikke oplyst", not an empty box
        assert holes == [], (plan.kommune, holes)
        view = sheet_view(lay, register().get(kode), plan.kommune, plan)
        for r in rules():  # a designed state for the key figure, the note under its table
            if r.id in ("noegletal_uden_tal", "tankestreg_uden_note") and r.check is not None:
                assert list(r.check(view)) == [], (r.id, plan.kommune)
    if layout == "almene-boliger":
        assert missing > 0  # the tables still print "–" (with the note) for missing cells


def test_the_not_given_note_stands_under_its_table(gaps: api.Prepared) -> None:
    """The note that explains "–" is a line of its own under the table that prints "–", not
    at the foot of the page (and not on the source line)."""
    plan = api.plan_sheet(825, data=gaps)  # Læsø: a missing cell in the construction table
    page = plan.pages[0]
    table = [n for n in page.content if n.box == "tabel_igangsat"]
    assert [n.role for n in table] == ["Table", "P"]
    assert any(c.text == "–" for c in table[0].walk() if c.role == "TD")
    assert table[1].text == "– betyder, at tallet ikke er oplyst."
    others = [n.text for top in page.content for n in top.walk() if n.box != "tabel_igangsat"]
    assert not any("ikke oplyst" in t for t in others), others
    full = api.plan_sheet(161, data=gaps)  # Glostrup's tables print every figure: no note
    assert "betyder, at tallet" not in full.all_text()


def test_a_kpi_without_its_figure_says_ikke_oplyst(gaps: api.Prepared) -> None:
    """A key figure without its number keeps its place at the row's size: "Ikke oplyst" in
    the figure's style, the caption naming what is missing."""
    for kode, layout, box, caption in (
        (101, "kommuneaftale", "kpi_fraflytning", "fraflytningsprocent i familieboligerne (2023)."),
        (173, "almene-boliger", "kpi_husleje",
         "Huslejeomsætningen i kommunens almene afdelinger i 2023."),
    ):  # fmt: skip
        plan = api.plan_sheet(kode, data=gaps, layout=layout)
        paras = [n for p in plan.pages for top in p.content for n in top.walk() if n.box == box]
        assert [n.text.replace(NB, " ") for n in paras] == ["Ikke oplyst", caption]
        sizes = {n.box: n.ops[0].pieces[0].size for p in plan.pages for top in p.content
                 for n in top.walk() if n.box.startswith("kpi") and n.style.startswith("kpi")
                 and n.ops and n.style == paras[0].style}  # fmt: skip
        assert len(set(sizes.values())) == 1, sizes  # the same size as the row's figures
    text = _flat(api.plan_sheet(173, data=gaps))
    assert "huslejeomsætning på" not in text
