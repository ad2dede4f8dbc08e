"""The register of the 98: lookup by code or name in any spelling, slugs, collation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faktaark.core import kommuner
from faktaark.core.kommuner import collation_key, register, slugify
from faktaark.errors import UnknownKommune


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("161", 161),
        ("0161", 161),
        ("Glostrup", 161),
        ("koebenhavn", 101),
        ("KØBENHAVN", 101),
        ("kobenhavn", 101),
        ("Aarhus", 751),
        ("Århus", 751),
        ("aabenraa", 580),
        ("Lyngby-Taarbæk", 173),
        ("lyngby taarbaek", 173),
        ("LYNGBY_TAARBAEK", 173),
        ("Høje-Taastrup", 169),
        ("hoje taastrup", 169),
        ("Ringkøbing-Skjern", 760),
        ("Vesthimmerland", 820),
        ("Vesthimmerlands Kommune", 820),
        ("Københavns Kommune", 101),
        ("Bornholm", 400),
        ("Bornholms Regionskommune", 400),
        (101, 101),
    ],
)
def test_find(query: str | int, code: int) -> None:
    assert register().get(query).kode == code


def test_there_are_98_and_no_christianso() -> None:
    reg = register()
    assert len(reg) == 98
    assert reg.find("411") is None
    assert reg.find("Christiansø") is None


def test_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(UnknownKommune) as exc:
        register().get("Glostrupp")
    assert exc.value.suggestions[0] == "Glostrup"
    assert exc.value.exit_code == 2
    assert "Did you mean: Glostrup?" in str(exc.value)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Glostrup", "glostrup"),
        ("København", "koebenhavn"),
        ("Lyngby-Taarbæk", "lyngby-taarbaek"),
        ("Ærø", "aeroe"),
        ("Høje-Taastrup", "hoeje-taastrup"),
    ],
)
def test_slugs_are_ascii(name: str, slug: str) -> None:
    assert slugify(name) == slug
    assert slug.isascii()


def test_file_names() -> None:
    assert register().get("101").filnavn == "101-koebenhavn"
    assert all(k.filnavn.isascii() for k in register())


def test_official_names() -> None:
    reg = register()
    assert reg.get(161).officielt_navn == "Glostrup Kommune"
    assert reg.get(101).officielt_navn == "Københavns Kommune"
    assert reg.get(400).officielt_navn == "Bornholms Regionskommune"
    assert reg.get(101).officielt_navn_genitiv == "Københavns Kommunes"


def test_danish_collation() -> None:
    names = ["Aabenraa", "Ærø", "Aalborg", "Odense", "Ålborg-test", "Zeta", "Ølstykke"]
    ordered = sorted(names, key=collation_key)
    assert ordered.index("Zeta") < ordered.index("Ærø") < ordered.index("Ølstykke")
    assert ordered.index("Ølstykke") < ordered.index("Aabenraa")  # "Aa" sorts as "Å"


def _normalise_reference(text: str, plain: bool = False) -> str:
    """`normalise` as it was before its ASCII shortcut: every step for every string."""
    import re
    import unicodedata

    t = unicodedata.normalize("NFC", text).strip().lower()
    table = {"æ": "a", "ø": "o", "å": "a"} if plain else kommuner._TRANSLIT
    t = "".join(table.get(c, c) for c in t)
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return re.sub(r"[\s\-_.,']+", " ", t).strip()


@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=20), st.booleans())
def test_normalise_is_the_same_with_its_ascii_shortcut(text: str, plain: bool) -> None:
    assert kommuner.normalise(text, plain) == _normalise_reference(text, plain)


def test_every_name_is_found_as_before() -> None:
    reg = kommuner.register()
    for k in reg:
        for name in (k.navn, k.officielt_navn, *k.andre_navne):
            for plain in (False, True):
                assert kommuner.normalise(name, plain) == _normalise_reference(name, plain)
