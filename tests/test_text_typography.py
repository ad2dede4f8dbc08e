"""Danish typography in the text stage: the line breaker's rules and the templates' characters.

A user would check here: hyphenation leaves at least 3 letters either side, never three
hyphenated lines in a row, never a word alone (or the rest of a hyphenated word) on a
paragraph's last line; a forced break; no-break spaces in names; en dash, apostrophe and
quotes; inserted hyphens are soft hyphens (U+00AD); font subset names follow the subset.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faktaark.core.kommuner import register
from faktaark.pdf.embedding import subset_tag
from faktaark.text import linebreak
from faktaark.text.hyphenation import word_breaks
from faktaark.text.linebreak import SOFT_HYPHEN, Span, break_lines, is_runt
from faktaark.text.templates import fill, plain
from faktaark.values.sheet import kommune_values

NB = "\u00a0"
FONT = "F"


class Mono:
    """Every character one unit wide (at size 1)."""

    def width(self, text: str, font: str, size: float) -> float:
        return len(text) * size


def lines(text: str, width: float, **kw: object) -> list[str]:
    return [ln.text for ln in break_lines([Span(text, FONT)], 1.0, width, Mono(), **kw)]  # type: ignore[arg-type]


def test_three_letters_either_side_of_a_break() -> None:
    known = {"byudviklingen": (2, 6, 9), "boligområder": (3, 5, 9, 10)}
    assert word_breaks("byudviklingen", known).points == (6, 9)
    assert word_breaks("boligområder.", known).points == (3, 5, 9)
    out = lines("sektoren byudviklingen og", 12, known=known)
    assert not any(ln.endswith("by" + SOFT_HYPHEN) for ln in out)


def test_the_inserted_hyphen_is_a_soft_hyphen_and_marked() -> None:
    known = {"livssituationer": (4,)}
    out = break_lines([Span("og livssituationer kan", FONT)], 1.0, 16, Mono(), known=known)
    assert out[0].text == "og livs" + SOFT_HYPHEN
    assert out[0].hyphen
    assert not out[1].hyphen
    hard = break_lines([Span("og CO₂-aftryk", FONT)], 1.0, 8, Mono())
    assert hard[0].text == "og CO₂-"  # after a hard hyphen: a hyphen, not a soft one
    assert not hard[0].hyphen


def test_a_name_stays_whole() -> None:
    """A capitalised word inside a sentence is a name: never hyphenated, nor broken at its
    hard hyphen unless it is wider than a line by itself."""
    known = {"Landsbyggefonden": (5, 10), "Helhedsplanerne": (3, 7, 10)}
    out = lines("støtte fra Landsbyggefonden i", 22, known=known)
    assert "Landsbyggefonden" in [w for ln in out for w in ln.split()], out
    assert lines("i Lyngby-Taarbæk", 15) == ["i", "Lyngby-Taarbæk"]
    assert lines("i Lyngby-Taarbæk", 10) == ["i", "Lyngby-", "Taarbæk"]  # wider than a line
    start = lines("Helhedsplanerne bygger", 12, known=known)  # a sentence's first word: a word
    assert start[0] == "Helhedspla" + SOFT_HYPHEN


def test_at_most_two_hyphenated_lines_in_a_row() -> None:
    words = ["abcdefghij"] * 8
    known = {"abcdefghij": (3, 5, 7)}
    out = break_lines([Span(" ".join(words), FONT)], 1.0, 16, Mono(), known=known)
    run = 0
    for ln in out:
        run = run + 1 if ln.hyphen else 0
        assert run <= linebreak.MAX_LADDER
    assert any(ln.hyphen for ln in out)


def test_no_hyphen_on_the_lines_to_avoid() -> None:
    known = {"energiforbrug": (6,)}
    text = "CO₂-aftryk og energiforbrug i nye"
    assert lines(text, 21, known=known)[0].endswith("energi" + SOFT_HYPHEN)
    avoided = lines(text, 21, known=known, avoid=frozenset({0}))
    assert not avoided[0].endswith(SOFT_HYPHEN)


def test_a_runt_takes_a_word_from_the_line_above() -> None:
    out = lines("der udvikler sig sammen med samfundet nu.", 37)
    assert out[-1] == "samfundet nu."  # not "nu." alone
    known = {"samfundet.": (6,)}
    rest = lines("sig sammen med samfundet.", 22, known=known)
    assert rest[-1] == "samfundet."  # not "det." after "samfun-"
    assert is_runt("det.", after_soft=True)
    assert is_runt("i", after_soft=False)
    assert not is_runt("lokalsamfundet.", after_soft=False)
    assert not is_runt("i 2023.", after_soft=False)


def test_a_title_never_ends_with_one_word() -> None:
    out = lines("ALMENE BOLIGER GØR\nLYNGBY-TAARBÆK KOMMUNE BEDRE", 24, runt=(2, float("inf")))
    assert out[0] == "ALMENE BOLIGER GØR"  # the forced break before the name
    assert len(out[-1].split()) >= 2


def test_names_and_units_keep_together() -> None:
    for k in (register().get("Glostrup"), register().get("Bornholm"), register().get("København")):
        for form in ("officielt_navn", "officielt_navn_genitiv"):  # "Glostrup Kommunes" too
            text = plain(fill(f"i {{kommune.{form}}} egne tal.", kommune_values(k)))
            assert " " not in text.split("i ", 1)[1].removesuffix(" egne tal."), text
    assert plain(fill("Fanø kommunes borgere", {})) == f"Fanø{NB}kommunes borgere"
    assert plain(fill("gør Fanø kommune bedre", {})) == f"gør Fanø{NB}kommune bedre"
    assert plain(fill("ca. 89 og nr. 3", {})) == f"ca.{NB}89 og nr.{NB}3"
    assert plain(fill("i kommunen", {})) == "i kommunen"


def test_apostrophe_and_quotes() -> None:
    assert plain(fill("BL's egne beregninger", {})) == "BL’s egne beregninger"
    assert plain(fill('BL: "Hvorfor lave en aftale?"', {})) == "BL: »Hvorfor lave en aftale?«"


def test_a_generated_period_has_an_en_dash() -> None:
    from faktaark.values.sheet import _period

    assert _period(2021, 2023) == "2021–2023"
    assert _period(2023, 2023) == "2023"


def test_subset_tags_follow_the_subset() -> None:
    a = subset_tag("FaktaSans-Regular", [0, 65, 66])
    assert a == subset_tag("FaktaSans-Regular", [0, 65, 66])
    assert len(a) == 6
    assert a.isupper()
    assert a.isalpha()
    assert a != subset_tag("FaktaSans-Regular", [0, 65, 67])
    assert a != subset_tag("FaktaSans-Bold", [0, 65, 66])


def test_a_lexicon_section_read_from_the_end_is_that_section_of_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`read_section` reads a large file's last section from its end (the compound
    dictionary's 83 endings without its 1 MB): the same words as that section of the whole
    file, for every section of every shipped lexicon file, and from a copy with Windows line
    endings (a checkout with autocrlf) too."""
    from faktaark.core.resources import package_dir
    from faktaark.text import lexicon

    files = [f for f in sorted((package_dir() / lexicon.FOLDER).glob("*.txt"))
             if "\n[" in f.read_text(encoding="utf-8")]  # fmt: skip
    assert len(files) >= 3
    crlf = tmp_path / lexicon.FOLDER
    crlf.mkdir()
    for f in files:
        (crlf / f.name).write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
    expected = {f.name: lexicon.sections(f.read_text(encoding="utf-8")) for f in files}
    assert sum(len(s) for s in expected.values()) >= 7
    for _ in ("as shipped", "with CRLF"):
        for name, found in expected.items():
            for section, words in found.items():
                assert lexicon.read_section(name, section) == words, (name, section)
            assert lexicon.read_section(name, "no-such-section") == []
        monkeypatch.setattr(lexicon, "package_dir", lambda: tmp_path)
