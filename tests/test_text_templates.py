"""Placeholders, plural forms, markup and Danish typography."""

from __future__ import annotations

import pytest

from faktaark.text.templates import Notes, Val, fill, placeholders, plain

NB = "\u00a0"
CTX = {
    "a.bolig": Val(1, "count"),
    "a.boliger": Val(90, "count"),
    "a.pct": Val(8.0, "pct"),
    "a.mio": Val(87, "mio_kr"),
    "a.aar": Val(2024, "year"),
    "a.navn": Val("Glostrup Kommune", "text"),
    "a.mangler": Val(None, "count"),
    "fodnote.x": Val("Kilde X (2024)", "mark"),
    "fodnote.y": Val("Kilde Y (2023)", "mark"),
    "fodnote.y2": Val("Kilde Y (2023)", "mark"),  # another fact from the same source
}


def test_values_are_formatted_by_kind() -> None:
    out = plain(fill("{a.boliger} boliger, {a.pct} i {a.aar}, {a.mio}.", CTX))
    assert out == f"90{NB}boliger, 8{NB}pct. i 2024, 87{NB}mio.{NB}kr."


@pytest.mark.parametrize(
    ("name", "expected"), [("a.bolig", "1 ældrebolig"), ("a.boliger", "90 ældreboliger")]
)
def test_plural_from_the_number(name: str, expected: str) -> None:
    out = plain(fill("{" + name + "|ældrebolig|ældreboliger}", CTX)).replace(NB, " ")
    assert out == expected


def test_missing_values_print_a_dash_and_flag_a_note() -> None:
    notes = Notes()
    assert plain(fill("{a.mangler}", CTX, notes)) == "\u2013"
    assert notes.missing


def test_footnote_marks_are_numbered_in_order_of_use() -> None:
    notes = Notes()
    text = plain(fill("a{fodnote.y} b{fodnote.x} c{fodnote.y}", CTX, notes))
    assert text == "a¹ b² c¹"
    assert notes.sources == [("y", "Kilde Y (2023)"), ("x", "Kilde X (2024)")]


def test_facts_from_one_source_share_its_footnote() -> None:
    """Two facts from the same report get the same mark, and the notes list it once."""
    notes = Notes()
    text = plain(fill("a{fodnote.y} b{fodnote.x} c{fodnote.y2}", CTX, notes))
    assert text == "a¹ b² c¹"
    assert notes.sources == [("y", "Kilde Y (2023)"), ("x", "Kilde X (2024)")]


def test_bold_and_links() -> None:
    segs = fill("Se **{a.navn}** på [BL.dk](https://bl.dk).", CTX)
    assert [s.text for s in segs if s.bold] == [f"Glostrup{NB}Kommune"]  # a name is not split
    assert [(s.text, s.link) for s in segs if s.link] == [("BL.dk", "https://bl.dk")]


def test_double_full_stop_after_an_abbreviation_is_dropped() -> None:
    assert plain(fill("på {a.mio}.", CTX)).endswith(f"mio.{NB}kr.")
    assert plain(fill("Vidste du, at ...", CTX)) == "Vidste du, at ..."


def test_ca_keeps_its_number() -> None:
    assert plain(fill("ca. 89 boliger", CTX)) == f"ca.{NB}89{NB}boliger"


def test_unknown_placeholder_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        fill("{a.ukendt}", CTX)


def test_placeholders_are_listed() -> None:
    assert placeholders("{a.x} {b.y:tal} {c.z|en|flere}") == [
        ("a.x", None, False),
        ("b.y", "tal", False),
        ("c.z", None, True),
    ]
