"""The planner's font metrics are the renderer's: read with fontTools, equal to ReportLab's.

A user would check here: every character of every bundled font is exactly as wide (to the
last bit) as ReportLab's `stringWidth` says, and so is any text made of them, including
characters a font lacks, the no-break space, the soft hyphen and kerning pairs (ReportLab
kerns nothing); a font covers exactly the characters ReportLab draws with a real glyph; the
shipped metrics table is the one the fonts give, and a stale one is not used; measuring text
imports neither fontTools nor ReportLab.
"""

from __future__ import annotations

import math
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from faktaark.core.resources import fonts_dir
from faktaark.pdf.embedding import register_all
from faktaark.text.fonts import (
    FONT_FILES,
    TABLE_FILE,
    FontTable,
    Metrics,
    ensure_glyphs,
    extract,
    load,
    metrics,
    read_tables,
    table_text,
)

# characters no bundled font has (or has only as glyph 0), and the ones with special handling
LACKING = "\n\t\x00\u0400\u4e00\ufffd\uffff\U0001f600"
SPECIAL = "\u00a0\u00ad\u202f\u2009\u2011 -"


@pytest.fixture(scope="module")
def registered() -> dict[str, Any]:
    """ReportLab's fonts as the renderer registers them (its faces, by name)."""
    return {name: pdfmetrics.getFont(name) for name in register_all()}


def every_char(font: Any) -> str:
    """Every character ReportLab's cmap maps (glyph 0 too), plus some it does not."""
    return "".join(map(chr, sorted(font.face.charToGlyph))) + LACKING + SPECIAL


@pytest.mark.parametrize("name", FONT_FILES)
def test_every_character_is_as_wide_as_reportlab_draws_it(
    name: str, registered: dict[str, Any]
) -> None:
    m = metrics()
    chars = every_char(registered[name])
    assert len(chars) > 360
    for c in chars:
        rl = pdfmetrics.stringWidth(c, name, 1.0)
        assert m.width(c, name, 1.0) == rl, (name, f"U+{ord(c):04X}")
        for size in (6.5, 9, 10.25, 31):  # what the planner did with ReportLab's width
            assert m.width(c, name, size) == rl * size, (name, f"U+{ord(c):04X}", size)


@pytest.mark.parametrize("name", FONT_FILES)
def test_texts_are_as_wide_as_reportlab_draws_them(name: str, registered: dict[str, Any]) -> None:
    m = Metrics()  # a fresh one: nothing measured before
    chars = every_char(registered[name])
    rnd = random.Random(name)
    texts = [
        chars,
        "Almene boliger i Ringkøbing-Skjern Kommune: 12.345 boliger (3,4\u00a0pct.)",
        "AVATAR Tø To Ty Wa yo LT P. V. «»",  # kerning pairs: ReportLab kerns nothing
        "hyp\u00adhen\u00ad",
        "",
        *("".join(rnd.choices(chars, k=rnd.randint(1, 120))) for _ in range(2000)),
    ]
    for text in texts:
        assert m.width(text, name, 1.0) == pdfmetrics.stringWidth(text, name, 1.0), text[:40]
    assert m.width("AV", name, 1.0) == m.width("A", name, 1.0) + m.width("V", name, 1.0)


@pytest.mark.parametrize("name", FONT_FILES)
def test_coverage_is_the_characters_reportlab_draws_with_a_glyph(
    name: str, registered: dict[str, Any]
) -> None:
    face = registered[name].face
    drawn = {chr(c) for c, glyph in face.charToGlyph.items() if glyph != 0}
    m = metrics()
    lacking = m.missing("".join(map(chr, range(0x30000))), name)
    assert {chr(c) for c in range(0x30000)} - lacking - {"\n"} == drawn
    # ReportLab maps U+FFFF to glyph 0 (.notdef, a box): missing, not drawn
    assert face.charToGlyph[0xFFFF] == 0
    assert m.missing("\uffff", name) == {"\uffff"}
    assert m.missing("Æbleø\u00a0\u00ad\n", name) == set()
    assert m.ascent[name] == face.ascent / 1000
    assert m.descent[name] == face.descent / 1000


def test_a_lacking_character_is_an_error_naming_it() -> None:
    with pytest.raises(Exception, match=r"U\+4E00.*FaktaSans-Bold"):
        ensure_glyphs("Glostrup \u4e00", "FaktaSans-Bold", "layout.toml:3")


def test_the_shipped_table_is_the_fonts() -> None:
    """After changing a font: `python tools/make_fonts.py --metrics`."""
    folder = fonts_dir()
    fresh = {n: extract((folder / f"{n}.ttf").read_bytes()) for n in FONT_FILES}
    assert read_tables(folder / TABLE_FILE) == fresh
    assert (folder / TABLE_FILE).read_text(encoding="utf-8") == table_text(fresh)
    assert load(FONT_FILES) == fresh


def test_reportlab_reads_the_same_numbers_from_the_files() -> None:
    """Independent of the registered (and patched) fonts: a plain ReportLab face per file."""
    for name, table in load(FONT_FILES).items():
        face = TTFont(name, str(fonts_dir() / f"{name}.ttf")).face
        assert table.default_width == face.defaultWidth
        assert (table.ascent, table.descent) == (face.ascent, face.descent)
        widths = {chr(c): w for c, w in face.charWidths.items() if face.charToGlyph.get(c)}
        assert table.widths == widths


def test_a_stale_table_is_not_used(tmp_path: Path) -> None:
    for name in FONT_FILES:
        shutil.copy(fonts_dir() / f"{name}.ttf", tmp_path)
    true = load(FONT_FILES)
    regular = true["FaktaSans-Regular"]
    # a table made for other bytes, claiming every character is 1 unit wide
    wrong = regular._replace(sha256="0" * 64, widths=dict.fromkeys(regular.widths, 1.0))
    (tmp_path / TABLE_FILE).write_text(table_text({**true, "FaktaSans-Regular": wrong}))
    assert load(FONT_FILES, tmp_path) == true
    for damaged in ("{not json", "[]", '{"format": 1, "fonts": {"FaktaSans-Bold": {}}}'):
        (tmp_path / TABLE_FILE).write_text(damaged)
        assert load(FONT_FILES, tmp_path) == true
    (tmp_path / TABLE_FILE).unlink()
    assert load(FONT_FILES, tmp_path) == true


def test_widths_add_up_in_reportlabs_order_for_any_units_per_em() -> None:
    """With 2000 units per em every partial sum is exact; with 2049 it is not, and the
    metrics add in ReportLab's order (left to right, in doubles) rather than `sum`'s."""
    scale = 1000 / 2049
    ascii_ = {chr(c): (997 + c % 7) * scale for c in range(0x20, 0x7F)}
    odd = FontTable("", 1600 * scale, -400 * scale, 1000 * scale, ascii_)
    m = Metrics({"Odd": odd})
    text = "".join(ascii_) * 3 + "\u4e00"
    widths = [ascii_.get(c, odd.default_width) for c in text]
    total = 0.0
    for w in widths:
        total += w
    assert total != math.fsum(widths)  # the order matters here: partial sums are rounded
    assert m.width(text, "Odd", 1.0) == total * 0.001


def test_measuring_imports_neither_fonttools_nor_reportlab() -> None:
    """The cold path of a single sheet reads the shipped table: fontTools alone costs ~30 ms
    to import, and ReportLab is loaded only to draw."""
    code = (
        "import sys\n"
        "from faktaark.text.fonts import metrics\n"
        "assert metrics().width('Glostrup', 'FaktaSans-Bold', 10) > 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fontTools', 'reportlab')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
