"""`faktaark proof`: every rule fails on a deliberately bad text, passes the good one, and the
shipped layouts pass on all 98 sheets and the worst cases.

A user would check here: that the typographic rules BL's communications team signs off on
are measured on every sheet, name the sheet, page, box and line, and make the command fail.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

import faktaark.cli.app
from conftest import KITS
from faktaark import api
from faktaark.core.kommuner import register
from faktaark.core.units import Color
from faktaark.plan.model import Node, PagePlan, RectOp, SheetPlan, TextOp, TextPiece
from faktaark.review import proof_rules
from faktaark.review.proof import Finding, Sheet, rules, sheet_view
from faktaark.text.linebreak import SOFT_HYPHEN
from faktaark.text.templates import Printed, Val

NB, SHY = "\u00a0", SOFT_HYPHEN
BLACK = Color("black", (0, 0, 0, 1))
FONT = "FaktaSans-Regular"
# a paragraph: (role, style, box, lines); a line: text, or (text, hyphen, column[, size])
Para = tuple[str, str, str, Sequence[object]]


def sheet(
    paras: Sequence[Para], kommune: str = "Glostrup", printed: Sequence[Printed] = ()
) -> Sheet:
    """A one-page plan made of the given paragraphs, as the proof rules read it."""
    nodes = []
    row: dict[tuple[str, int], int] = {}
    for role, style, box, lines in paras:
        ops = []
        for ln in lines:
            text, hyphen, col, size = (
                (ln, False, 0, 9.0) if isinstance(ln, str) else ((*ln, 9.0) if len(ln) == 3 else ln)
            )  # type: ignore[arg-type, misc]
            n = row.get((box, col), 0)
            row[(box, col)] = n + 1
            piece = TextPiece(str(text), FONT, float(size), BLACK, 0.0)
            ops.append(TextOp(50.0 + 250 * int(col), 800.0 - 12 * n, (piece,), 100.0, bool(hyphen)))
        nodes.append(Node(role, tuple(ops), box=box, style=style))
    k = register().get(kommune)
    pages = (PagePlan(1, (), tuple(nodes)),)
    plan = SheetPlan("almene-boliger", k.kode, k.navn, 595.0, 842.0, pages, "t", "s", "BL",
                     printed=tuple(printed))  # fmt: skip
    return sheet_view(LAYOUT, k, k.navn, plan)


LAYOUT = api.load_layout_for(None)


def found(rule_id: str, s: Sheet) -> list[Finding]:
    r = next(r for r in rules() if r.id == rule_id)
    assert r.check is not None
    return list(r.check(s))


def found_series(rule_id: str, sheets: Sequence[Sheet]) -> list[Finding]:
    r = next(r for r in rules() if r.id == rule_id)
    assert r.series is not None
    return list(r.series(sheets))


def test_every_rule_has_a_test_here() -> None:
    import inspect
    import sys

    src = inspect.getsource(sys.modules[__name__])
    for other in sorted(Path(__file__).parent.glob("test_review_proof_*.py")):  # proof_maps ...
        src += other.read_text(encoding="utf-8")
    missing = [r.id for r in rules() if f'"{r.id}"' not in src.replace(
        "def test_every_rule_has_a_test_here", "")]  # fmt: skip
    assert missing == []


def test_a_split_official_name() -> None:
    bad = sheet(
        [("P", "lead", "intro", ["7.900 af dem bor i almene boliger i Glostrup", "Kommune."])]
    )
    assert [f.box for f in found("navn_delt", bad)] == ["intro"]
    title = sheet([("H1", "title", "titel", ["ALMENE BOLIGER GØR FANØ", "KOMMUNE BEDRE"])], "Fanø")
    assert found("navn_delt", title)
    hyphenated = sheet([("P", "body", "x", ["i Lyngby-", "Taarbæk Kommune"])], "Lyngby-Taarbæk")
    assert found("navn_delt", hyphenated)
    good = sheet([("P", "lead", "intro", ["bor i almene boliger i", "Glostrup\u00a0Kommune."])])
    assert found("navn_delt", good) == []


def test_a_hyphen_at_the_bottom_of_a_column() -> None:
    bad = sheet(
        [
            (
                "P",
                "body2",
                "tekst2",
                [
                    ("reducere CO₂-aftryk og energi" + SOFT_HYPHEN, True, 0),
                    ("forbrug i nye", False, 1),
                ],
            )
        ]
    )
    (f,) = found("orddeling_spalteslut", bad)
    assert (f.page, f.box) == (1, "tekst2")
    assert "energi" in f.line
    good = sheet(
        [
            (
                "P",
                "body2",
                "tekst2",
                [
                    ("reducere CO₂-aftryk og energi" + SOFT_HYPHEN, True, 0),
                    ("forbrug i nye", False, 0),
                ],
            )
        ]
    )
    assert found("orddeling_spalteslut", good) == []


def test_a_lone_word_on_the_last_line_of_a_title() -> None:
    bad = sheet(
        [("H1", "title", "titel", ["ALMENE BOLIGER GØR", "LYNGBY-TAARBÆK KOMMUNE", "BEDRE"])]
    )
    assert [f.line for f in found("ensomt_ord_i_titel", bad)] == ["BEDRE"]
    good = sheet([("H1", "title", "titel", ["ALMENE BOLIGER GØR", "GLOSTRUP\u00a0KOMMUNE BEDRE"])])
    assert found("ensomt_ord_i_titel", good) == []


def test_a_dash_for_a_missing_figure_inside_a_sentence() -> None:
    gone = Printed("almene.beboere", "–", Val(None, "count"), 1, "intro")
    bad = sheet([("P", "lead", "intro", ["i Danmark – – af dem bor i Glostrup\u00a0Kommune."])],
                printed=[gone])  # fmt: skip
    assert found("tankestreg_i_saetning", bad)
    kpi = sheet([("P", "kpi_text", "intro", ["en huslejeomsætning på – i 2023."])], printed=[gone])
    assert found("tankestreg_i_saetning", kpi)
    fine = sheet([("P", "lead", "intro", ["i Danmark – 7.900 af dem bor i Glostrup."])])
    cell = sheet([("TD", "", "intro", ["–"])], printed=[gone])
    assert found("tankestreg_i_saetning", fine) == found("tankestreg_i_saetning", cell) == []


def test_a_calculation_that_does_not_add_up(prepared: api.Prepared) -> None:
    """The figures' rule (proof_figures, over honesty.calculation_errors): each derived
    figure redone by its formula (the kit's data dictionary) from its inputs as printed on the
    same page."""
    lay = api.load_layout_for("kommuneaftale", prepared.dataset)
    k = register().get("Glostrup")
    plan = api.plan_sheet(k.kode, data=prepared, layout=lay)

    def page(name: str, text: str) -> Sheet:
        printed = tuple(p._replace(text=text) if p.name == name else p for p in plan.printed)
        return sheet_view(lay, k, k.navn, plan._replace(printed=printed))

    assert found("regnestykke", sheet_view(lay, k, k.navn, plan)) == []
    bad = found("regnestykke", page("indikator.ledige_familieboliger_pr_aar", f"ca.{NB}356"))
    # 4.451 × 8,0 pct. is ca. 360, not 356; and the allocation right, a fourth of the
    # estimate as printed, no longer adds up either (ca. 89 from 356, printed ca. 90)
    assert {"kpi_ledige", "kpi_anvisning"} <= {f.box for f in bad}
    assert any(f.detail.endswith("printed: ca. 356") for f in bad)
    assert found("regnestykke", page("almene.fraflytningsprocent", f"9{NB}pct."))
    alone = plan._replace(printed=tuple(p for p in plan.printed if p.name.startswith("indikator")))
    assert found("regnestykke", sheet_view(lay, k, k.navn, alone))  # its inputs not on the page


def test_hyphenation_in_a_heading_or_a_key_figure_caption() -> None:
    bad = sheet([("P", "kpi_text", "kpi_fraflytning",
                  [("i almene familiebo" + SHY, True, 0), "liger var på 8 pct."])])  # fmt: skip
    assert found("orddeling_i_overskrift", bad)
    head = sheet([("H2", "h2", "tekst1", [("Vi understøt" + SOFT_HYPHEN, True, 0), "ter"])])
    assert found("orddeling_i_overskrift", head)
    body = sheet([("P", "body", "tekst1", [("sam" + SOFT_HYPHEN, True, 0), "fundet og mere"])])
    assert found("orddeling_i_overskrift", body) == []


def test_three_hyphenated_lines_in_a_row() -> None:
    lines = [(f"linje{i} ord" + SOFT_HYPHEN, True, 0) for i in range(3)] + ["slut her"]
    assert found("orddeling_i_traek", sheet([("P", "body", "x", lines)]))
    assert found("orddeling_i_traek", sheet([("P", "body", "x", lines[1:])])) == []


def test_fewer_than_three_letters_either_side_of_a_break() -> None:
    bad = sheet([("P", "body", "x", [("sektoren by" + SOFT_HYPHEN, True, 0), "udviklingen og"])])
    assert found("orddeling_kort_stump", bad)
    tail = sheet([("P", "body", "x", [("boligområ" + SOFT_HYPHEN, True, 0), "de. Og så"])])
    assert found("orddeling_kort_stump", tail)
    good = sheet([("P", "body", "x", [("bolig" + SOFT_HYPHEN, True, 0), "området og"])])
    assert found("orddeling_kort_stump", good) == []


def test_a_runt_on_the_last_line() -> None:
    short = sheet([("P", "body", "x", ["der udvikler sig sammen med samfundet", "nu."])])
    assert found("horeunge", short)
    rest = sheet([("P", "body", "x", [("sammen med samfun" + SOFT_HYPHEN, True, 0), "det."])])
    assert found("horeunge", rest)
    good = sheet([("P", "body", "x", ["der udvikler sig sammen", "med samfundet."])])
    long_word = sheet([("P", "body", "x", ["der udvikler sig sammen med", "lokalsamfundet."])])
    assert found("horeunge", good) == found("horeunge", long_word) == []


def test_a_list_apart_from_its_lead_in() -> None:
    lead: Para = ("P", "body", "tekst1", [("i livets forskellige faser, fx:", False, 0)])
    bad = sheet([lead, ("LBody", "bullet", "tekst1", [("Når familien ændrer sig.", False, 1)])])
    assert found("liste_uden_indledning", bad)
    good = sheet([lead, ("LBody", "bullet", "tekst1", [("Når familien ændrer sig.", False, 0)])])
    assert found("liste_uden_indledning", good) == []


def test_a_heading_at_the_bottom_of_a_column() -> None:
    head: Para = ("H2", "h2", "tekst1", [("Vi understøtter et varieret boligudbud", False, 0)])
    bad = sheet([head, ("P", "body", "tekst1", [("Den almene boligsektor", False, 1)])])
    assert found("overskrift_nederst", bad)
    good = sheet([head, ("P", "body", "tekst1", [("Den almene boligsektor", False, 0)])])
    assert found("overskrift_nederst", good) == []


def test_one_title_size_for_the_series() -> None:
    def title(size: float) -> Sheet:
        lines = [("ALMENE BOLIGER GØR", False, 0, size), ("GLOSTRUP KOMMUNE BEDRE", False, 0, size)]
        return sheet([("H1", "title", "titel", lines)])

    assert found_series("titel_stoerrelse", [title(24), title(24), title(21.5)])
    assert found_series("titel_stoerrelse", [title(24), title(24)]) == []


def test_key_figures_in_a_row_share_one_size() -> None:
    def kpi(box: str, size: float) -> Para:
        return ("P", "kpi", box, [("8 pct.", False, 0, size)])

    bad = sheet([kpi("kpi_fraflytning", 21), kpi("kpi_andel", 17.3)])
    assert [f.box for f in found("noegletal_stoerrelse", bad)] == ["kpi_andel"]
    good = sheet([kpi("kpi_fraflytning", 17.3), kpi("kpi_andel", 17.3)])
    assert found("noegletal_stoerrelse", good) == []


@pytest.mark.parametrize(
    "text",
    ["i Glostrup Kommune.", "Glostrup Kommunes egne", "ca. 89 boliger", "nr. 3 af 98", "8 pct.",
     "333 mio.\u00a0kr."],
)  # fmt: skip
def test_a_breaking_space_where_a_no_break_space_belongs(text: str) -> None:
    assert found("mellemrum_uden_binding", sheet([("P", "body", "x", [text])]))
    fixed = text.replace(" ", "\u00a0")
    if "Glostrup" in text:  # only inside the name
        fixed = text.replace("Glostrup ", "Glostrup\u00a0")
    assert found("mellemrum_uden_binding", sheet([("P", "body", "x", [fixed])])) == []


def test_a_range_with_a_hyphen() -> None:
    assert found("interval_med_bindestreg", sheet([("P", "body", "x", ["i perioden 2021-2023"])]))
    assert (
        found("interval_med_bindestreg", sheet([("P", "body", "x", ["i 2021–2023 og CO₂-aftryk"])]))
        == []
    )


@pytest.mark.parametrize("text", ["Vidste du, at ...", "BL's egne beregninger", 'BL: "Hvorfor"'])
def test_typewriter_characters(text: str) -> None:
    assert found("tegn", sheet([("P", "body", "x", [text])]))
    assert found("tegn", sheet([("P", "body", "x", ["Vidste du, at … BL’s »Hvorfor«"])])) == []


def test_a_hard_hyphen_for_an_inserted_one_in_the_text_layer() -> None:
    assert found(
        "orddeling_i_tekstlaget", sheet([("P", "body", "x", [("livs-", True, 0), "situationer"])])
    )
    good = sheet([("P", "body", "x", [("livs" + SOFT_HYPHEN, True, 0), "situationer"])])
    assert found("orddeling_i_tekstlaget", good) == []


def test_two_different_font_subsets_with_one_name(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = sheet([("P", "body", "x", ["a"])]), sheet([("P", "body", "x", ["b"])], "Fanø")
    programs = {id(a): {"AAAAAA+FaktaSans-Regular": "1"}, id(b): {"AAAAAA+FaktaSans-Regular": "2"}}
    monkeypatch.setattr(Sheet, "pdf", lambda self: id(self))
    monkeypatch.setattr(proof_rules, "font_programs", lambda key: programs[key])
    assert found_series("delt_subset_navn", [a, b])
    programs[id(b)] = {"BBBBBB+FaktaSans-Regular": "2"}
    assert found_series("delt_subset_navn", [a, b]) == []


# ------------------------------------------------------------ the figures and the composition
# (proof_figures: the checks of review/composition.py and review/honesty.py), each fed a real
# sheet, Glostrup's, with one thing broken


@pytest.fixture(scope="module")
def glostrup() -> SheetPlan:
    return api.plan_sheet("Glostrup", layout=LAYOUT)


def real(plan: SheetPlan) -> Sheet:
    return sheet_view(LAYOUT, register().get(plan.kommune), plan.kommune, plan)


def edited(plan: SheetPlan, page: int, fn: Callable[[Node], Node | None]) -> SheetPlan:
    """The plan with `fn` applied to every node of a page (None drops the node)."""

    def walk(nodes: Sequence[Node]) -> tuple[Node, ...]:
        out = []
        for n in nodes:
            m = fn(n._replace(children=walk(n.children)))
            if m is not None:
                out.append(m)
        return tuple(out)

    pages = tuple(p._replace(content=walk(p.content)) if p.number == page else p
                  for p in plan.pages)  # fmt: skip
    return plan._replace(pages=pages)


def test_an_empty_band_in_the_content_area(glostrup: SheetPlan) -> None:
    assert found("tomt_felt", real(glostrup)) == []
    hole = edited(glostrup, 1, lambda n: None if n.box == "tekst1" else n)
    (f,) = found("tomt_felt", real(hole))
    assert f.page == 1
    assert "empty at x = 12" in f.detail


def test_a_pale_bar(glostrup: SheetPlan) -> None:
    assert found("bleg_soejle", real(glostrup)) == []
    pale = Color("brand_light", (0, 0.06, 0.04, 0))

    def fade(n: Node) -> Node:
        if n.box != "diagram" or n.role != "Figure":
            return n
        ops = tuple(op._replace(fill=pale) if isinstance(op, RectOp) and op.fill else op
                    for op in n.ops)  # fmt: skip
        return n._replace(ops=ops)

    bad = found("bleg_soejle", real(edited(glostrup, 1, fade)))
    assert bad
    assert all(f.box == "diagram" and "contrast" in f.detail for f in bad)


def test_map_labels_that_disagree_with_the_land_borders(glostrup: SheetPlan) -> None:
    assert found("kortetiketter", real(glostrup)) == []

    def unlabel(n: Node) -> Node:
        if n.box != "kort_region" or n.role != "Figure":
            return n
        ops = tuple(op for op in n.ops if not (isinstance(op, TextOp) and op.text == "Herlev"))
        return n._replace(ops=ops)

    bad = found("kortetiketter", real(edited(glostrup, 2, unlabel)))
    assert [f.box for f in bad] == ["kort_region"]
    assert "Herlev" in bad[0].detail


def test_a_source_line_that_cites_what_the_page_does_not_print(glostrup: SheetPlan) -> None:
    assert found("kilde", real(glostrup)) == []
    text = "Kilde: Befolkning: FOLK1A, 1. januar 2031."
    piece = TextPiece(text, FONT, 7.0, BLACK, 0.0)

    def cite(n: Node) -> Node:
        if n.box == "kilde1" and n.text.startswith("Kilde:"):
            return n._replace(ops=(TextOp(34.0, 140.0, (piece,), 200.0),))
        return n

    bad = found("kilde", real(edited(glostrup, 1, cite)))
    assert {f.detail.split(" ")[0] for f in bad} == {"cites", "year"}
    assert {(f.page, f.box) for f in bad} == {(1, "kilde1")}


@pytest.mark.slow
def test_the_shipped_layouts_pass_every_rule_on_all_sheets() -> None:
    report = api.proof()
    assert report.layouts == list(KITS)
    assert report.sheets == len(KITS) * (98 + 5)
    assert report.failures == []
    breaches = {r: n for r, per in report.counts().items() for n in per.values() if n}
    assert breaches == {}


ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_the_proof_command_names_the_offender_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "proof-me"
    shutil.copytree(ROOT / "layouts" / "almene-boliger", folder)
    texts = folder / "texts.da.toml"
    old = 'note = "Note: Tal for hele landet."'
    # an estimate printed without the figures it is made from: nothing to redo it from
    bad = 'note = "Note: Kommunen kan anvise {indikator.anvisningsret_pr_aar} boliger om året."'
    assert old in texts.read_text(encoding="utf-8")
    texts.write_text(texts.read_text(encoding="utf-8").replace(old, bad), encoding="utf-8")
    args = ["proof", str(folder), "--skip", "delt_subset_navn", "--worst", "500"]
    res = runner.invoke(faktaark.cli.app.app, args)
    assert res.exit_code == 1, res.output
    assert 'regnestykke: almene-boliger, Glostrup, page 1, box "vd_noter"' in res.stderr
    assert "an estimate without its inputs on the page" in res.stderr
    assert re.search(r"^\d+ finding\(s\), [1-9]\d* of them breaking a hard rule\.$",
                     res.stderr, re.M)  # fmt: skip
    assert re.search(r"^Proof of 103 sheets: almene-boliger$", res.stdout, re.M)
    line = next(ln for ln in res.stdout.splitlines() if " regnestykke " in ln)
    assert line.startswith("hard  regnestykke ")
    assert line.endswith("A calculation on the sheet does not add up from the printed figures")
    assert re.search(r"^soft  tomt_felt +0  An empty band", res.stdout, re.M)
    res = runner.invoke(faktaark.cli.app.app, ["proof", str(folder), "--skip", "nej"])
    assert res.exit_code == 2
