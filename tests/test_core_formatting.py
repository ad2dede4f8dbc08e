"""Danish number formatting and parsing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faktaark.core import formatting as n

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (4451, 0, "4.451"),
        (73, 0, "73"),
        (1234567, 0, "1.234.567"),
        (8.25, 1, "8,3"),
        (8.5, 0, "9"),
        (2.5, 0, "3"),
        (-12, 0, "\u221212"),
        (-0.2, 0, "0"),
        (0, 1, "0,0"),
        (1000, 0, "1.000"),
        (999.96, 1, "1.000,0"),
    ],
)
def test_tal(value: float, decimals: int, expected: str) -> None:
    assert n.tal(value, decimals) == expected


def test_units_use_no_break_spaces() -> None:
    assert n.pct(8) == f"8{NB}pct."
    assert n.mio_kr(333) == f"333{NB}mio.{NB}kr."
    assert n.mio_kr(999) == f"999{NB}mio.{NB}kr."
    # from 1.000 mio. kr. in milliards with one decimal (issue 14)
    assert n.mio_kr(1250) == f"1,3{NB}mia.{NB}kr."
    assert n.mio_kr(5644) == f"5,6{NB}mia.{NB}kr."
    assert n.mio_kr(999.6) == f"1,0{NB}mia.{NB}kr."
    assert n.procentpoint(2.45) == f"2,5{NB}procentpoint"


def test_dates() -> None:
    assert n.dato(2026, 1, 1) == f"1.{NB}januar 2026"
    assert n.dato(2025, 12, 24) == f"24.{NB}december 2025"


def test_eu_style_thousands_is_configurable() -> None:
    assert n.tal(18000, thousands="\u202f") == "18\u202f000"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("4.451", 4451),
        ("8,5", 8.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("8.5", 8.5),
        ("\u221212", -12),
        ("-12", -12),
        (" 73 ", 73),
        ("4\u00a0451", 4451),
        (7, 7),
        (8.0, 8),
        ("1e3", 1000),
        ("+5", 5),
    ],
)
def test_parse_number(cell: object, expected: float) -> None:
    assert n.parse_number(cell) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["", "..", "-", "–", None, "x"])
def test_missing_markers(cell: object) -> None:
    assert n.parse_number(cell) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "expected a number"),
        ("NaN", "finite"),
        ("inf", "finite"),
        ("1e400", "finite"),
        ("=cmd|' /C calc'!A0", "formula"),
        ("@SUM(A1)", "formula"),
        ("1,2,3", "expected a number"),
        (float("nan"), "finite"),
    ],
)
def test_parse_number_rejects(cell: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        n.parse_number(cell)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_formatted_integers_read_back(value: int) -> None:
    text = n.tal(value)
    assert n.parse_number(text.replace("\u2212", "-")) == value


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda f: round(f, 2)))
def test_formatted_decimals_read_back(value: float) -> None:
    text = n.tal(value, 2)
    back = n.parse_number(text)
    assert back is not None
    assert math.isclose(back, float(n.round_half_up(value, 2)))


@given(st.text(max_size=30))
def test_parser_never_crashes_unexpectedly(text: str) -> None:
    try:
        value = n.parse_number(text)
    except ValueError:
        return
    assert value is None or math.isfinite(value)
