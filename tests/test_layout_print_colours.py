"""Colour that survives the press is declared in the layout: `faktaark layouts check` rejects a
print colour that breaks a rule, naming the style (or box) and the colour; the screen keeps
its look when a colour gives `screen`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import faktaark.cli.app
from conftest import KITS, layout_with
from faktaark.core.units import Color
from faktaark.layout.load import load_layout
from faktaark.layout.print_colours import print_colour_problems

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# (layout, file edit: old -> new, what the problem must name)
BAD_COLOURS = [
    pytest.param(
        "almene-boliger",
        ('[styles.table_header]\nfont = "bold"\nsize = 8.4\nleading = 10.2\ncolor = "heading"',
         '[styles.table_header]\nfont = "bold"\nsize = 8.4\nleading = 10.2\ncolor = "brand_dark"'),
        ["styles.table_header.color", "brand_dark (M100 Y70 K45)", "3 inks", "under 12 pt"],
        id="small-text-in-three-inks",
    ),
    pytest.param(
        "almene-boliger",
        ('size = 11.5\nleading = 13.5\ncolor = "black"',
         'size = 11.5\nleading = 13.5\ncolor = "rich_black"'),
        ["styles.h2.color", "rich black rich_black (C40 M30 Y30 K100)", "18 pt"],
        id="rich-black-under-18-pt",
    ),
    pytest.param(
        "almene-boliger",
        ("text = { cmyk = [0, 0, 0, 100], screen = [0, 0, 0, 90], overprint = true }",
         "text = { cmyk = [0, 0, 0, 90] }"),
        ["styles.body.color", "text (K90)", "overprint", "100 % K"],
        id="body-text-not-100-k-overprint",
    ),
    pytest.param(
        "almene-boliger",
        ("brand = { cmyk = [0, 100, 70, 0], screen = [0, 100, 70, 18] }",
         "brand = { cmyk = [0, 100, 70, 18] }"),
        ['box.2 ("kicker")', "styles.kicker", "brand (M100 Y70 K18)", "3 inks"],
        id="white-small-text-on-three-inks",
    ),
    pytest.param(
        "kommuneaftale",
        ("brand = { cmyk = [100, 0, 0, 50], screen = [100, 35, 30, 25] }",
         "brand = { cmyk = [100, 35, 30, 25] }"),
        ['("kpi_anvisning")', "styles.kpi_text_white", "brand (C100 M35 Y30 K25)", "4 inks"],
        id="white-caption-on-four-inks",
    ),
    pytest.param(
        "almene-boliger",
        ('registration = { cmyk = [100, 100, 100, 100], separation = "All" }',
         "registration = { cmyk = [100, 100, 100, 100] }"),
        ["print.marks", "registration (C100 M100 Y100 K100)", 'separation = "All"'],
        id="crop-marks-not-registration",
    ),
    pytest.param(
        "almene-boliger",
        ("min_white_stroke = 0.5", "min_white_stroke = 0.25"),
        ["print.min_white_stroke", "0.25 pt", "0.5 pt"],
        id="white-lines-too-thin",
    ),
    pytest.param(
        "almene-boliger",
        ('colors = ["rule", "white"]', 'colors = ["rule", "brand_dark"]'),
        ['("kort").colors[1] (map borders)', "brand_dark (M100 Y70 K45)", "one ink"],
        id="hairline-in-three-inks",
    ),
    pytest.param(
        "almene-boliger",
        ('bullet_color = "accent"', 'bullet_color = "brand"'),
        ["styles.bullet.bullet_color", "brand (M100 Y70)", "2 inks"],
        id="bullets-in-two-inks",
    ),
]  # fmt: skip


@pytest.mark.parametrize("name", KITS)
def test_shipped_layouts_keep_every_print_colour_rule(name: str) -> None:
    assert print_colour_problems(load_layout(name)) == []


@pytest.mark.parametrize(("layout", "change", "names"), BAD_COLOURS)
def test_a_bad_print_colour_is_named(
    tmp_path: Path, layout: str, change: tuple[str, str], names: list[str]
) -> None:
    folder = layout_with(tmp_path, layout, *change)
    problems = print_colour_problems(load_layout(folder))
    assert problems, "the rule did not fire"
    assert any(all(n in p for n in names) for p in problems), problems


def test_layouts_check_rejects_a_bad_print_colour(tmp_path: Path) -> None:
    folder = layout_with(
        tmp_path, "almene-boliger", 'bullet_color = "accent"', 'bullet_color = "brand"'
    )
    res = runner.invoke(faktaark.cli.app.app, ["layouts", "check", str(folder)])
    assert res.exit_code == 1, res.output
    assert "styles.bullet.bullet_color" in res.stderr
    assert "brand (M100 Y70)" in res.stderr
    assert "print colour rule(s) broken" in res.stderr
    assert "Traceback" not in res.output


def test_screen_colour_comes_from_screen_when_given() -> None:
    brand = load_layout("almene-boliger").colors["brand"]
    assert brand.cmyk == (0, 1, 0.7, 0)  # the press: two inks
    assert brand.rgb == Color("old", (0, 1, 0.7, 0.18)).rgb  # the screen: as before
    text = load_layout("almene-boliger").colors["text"]
    assert text.cmyk == (0, 0, 0, 1)
    assert text.overprint
    assert text.rgb == pytest.approx((0.1, 0.1, 0.1))
