"""`faktaark proof`, the rules of a page a designer signs (issue 22): each rule is broken on
purpose (a sheet with the defect) and reported, and the shipped sheets do not break it.

A user would check here: Danish compounds are hyphenated at their joints ("bolig-organisationer",
never "boli-gorganisationer"), names never; a short list stays in one column; columns end
together; no heading, lead or table head ends a line in "i", "på", "og"; two-line headings are
balanced; key figures are digits ("ca. 5", not "ca. fem") and a missing one says "Ikke oplyst";
the "–" note stands under its table; the area is "Glostrup kommune", the authority "Glostrup
Kommune"; one "Kilde:" line and a "Metode:" line; no "pct.;"; no panel with a hole; a sender.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_layout, layout_with
from faktaark import api
from faktaark.core.kommuner import register
from faktaark.errors import LayoutError
from faktaark.layout.model import Layout
from faktaark.plan.model import Node, SheetPlan, TextOp, TextPiece
from faktaark.review.proof import Sheet, sheet_view
from faktaark.text import hyphenation
from faktaark.text.linebreak import Span, break_lines
from faktaark.text.templates import fill
from test_review_proof import BLACK, FONT, LAYOUT, NB, SHY, edited, found, real, sheet


class Mono:
    def width(self, text: str, font: str, size: float) -> float:
        return len(text) * size


@pytest.fixture(scope="module")
def glostrup() -> SheetPlan:
    return api.plan_sheet("Glostrup", layout=LAYOUT)


def kit(tmp_path: Path, name: str, texts: dict[str, str] | None = None,
        layout: dict[str, str] | None = None) -> Layout:  # fmt: skip
    """A copy of a shipped kit with texts (and layout.toml) edited."""
    folder = copy_layout(tmp_path, name)
    for file, edits in (("texts.da.toml", texts or {}), ("layout.toml", layout or {})):
        path = folder / file
        text = path.read_text(encoding="utf-8")
        for old, new in edits.items():
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return api.load_layout_for(folder)


def view(plan: SheetPlan, layout: Layout) -> Sheet:
    return sheet_view(layout, register().get(plan.kommune), plan.kommune, plan)


# ---------------------------------------------------------------- hyphenation


@pytest.mark.parametrize(
    ("word", "joint"),
    [("boligorganisationer", 5), ("familiebolig", 7), ("lejeboliger", 4),
     ("fraflytningsprocenten", 12), ("livssituationer", 4), ("huslejeomsætningen", 7)],
)  # fmt: skip
def test_compounds_break_at_their_joint(word: str, joint: int) -> None:
    b = hyphenation.breaks(word)
    assert joint in b.joints, b
    assert all(3 <= p <= len(word) - 3 for p in b.points)


def test_the_dictionary_never_allows_a_break_across_a_joint() -> None:
    assert 4 not in hyphenation.breaks("boligorganisationer").points  # "boli-gorganisationer"
    assert 9 not in hyphenation.breaks("familiebolig").points  # "familiebo-lig"
    assert hyphenation.parts("andelen") == ("andelen",)  # a word with an ending, not "ande|len"
    assert hyphenation.parts("tallene") == ("tallene",)  # "tal-l-ene": a doubled consonant


def test_the_shipped_tries_hold_exactly_the_dictionarys_words() -> None:
    """The compound dictionary's text is its source; the tries a process loads are made from
    it (tools/make_compounds.py --tries) and must hold exactly its words: a hand edit of the
    text without new tries fails here."""
    from faktaark.core.resources import package_dir
    from faktaark.text import lexicon

    text_file = package_dir() / lexicon.FOLDER / hyphenation.COMPOUNDS
    found = lexicon.sections(text_file.read_text(encoding="utf-8"))
    for name in lexicon.TRIE_SECTIONS:
        trie = lexicon.read_trie(hyphenation.COMPOUNDS, name)
        words = found[name]
        assert len(words) > 30_000
        assert len(trie) == len(set(words)), name  # type: ignore[arg-type]
        assert all(w in trie for w in words), name
    assert "bolig" in lexicon.read_trie(hyphenation.COMPOUNDS, "forled")
    assert "boligs" not in lexicon.read_trie(hyphenation.COMPOUNDS, "forled")
    assert lexicon.read_section(hyphenation.COMPOUNDS, "endelser") == found["endelser"]


def test_the_line_breaker_takes_the_joint_first() -> None:
    words = "de almene boligorganisationer tager"
    known = {"boligorganisationer": hyphenation.breaks("boligorganisationer")}
    lines = [ln.text for ln in break_lines([Span(words, FONT)], 1.0, 24, Mono(), known=known)]
    assert lines[0] == "de almene bolig" + SHY, lines  # not "boligorganisatio-"


def test_a_break_that_is_no_joint_or_syllable() -> None:
    bad = sheet([("P", "body2", "samfund", [("tager de almene boli" + SHY, True, 0),
                                            "gorganisationer desuden ansvar"])])  # fmt: skip
    (f,) = found("orddeling_uden_led", bad)
    assert "boli- | gorganisationer" in f.detail
    kpi = sheet([("P", "body", "anvisning", [("hver fjerde ledige almene familiebo" + SHY, True, 0),
                                             "lig. Med 144"])])  # fmt: skip
    assert found("orddeling_uden_led", kpi)
    good = sheet([("P", "body2", "samfund", [("tager de almene bolig" + SHY, True, 0),
                                             "organisationer desuden"])])  # fmt: skip
    assert found("orddeling_uden_led", good) == []


def test_a_hyphenated_name() -> None:
    bad = sheet([("P", "body", "x", [("støtte fra Landsbygge" + SHY, True, 0), "fonden i"])])
    (f,) = found("orddeling_uden_led", bad)
    assert "a name" in f.detail
    start = sheet([("P", "body", "x", [("Helheds" + SHY, True, 0), "planerne bygger"])])
    assert found("orddeling_uden_led", start) == []  # a sentence's first word is no name


# ---------------------------------------------------------------- text flow


def test_a_short_list_split_over_two_columns() -> None:
    lead = ("P", "body", "tekst1", [("i livets forskellige faser, fx:", False, 0)])
    items = ["Når familien ændrer sig.", "Når man flytter.", "Når man fraflytter huset."]
    bad = sheet([lead, *[("LBody", "bullet", "tekst1", [(t, False, 0 if i == 0 else 1)])
                         for i, t in enumerate(items)]])  # fmt: skip
    (f,) = found("liste_delt", bad)
    assert f.box == "tekst1"
    apart = sheet([lead, *[("LBody", "bullet", "tekst1", [(t, False, 1)]) for t in items]])
    assert found("liste_delt", apart)  # the lead-in's line in one column, the list in the next
    good = sheet([lead, *[("LBody", "bullet", "tekst1", [(t, False, 0)]) for t in items]])
    assert found("liste_delt", good) == []


def test_the_planner_keeps_a_short_list_with_its_lead_in(tmp_path: Path) -> None:
    """Issue 22: page 1 of the default sheet split its three-item list over two columns; the
    old two-column box is rebuilt and the list stays whole (or the box does not fit)."""
    two_columns = kit(tmp_path, "almene-boliger", layout={
        'id = "tekst1"\npage = 1\nkind = "text"\nx = 12\ny = 172\nw = 89\nh = 62\n':
        'id = "tekst1"\npage = 1\nkind = "text"\nx = 12\ny = 172\nw = 186\nh = 62\n'
        'columns = 2\ngutter = 8\noverlaps = ["tekst1b", "kpi_husleje"]\n',
    })  # fmt: skip
    plan = api.plan_sheet("Glostrup", layout=two_columns)
    assert found("liste_delt", view(plan, two_columns)) == []


def test_columns_that_end_far_apart(glostrup: SheetPlan) -> None:
    assert found("spalter_skaeve", real(glostrup)) == []
    gone = ("Dette sikrer", "Almene boliger drives")  # the right column's last paragraphs
    bad = edited(glostrup, 2, lambda n: None if n.box == "tekst2" and n.text.startswith(gone)
                 else n)  # fmt: skip
    (f,) = found("spalter_skaeve", real(bad))
    assert f.box == "tekst2"


def test_a_short_word_at_the_end_of_a_display_line() -> None:
    bad = sheet([("TH", "", "tabel_igangsat", ["Igangsatte byggerier i", "perioden 2021–2023"])])
    assert found("kort_ord_sidst", bad)
    lead = sheet([("P", "lead", "intro", ["7.900 af dem bor i almene boliger i", "Glostrup"])])
    assert found("kort_ord_sidst", lead)
    body = sheet([("P", "body", "x", ["der er i", "kommunen"])])  # running text may
    good = sheet([("TH", "", "tabel_igangsat", ["Igangsatte byggerier", f"i{NB}perioden"])])
    assert found("kort_ord_sidst", body) == found("kort_ord_sidst", good) == []


def test_an_unbalanced_two_line_heading() -> None:
    def head(a: tuple[str, float], b: tuple[str, float]) -> Sheet:
        s = sheet([("H2", "h2", "tekst1", [a[0], b[0]])])
        para = tuple(ln._replace(width=w) for ln, w in zip(s.paras[0], (a[1], b[1]), strict=True))
        return Sheet(s.layout, s.kommune, s.label, s.plan, (para,))

    bad = head(("Vi understøtter et varieret boligudbud med plads", 240.0), ("til alle", 40.0))
    assert found("skaev_overskrift", bad)
    good = head(("Vi understøtter et varieret", 140.0), ("boligudbud med plads til alle", 150.0))
    assert found("skaev_overskrift", good) == []
    title = sheet(
        [("H1", "title", "titel", ["GODE NABOER GØR", "RINGKØBING-SKJERN KOMMUNE BEDRE"])]
    )
    assert found("skaev_overskrift", title) == []  # a title breaks where its text says


def test_an_unbalanced_key_figure_caption() -> None:
    """A key figure's caption is set in a `balance` style: its second line alone ("i 2023."
    under a full line) is reported, as for a heading; a text of a style the layout does not
    balance is not."""

    def two(style: str, a: tuple[str, float], b: tuple[str, float]) -> Sheet:
        s = sheet([("P", style, "kpi_fraflytning", [a[0], b[0]])])
        para = tuple(ln._replace(width=w) for ln, w in zip(s.paras[0], (a[1], b[1]), strict=True))
        return Sheet(s.layout, s.kommune, s.label, s.plan, (para,))

    assert LAYOUT.styles["kpi_text"].balance
    assert not LAYOUT.styles["body"].balance
    lone = (("Fraflytningsprocenten i almene familieboliger var på 7,7 pct.", 230.0),
            (f"i{NB}2023.", 26.0))  # fmt: skip
    (f,) = found("skaev_overskrift", two("kpi_text", *lone))
    assert f.box == "kpi_fraflytning"
    assert found("skaev_overskrift", two("body", *lone)) == []
    even = (("Fraflytningsprocenten i almene", 118.0),
            (f"familieboliger var på 7,7{NB}pct. i{NB}2023.", 138.0))  # fmt: skip
    assert found("skaev_overskrift", two("kpi_text", *even)) == []


def test_the_planner_balances_a_key_figure_caption() -> None:
    """København's fraflytning caption was "... var på 7,7 pct. / i 2023."; its lines are
    now as even as its words allow."""
    plan = api.plan_sheet("København", layout=LAYOUT)
    caption = next(n for p in plan.pages for t in p.content for n in t.walk()
                   if n.box == "kpi_fraflytning" and n.style == "kpi_text")  # fmt: skip
    lines = [op for op in caption.ops if isinstance(op, TextOp)]
    assert len(lines) == 2
    assert min(op.width for op in lines) > 0.6 * max(op.width for op in lines)
    assert lines[-1].text != f"i{NB}2023."


def test_the_planner_balances_a_heading(glostrup: SheetPlan) -> None:
    heading = [n for p in glostrup.pages for t in p.content for n in t.walk() if n.role == "H2"
               and n.text.startswith("Vi understøtter")]  # fmt: skip
    widths = [op.width for op in heading[0].ops if isinstance(op, TextOp)]
    assert len(widths) == 2
    assert min(widths) > 0.6 * max(widths), widths


# ---------------------------------------------------------------- key figures


def test_a_key_figure_in_words() -> None:
    bad = sheet(
        [
            ("P", "kpi_small", "kpi_anvisning", [(f"ca.{NB}fem", False, 0, 18.0)]),
            ("P", "kpi_text", "kpi_anvisning", [("familieboliger om året", False, 0, 8.0)]),
        ]
    )
    (f,) = found("noegletal_i_ord", bad)
    assert f.box == "kpi_anvisning"
    good = sheet(
        [
            ("P", "kpi_small", "kpi_anvisning", [(f"ca.{NB}5", False, 0, 18.0)]),
            ("P", "kpi_text", "kpi_anvisning", [("en bolig om året", False, 0, 8.0)]),
        ]
    )
    assert found("noegletal_i_ord", good) == []


def test_the_planner_prints_a_small_estimate_in_digits() -> None:
    plan = api.plan_sheet("Læsø", layout="kommuneaftale")
    kpi = [n.text for p in plan.pages for t in p.content for n in t.walk()
           if n.box == "kpi_anvisning" and n.role == "P"]  # fmt: skip
    assert kpi[0] == f"ca.{NB}5", kpi
    assert f"anvise ca.{NB}fem boliger" in plan.all_text()  # running text keeps the word


def test_a_key_figure_box_without_its_figure(glostrup: SheetPlan) -> None:
    assert found("noegletal_uden_tal", real(glostrup)) == []
    gone = edited(glostrup, 1, lambda n: None if n.box == "kpi_andel" and n.style == "kpi" else n)
    (f,) = found("noegletal_uden_tal", real(gone))
    assert f.box == "kpi_andel"


def test_a_dash_without_its_note(glostrup: SheetPlan) -> None:
    dash = TextPiece("–", FONT, 8.6, BLACK, 0.0)

    def blank(n: Node) -> Node:  # the table prints "–" for one figure
        if n.box == "tabel_igangsat" and n.role == "TD" and n.text == "0":
            return n._replace(ops=tuple(op._replace(pieces=(dash,)) for op in n.ops))
        return n

    bad = edited(glostrup, 1, blank)
    (f,) = found("tankestreg_uden_note", real(bad))
    assert f.box == "tabel_igangsat"
    assert found("tankestreg_uden_note", real(glostrup)) == []


# ---------------------------------------------------------------- house style


def test_the_official_name_for_the_area(tmp_path: Path) -> None:
    old = "{almene.beboere} af dem bor i almene boliger i {kommune.officielt_navn:sted}."
    bad = kit(tmp_path, "almene-boliger", texts={old: old.replace(":sted", "")})
    (f,) = found("kommune_som_sted", view(api.plan_sheet("Glostrup", layout=bad), bad))
    assert f.box == "intro"
    ok = sheet(
        [
            ("P", "lead", "intro", [f"bor i almene boliger i Glostrup{NB}kommune."]),
            ("P", "body", "x", [f"Glostrup{NB}Kommune har anvisningsret"]),
        ]
    )  # authority
    assert found("kommune_som_sted", ok) == []


def test_two_source_lines_and_a_method_inside_one(tmp_path: Path) -> None:
    """Issue 22: kommuneaftale's page 1 stacked "Kilde: 1) ..." and "Kilde: ... Metode: ...";
    the old arrangement is rebuilt and reported."""
    old = ('  { style = "source", notes = true, source = "kilde.side1" },\n'
           '  { style = "source", text = "kilde.metode" },')  # fmt: skip
    new = '  { style = "note", notes = true },\n  { style = "source", text = "kilde.gammel" },'
    bad = kit(tmp_path, "kommuneaftale", layout={old: new}, texts={
        'side1 = "{almene.kilde}"': 'side1 = "{almene.kilde}"\ngammel = "Kilde: {almene.kilde} '
        'Metode: ledige familieboliger om året er anslået."'})  # fmt: skip
    found_ = found("kilde_dobbelt", view(api.plan_sheet("Glostrup", layout=bad), bad))
    assert {f.box for f in found_} == {"noter1"}
    assert any("Metode" in f.detail for f in found_)
    good = api.plan_sheet("Glostrup", layout="kommuneaftale")
    lay = api.load_layout_for("kommuneaftale")
    assert found("kilde_dobbelt", view(good, lay)) == []
    notes = [n.text for p in good.pages for t in p.content for n in t.walk() if n.box == "noter1"]
    assert notes[0].startswith("Kilde: BL’s egne beregninger")
    assert "1) Landsbyggefonden" in notes[0]
    assert notes[1].startswith("Metode:")


def test_a_semicolon_after_an_abbreviation() -> None:
    bad = sheet([("P", "body", "andel", [f"landsgennemsnittet på 20{NB}pct.; i Region"])])
    assert [f.line for f in found("tegn_efter_forkortelse", bad)] == [
        f"landsgennemsnittet på 20{NB}pct.; i Region"
    ]
    good = sheet([("P", "body", "andel", [f"landsgennemsnittet på 20{NB}pct. I Region"])])
    assert found("tegn_efter_forkortelse", good) == []


# ---------------------------------------------------------------- composition


def test_a_panel_with_a_hole(glostrup: SheetPlan, tmp_path: Path) -> None:
    """Issue 22: the page-2 call to action was a 60 × 91 mm block for one sentence."""
    assert found("tomt_panel", real(glostrup)) == []
    old = 'id = "afslutning"\npage = 2\nkind = "text"\nx = 138\ny = 177\nw = 60\nh = 40'
    big = kit(
        tmp_path,
        "almene-boliger",
        layout={old: old.replace("h = 40", 'h = 91\noverlaps = ["afsender"]')},
    )
    (f,) = found("tomt_panel", view(api.plan_sheet("Glostrup", layout=big), big))
    assert f.page == 2
    assert "(60 × 91 mm)" in f.detail


def test_a_key_figure_box_left_empty(glostrup: SheetPlan) -> None:
    gone = edited(glostrup, 1, lambda n: None if n.box == "kpi_husleje" and n.style == "kpi" else n)
    assert [f.page for f in found("tomt_panel", real(gone))] == [1]


def test_a_sheet_without_a_sender(glostrup: SheetPlan, tmp_path: Path) -> None:
    assert found("afsender_mangler", real(glostrup)) == []
    gone = edited(glostrup, 2, lambda n: None if n.box == "afsender" else n)
    (f,) = found("afsender_mangler", real(gone))
    assert f.page == 2


def test_the_sender_is_a_wordmark_without_a_logo_file(glostrup: SheetPlan) -> None:
    nodes = [n for p in glostrup.pages for t in p.content for n in t.walk() if n.box == "afsender"]
    assert [n.text for n in nodes] == ["BL – Danmarks Almene Boliger"]
    assert not any(n.role == "Figure" for n in nodes)  # no image: nothing made up


def test_the_sender_slot_draws_a_logo_file(tmp_path: Path) -> None:
    from PIL import Image

    folder = copy_layout(tmp_path, "almene-boliger")
    Image.new("RGB", (120, 60), (200, 0, 50)).save(folder / "logo.png")
    toml = folder / "layout.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            '# file = "logo.svg"  # the sender', 'file = "logo.png"  # the sender'
        ),
        encoding="utf-8",
    )
    lay = api.load_layout_for(folder)
    plan = api.plan_sheet("Glostrup", layout=lay)
    (fig,) = [n for p in plan.pages for t in p.content for n in t.walk() if n.box == "afsender"]
    assert fig.role == "Figure"
    assert fig.alt == "BL – Danmarks Almene Boliger"
    out = api.build("Glostrup", layout=lay, out=tmp_path / "ark")
    assert out


def test_every_layout_box_kind_check_knows_the_logo(tmp_path: Path) -> None:
    folder = layout_with(tmp_path, "almene-boliger", 'text = "afslutning.afsender"',
                         'text = "afslutning.findes_ikke"')  # fmt: skip
    with pytest.raises(LayoutError, match="findes_ikke"):
        api.load_layout_for(folder)


SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
  <rect x="0" y="0" width="40" height="40" fill="#c8102e"/>
  <path d="M50 5 h60 v10 h-60 z M50 25 h40 v10 h-40 z" fill="#c8102e"/>
</svg>
"""


@pytest.mark.parametrize("variant", [False, True])
def test_the_sender_slot_draws_an_svg_logo(tmp_path: Path, variant: bool) -> None:
    """A user's SVG logo is drawn as vectors in the slot; the sheet stays PDF/A and PDF/UA
    (and the print variant PDF/X): the full validators pass."""
    pytest.importorskip("svglib")
    folder = copy_layout(tmp_path, "almene-boliger")
    (folder / "logo.svg").write_text(SVG, encoding="utf-8")
    toml = folder / "layout.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            '# file = "logo.svg"  # the sender', 'file = "logo.svg"  # the sender'
        ),
        encoding="utf-8",
    )
    lay = api.load_layout_for(folder)
    res = api.build("Glostrup", layout=lay, out=tmp_path / "ark", print_variant=variant)
    assert res.files
    (folder / "tekst.svg").write_text(SVG.replace("</svg>", "<text>BL</text></svg>"), "utf-8")
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('file = "logo.svg"', 'file = "tekst.svg"'), "utf-8"
    )
    with pytest.raises(LayoutError, match="convert its text to paths"):
        api.load_layout_for(folder)


def test_a_line_that_starts_with_an_operator() -> None:
    """»× fraflytningsprocent« at the start of a key figure's line is reported; the texts
    bind the operator to the term before it, so the real sheets never set it so."""
    head = "ledige familieboliger om året (anslået:"
    bad = sheet([("P", "kpi_text", "kpi_ledige", [f"{head} boliger", "× fraflytningsprocent)."])])
    (f,) = found("regnetegn_forrest", bad)
    assert f.box == "kpi_ledige"
    tail = f"boliger{NB}× fraflytningsprocent)."
    good = sheet([("P", "kpi_text", "kpi_ledige", [head, tail])])
    assert found("regnetegn_forrest", good) == []
    segs = fill("(anslået: boliger × fraflytningsprocent)", {})
    assert "".join(s.text for s in segs) == f"(anslået: boliger{NB}× fraflytningsprocent)"
