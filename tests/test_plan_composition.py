"""Composition (issue 14): no empty band taller than 15 mm in the content area of any page of
any shipped kit on any of the 98; the real sheet (Glostrup) has no hole where the example note
would be; chart bars are visible and reach 3:1 contrast; the regional map labels the
municipality and exactly its land-border neighbours, the same ones its alt text names.
The rules are `faktaark.review.composition`; each is also fed a bad plan.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import KITS
from faktaark import api
from faktaark.core.kommuner import register
from faktaark.core.units import MM, Color
from faktaark.plan import geodata
from faktaark.plan.model import Node, RectOp, SheetPlan, TextOp
from faktaark.review import composition

LAYOUTS = KITS
ISLANDS = (400, 482, 492, 563, 741, 773, 825)  # no land border with any municipality


def _map_node(plan: SheetPlan) -> tuple[int, Node]:
    for page in plan.pages:
        for top in page.content:
            for n in top.walk():
                if n.role == "Figure" and n.box == "kort_region":
                    return page.number, n
    raise AssertionError("no region map")


# ---------------------------------------------------------------- empty bands


def test_the_band_rule_finds_a_hole(prepared: api.Prepared) -> None:
    lay = api.load_layout_for(None, prepared.dataset)
    plan = api.plan_sheet("Glostrup", data=prepared, layout=lay)
    frames, cols = composition.figure_frames(lay), composition.text_columns(lay)
    assert composition.empty_bands(plan, figures=frames, columns=cols) == []
    page = plan.pages[1]
    holed = page._replace(content=tuple(n for n in page.content if n.box != "tekst2"))
    holed_plan = plan._replace(pages=(plan.pages[0], holed))
    found = composition.empty_bands(holed_plan, figures=frames, columns=cols)
    assert found
    assert found[0].page == 2


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_empty_band_on_any_of_the_98(
    layout: str, kit_prepared: Callable[[str], api.Prepared]
) -> None:
    prepared = kit_prepared(layout)
    lay = api.load_layout_for(layout, prepared.dataset)
    frames, cols = composition.figure_frames(lay), composition.text_columns(lay)
    for k in register():
        plan = api.plan_sheet(k.kode, data=prepared, layout=lay)
        assert composition.empty_bands(plan, figures=frames, columns=cols) == [], k.navn
        assert composition.panel_gaps(plan, figures=frames) == [], k.navn
        assert composition.pale_bars(plan) == [], k.navn


def test_the_real_sheet_has_no_hole_and_no_example_note(prepared: api.Prepared) -> None:
    lay = api.load_layout_for(None, prepared.dataset)
    plan = api.plan_sheet("Glostrup", data=prepared, layout=lay)
    assert not plan.eksempel
    assert "Eksempeldata" not in plan.all_text()
    frames, cols = composition.figure_frames(lay), composition.text_columns(lay)
    assert composition.empty_bands(plan, figures=frames, columns=cols) == []


# ---------------------------------------------------------------- bars


def test_the_bar_rule_finds_a_pale_bar(prepared: api.Prepared) -> None:
    plan = api.plan_sheet("Glostrup", data=prepared)
    assert composition.pale_bars(plan) == []
    pale = Color("pale", (0.0, 0.3, 0.2, 0.0))
    bar = RectOp(40 * MM, 100 * MM, 5 * MM, 20 * MM, fill=pale)
    fig = Node("Figure", (bar,), alt="Søjlediagram: prøve", box="diagram")
    page = plan.pages[0]._replace(content=(*plan.pages[0].content, fig))
    found = composition.pale_bars(plan._replace(pages=(page, plan.pages[1])))
    assert [f.rule for f in found] == ["bar"]
    assert composition.contrast(pale, None) < composition.MIN_CONTRAST


def test_small_bars_stay_visible(prepared: api.Prepared) -> None:
    plan = api.plan_sheet("Læsø", data=prepared)  # few dwellings of some types
    bars = [
        op for p in plan.pages for top in p.content for n in top.walk()
        if n.role == "Figure" and (n.alt or "").startswith("Søjlediagram")
        for op in n.ops if isinstance(op, RectOp)
    ]  # fmt: skip
    assert bars
    assert min(b.h for b in bars) >= 0.8 * MM - 0.01


# ---------------------------------------------------------------- the regional map


def test_islands_have_no_land_neighbours() -> None:
    for kode in ISLANDS:
        assert geodata.land_naboer(kode) == (), kode
    assert 147 in geodata.land_naboer(101)  # Frederiksberg, the enclave
    assert 161 in geodata.land_naboer(151)  # Glostrup and Ballerup


@pytest.mark.parametrize("name", ["Glostrup", "København", "Frederiksberg", "Bornholm", "Læsø"])
def test_map_labels_the_municipality_and_its_neighbours(name: str, prepared: api.Prepared) -> None:
    plan = api.plan_sheet(name, data=prepared)
    assert composition.map_problems(plan) == []
    _, fig = _map_node(plan)
    k = register().get(name)
    labels = {op.text for op in fig.ops if isinstance(op, TextOp)}
    want = {register().get(n).navn for n in geodata.land_naboer(k.kode)}
    assert labels == want | {k.navn}
    assert set(composition.alt_neighbours(fig.alt or "")) == want


def test_the_map_rule_finds_a_missing_label(prepared: api.Prepared) -> None:
    plan = api.plan_sheet("Glostrup", data=prepared)
    number, fig = _map_node(plan)
    page = plan.pages[number - 1]
    drop = next(op for op in fig.ops if isinstance(op, TextOp) and op.text == "Herlev")
    fig2 = fig._replace(ops=tuple(op for op in fig.ops if op is not drop))
    content = tuple(fig2 if n is fig else n for n in page.content)
    pages = tuple(page._replace(content=content) if p is page else p for p in plan.pages)
    found = composition.map_problems(plan._replace(pages=pages))
    assert any("Herlev" in f.detail for f in found), found


@pytest.mark.slow
def test_map_labels_alt_text_and_land_borders_agree_on_all_98(prepared: api.Prepared) -> None:
    for k in register():
        plan = api.plan_sheet(k.kode, data=prepared)
        assert composition.map_problems(plan) == [], k.navn
        assert [f for f in plan.fits if f.note] == [], k.navn  # no name left out
